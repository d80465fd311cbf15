// The `/supervisor` namespace: a client joins the room of each of its sites, gets a full snapshot
// at once, then deltas. Deltas are coalesced per site (one timer per site, not per client) and
// sent to the room at most once per `intervalMs` (default 200 ms: at most 5 updates/s per client):
// each delta is built and encoded once (`nsp.to(room).emit`), whatever the number of clients.
// Leading edge: the first change after a quiet spell goes out on the next macrotask, later ones
// wait for the interval's end (trailing edge): see update-throttle.ts. A delta carries the full (small) queue table, the QS
// when it changed, the alarms that changed as whole values, the agents that changed (status and
// since, their other fields when they moved), and the calls that changed: whole the first time,
// then only their changed fields (./call-patch.ts). A client that joins resets that base: the
// next delta sends every changed item whole. Applying a delta twice,
// or on a snapshot that already had it, gives the same room (a reconnect just takes a fresh snapshot).
// Client contract (docs/api.md, "/supervisor"): `seq` grows with every update of the site; a
// snapshot with `seq` N holds every delta up to N (and possibly part of the next one, harmlessly);
// the client applies, in order, the deltas with `seq` > N and ignores the others.
import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../ports/logger.js';
import type { Event } from '../core/events.js';
import type { TokenService } from '../auth/index.js';
import { SUPERVISION_ROLES } from '../auth/index.js';
import {
  agentViewSchema,
  alarmView,
  alarmViewSchema,
  liveCallView,
  liveCallViewSchema,
  qs30Schema,
  queueViews,
  queueViewSchema,
} from '../read-models/views.js';
import { closeOnExpiry, principalOf, sitesFor } from './handshake.js';
import type { SiteFeed } from './site-feed.js';
import { lineSwitchViews, lineSwitchViewSchema, siteSnapshot } from './supervisor-snapshot.js';
import { UpdateThrottle } from './update-throttle.js';
import { callPatch } from './call-patch.js';
import type { LiveCallView } from '../read-models/views.js';

export const siteDeltaSchema = z.object({
  siteId: z.string(),
  seq: z.number().int(),
  serverTime: z.number(),
  /** When the oldest change folded into this delta was seen (epoch ms, the server's clock like serverTime): its delay is serverTime - changedSince at most. */
  changedSince: z.number(),
  mode: z.enum(['two-level', 'one-level']).nullable(),
  period: z.enum(['sas', 'pdsa']).nullable(),
  qs30: qs30Schema.optional().describe('absent: unchanged since the last update'),
  queues: z.array(queueViewSchema),
  agents: z
    .array(
      agentViewSchema
        .pick({
          id: true,
          status: true,
          since: true,
          pauseReason: true,
          callId: true,
          wrapUntil: true,
          skills: true,
        })
        .partial({ skills: true, pauseReason: true, callId: true, wrapUntil: true }),
    )
    .describe(
      'agents that changed: status and since, the other live fields only when they changed, to merge; skills only when they changed (name, roles, autoAnswer change only with the configuration, which sends a snapshot)',
    ),
  calls: z
    .array(liveCallViewSchema.partial().extend({ id: z.string() }))
    .describe(
      'calls that changed: whole when new to the room, else their changed fields to merge (listeners: [] = none any more)',
    ),
  removedCalls: z.array(z.string()),
  alarms: z.array(alarmViewSchema),
  clearedAlarms: z.array(z.string()),
  lineSwitches: z.array(lineSwitchViewSchema),
});
export type SiteDelta = z.infer<typeof siteDeltaSchema>;

export const roomOf = (siteId: string) => `site:${siteId}`;

type AgentSent = { pauseReason: string | null; callId: string | null; wrapUntil: number | null };

/** 5 updates/s per client. Under steady traffic a change waits up to one interval before it
 *  leaves (update-throttle.ts), so the interval is most of the console's delay: 250 ms (4/s)
 *  put p99 at 281–304 ms on a quiet machine (bench fanout); 200 ms keeps it under 300 ms at the
 *  cost of one more message per console per second. */
export const DEFAULT_SUPERVISOR_INTERVAL_MS = 200;

/** Coalesces one site's changes and sends them to its room. */
class SitePublisher {
  private seq = 0;
  private calls = new Set<string>();
  private agents = new Set<string>();
  private alarms = new Set<string>();
  private full = false;
  /** What the room was last sent of each live call and of the QS: deltas carry what changed. */
  private readonly sentCalls = new Map<string, LiveCallView>();
  private sentQs: string | null = null;
  private readonly sentSkills = new Map<string, string>();
  /** An agent's pause reason, call and wrap-up end as last sent: a delta carries them when they moved. */
  private readonly sentAgents = new Map<string, AgentSent>();
  private changedSince: number | null = null;
  private readonly throttle: UpdateThrottle;
  /** Sockets that asked for a snapshot: answered at the next flush, in place of its delta. */
  private readonly resyncs = new Set<string>();
  private readonly stop: () => void;

  /** Whether this process published the site's last changes (asked again at every change). */
  private publishing: boolean;

  constructor(
    private readonly feed: SiteFeed,
    private readonly nsp: Namespace,
    intervalMs: number,
    private readonly clock: () => number,
    private readonly publishes: () => boolean,
  ) {
    if (!(intervalMs >= 0) || !Number.isFinite(intervalMs))
      throw new Error(`supervisor feed: intervalMs must be a finite number ≥ 0, got ${intervalMs}`);
    this.throttle = new UpdateThrottle(intervalMs, () => this.flush());
    this.publishing = publishes();
    this.stop = feed.listen((events) => this.note(events));
  }

  get currentSeq(): number {
    return this.seq;
  }

  private note(events: Event[]): void {
    // With several processes only one publishes (the writer); a process that takes over sends the
    // whole room first, since it did not track what changed before.
    if (!this.publishes()) {
      this.publishing = false;
      return;
    }
    if (!this.publishing) {
      this.publishing = true;
      this.full = true;
    }
    for (const e of events) {
      if ('callId' in e && e.callId) this.calls.add(e.callId);
      if ('agentId' in e && e.agentId) this.agents.add(e.agentId);
      if ('alarmId' in e) this.alarms.add(e.alarmId);
      if (e.type === 'ConfigReplaced') this.full = true;
    }
    this.changedSince ??= this.clock();
    this.schedule();
  }

  /** A client asks for a fresh snapshot: it gets it at the site's next flush, instead of that
   *  flush's delta, so asking never raises its rate above the cap (nor costs more than one
   *  snapshot per interval and socket). */
  resync(socketId: string): void {
    this.resyncs.add(socketId);
    this.schedule();
  }

  /** A client joined with a snapshot read now: what the room was sent is no base for it any
   *  more (a field may have changed and come back since), so the next delta sends every changed
   *  call, agent and the QS whole. */
  joined(): void {
    this.sentCalls.clear();
    this.sentAgents.clear();
    this.sentSkills.clear();
    this.sentQs = null;
  }

  forget(socketId: string): void {
    this.resyncs.delete(socketId);
  }

  private schedule(): void {
    this.throttle.request();
  }

  private flush(): void {
    const changed = this.changedSince !== null || this.full;
    const resyncs = [...this.resyncs];
    this.resyncs.clear();
    if (changed) {
      // A version that grows with time, so that snapshots and deltas from different processes
      // (before and after a fail-over) still compare.
      this.seq = Math.max(this.seq + 1, Date.now());
    }
    if (resyncs.length > 0) {
      // Built once for every asker; they are left out of this flush's delta, which it holds.
      const snapshot = siteSnapshot(this.feed, this.seq, this.clock());
      for (const id of resyncs) this.nsp.sockets.get(id)?.emit('snapshot', snapshot);
    }
    if (!changed) return;
    const room = this.nsp.to(roomOf(this.feed.site.siteId)).except(resyncs);
    const changedSince = this.changedSince ?? this.clock();
    this.changedSince = null;
    if (this.full) {
      this.full = false;
      this.calls.clear();
      this.agents.clear();
      this.alarms.clear();
      this.sentCalls.clear();
      this.sentSkills.clear();
      this.sentAgents.clear();
      this.sentQs = null;
      room.emit('snapshot', siteSnapshot(this.feed, this.seq, this.clock()));
      return;
    }
    const state = this.feed.site.state;
    const d = state.data;
    const qs30 = this.feed.qs30(this.clock());
    const qsText = JSON.stringify(qs30);
    const delta: SiteDelta = {
      siteId: this.feed.site.siteId,
      seq: this.seq,
      serverTime: this.clock(),
      changedSince,
      mode: d.mode,
      period: d.period,
      ...(qsText !== this.sentQs ? { qs30 } : {}),
      queues: queueViews(state),
      agents: [],
      calls: [],
      removedCalls: [],
      alarms: [],
      clearedAlarms: [],
      lineSwitches: lineSwitchViews(state),
    };
    for (const id of this.agents) {
      const a = d.agents[id];
      if (!a) continue;
      // Skills change only when a supervisor moves the agent: sent then, not at every call.
      const skills = a.skills.map((k) => ({ queue: k.queue, preference: k.preference }));
      const skillsText = JSON.stringify(skills);
      const was = this.sentAgents.get(id);
      // Status and since always (they move at every change); the rest when it moved: at 100
      // calls/s most agents in a delta only changed state (bench fanout: meanDeltaBytes).
      delta.agents.push({
        id: a.id,
        status: a.status,
        since: a.since,
        ...(!was || was.pauseReason !== a.pauseReason ? { pauseReason: a.pauseReason } : {}),
        ...(!was || was.callId !== a.callId ? { callId: a.callId } : {}),
        ...(!was || was.wrapUntil !== a.wrapUntil ? { wrapUntil: a.wrapUntil } : {}),
        ...(this.sentSkills.get(id) !== skillsText ? { skills } : {}),
      });
      this.sentSkills.set(id, skillsText);
      this.sentAgents.set(id, { pauseReason: a.pauseReason, callId: a.callId, wrapUntil: a.wrapUntil });
    }
    for (const id of this.calls) {
      const c = d.calls[id];
      if (c) {
        const view = liveCallView(c);
        delta.calls.push(callPatch(this.sentCalls.get(id), view));
        this.sentCalls.set(id, view);
      } else {
        delta.removedCalls.push(id);
        this.sentCalls.delete(id);
      }
    }
    for (const id of this.alarms) {
      const a = d.alarms[id];
      if (a) delta.alarms.push(alarmView(a));
      else delta.clearedAlarms.push(id);
    }
    this.calls.clear();
    this.agents.clear();
    this.alarms.clear();
    this.sentQs = qsText;
    room.emit('delta', delta);
  }

  close(): void {
    this.stop();
    this.throttle.close();
  }
}

export type SupervisorFeedOptions = {
  nsp: Namespace;
  feeds: Map<string, SiteFeed>;
  tokens: TokenService;
  logger: Logger;
  clock: () => number;
  /** Minimum time between two updates of a site's room, so per client (default 200 ms: 5/s). */
  intervalMs?: number;
  /** Whether this process publishes a site's deltas (with several processes: the writer's). */
  publishes?: (siteId: string) => boolean;
};

export function mountSupervisorFeed(opts: SupervisorFeedOptions): { close(): void } {
  const { nsp, feeds } = opts;
  const publishers = new Map<string, SitePublisher>();
  for (const [siteId, feed] of feeds)
    publishers.set(
      siteId,
      new SitePublisher(
        feed,
        nsp,
        opts.intervalMs ?? DEFAULT_SUPERVISOR_INTERVAL_MS,
        opts.clock,
        () => opts.publishes?.(siteId) ?? true,
      ),
    );

  nsp.use((socket, next) => {
    principalOf(socket, opts.tokens, SUPERVISION_ROLES)
      .then((principal) => {
        socket.data.principal = principal;
        socket.data.sites = sitesFor(socket, principal, new Set(feeds.keys()));
        next();
      })
      .catch((err: Error) => next(err));
  });
  nsp.on('connection', (socket) => {
    const sites = socket.data.sites as string[];
    closeOnExpiry(socket, socket.data.principal, opts.clock);
    opts.logger.info({ userId: socket.data.principal?.userId, sites }, 'supervisor connected');
    for (const siteId of sites) {
      // Snapshot and join in the same tick: no delta can fall between them.
      socket.join(roomOf(siteId));
      publishers.get(siteId)?.joined();
      const seq = publishers.get(siteId)?.currentSeq ?? 0;
      socket.emit('snapshot', siteSnapshot(feeds.get(siteId)!, seq, opts.clock()));
    }
    // A client that suspects a gap asks again; answered with a fresh snapshot per site, at the
    // site's next flush (at once after a quiet spell).
    socket.on('resync', () => {
      for (const siteId of sites) publishers.get(siteId)?.resync(socket.id);
    });
    socket.once('disconnect', () => {
      for (const siteId of sites) publishers.get(siteId)?.forget(socket.id);
    });
  });
  return {
    close() {
      for (const p of publishers.values()) p.close();
    },
  };
}
