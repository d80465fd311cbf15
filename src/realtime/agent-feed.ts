// The `/agent` namespace: the agent's own desk, live. On connect a snapshot per site (agent state,
// current call with the caller and the DRM, today's figures); then `offer` when a call is offered
// to the agent, and `update` (the whole desk, small) whenever its state, its call or its figures
// change. Not coalesced: an offer must ring the panel at once, and an agent sees few events.
// Each desk carries its site's queue load, computed from the same state: a panel never shows the
// agent on a call next to the count from before the answer (« 1 en sonnerie »).
import type { Namespace } from 'socket.io';
import type { Logger } from '../ports/logger.js';
import type { Event } from '../core/events.js';
import type { State } from '../core/state.js';
import type { TokenService } from '../auth/index.js';
import { agentView, callView, queueViews, type QueueView } from '../read-models/views.js';
import { closeOnExpiry, principalOf, sitesFor, HandshakeError } from './handshake.js';
import type { SiteFeed } from './site-feed.js';

const AGENT_NSP_ROLES = ['arm', 'osnp', 'mrg', 'mru', 'supervisor'] as const;

export const agentRoom = (siteId: string, agentId: string) => `agent:${siteId}:${agentId}`;

function desk(feed: SiteFeed, agentId: string, now: number, queues?: QueueView[]) {
  const state = feed.site.state;
  const agent = state.data.agents[agentId];
  if (!agent) return null;
  const call = agent.callId ? state.data.calls[agent.callId] : undefined;
  return {
    siteId: feed.site.siteId,
    serverTime: now,
    agent: agentView(state, agent),
    call: call ? callView(call, state) : null,
    stats: feed.stats.stats(agentId, now),
    queues: queues ?? queueViews(state),
  };
}

export type AgentFeedOptions = {
  nsp: Namespace;
  feeds: Map<string, SiteFeed>;
  tokens: TokenService;
  logger: Logger;
  clock: () => number;
  /** True with the Redis adapter: the agent may be connected to another process. */
  relayed?: boolean;
  /** Whether this process tells agents of a site's changes (several processes: the writer only). */
  publishes?: (siteId: string) => boolean;
  /**
   * After an agent's last panel is gone (tab closed, browser crash), the seat is logged out once
   * this long has passed with no panel back, so that no call is offered to a seat nobody sits at.
   * A reload or a token refresh reconnects well within it. null: never. Default 30 s (illustrative).
   */
  seatGraceMs?: number | null;
};

export const SEAT_GRACE_MS = 30_000;

export function mountAgentFeed(opts: AgentFeedOptions): { close(): void } {
  const { nsp, feeds } = opts;
  const stops: (() => void)[] = [];
  for (const feed of feeds.values()) {
    // Agents who were on or offered a call, so they hear of its end after it leaves the state.
    const callAgents = new Map<string, Set<string>>();
    stops.push(
      feed.listen((events: Event[], state: State) => {
        // Another process publishes: our emits would reach the agent twice through the adapter.
        if (opts.publishes && !opts.publishes(feed.site.siteId)) {
          for (const e of events) if (e.type === 'CallEnded') callAgents.delete(e.callId);
          return;
        }
        const touched = new Set<string>();
        for (const e of events) {
          if ('agentId' in e && e.agentId) touched.add(e.agentId);
          if ('callId' in e && e.callId) {
            const seen = callAgents.get(e.callId) ?? new Set<string>();
            if ('agentId' in e && e.agentId) seen.add(e.agentId);
            for (const id of seen) touched.add(id);
            if (e.type === 'CallEnded') callAgents.delete(e.callId);
            else if (seen.size > 0) callAgents.set(e.callId, seen);
          }
          if (
            e.type === 'CallOffered' &&
            (opts.relayed || nsp.adapter.rooms.get(agentRoom(feed.site.siteId, e.agentId))?.size)
          ) {
            const call = state.data.calls[e.callId];
            nsp.to(agentRoom(feed.site.siteId, e.agentId)).emit('offer', {
              siteId: feed.site.siteId,
              callId: e.callId,
              queueId: e.queueId,
              autoAnswer: e.autoAnswer,
              ringUntil: e.ringUntil,
              call: call ? callView(call, feed.site.state) : null,
            });
          }
        }
        const now = opts.clock();
        let queues: QueueView[] | undefined; // once per batch, for every desk told
        for (const agentId of touched) {
          // Nobody to tell (and no other process to relay to): skip building and encoding.
          if (!opts.relayed && !nsp.adapter.rooms.get(agentRoom(feed.site.siteId, agentId))?.size) continue;
          queues ??= queueViews(feed.site.state);
          const d = desk(feed, agentId, now, queues);
          if (d) nsp.to(agentRoom(feed.site.siteId, agentId)).emit('update', d);
        }
      }),
    );
  }

  nsp.use((socket, next) => {
    principalOf(socket, opts.tokens, AGENT_NSP_ROLES)
      .then((principal) => {
        if (!principal.agentId)
          throw new HandshakeError(403, 'no-agent', 'your account is not linked to an agent');
        socket.data.principal = principal;
        socket.data.sites = sitesFor(socket, principal, new Set(feeds.keys()));
        next();
      })
      .catch((err: Error) => next(err));
  });
  const grace = opts.seatGraceMs === undefined ? SEAT_GRACE_MS : opts.seatGraceMs;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  /** Logs the seat out if, after the grace, no panel of the agent is connected to any process. */
  const leaveSeat = async (siteId: string, agentId: string) => {
    const feed = feeds.get(siteId);
    if (closed || !feed) return;
    if ((await nsp.in(agentRoom(siteId, agentId)).fetchSockets()).length > 0) return;
    const status = feed.site.state.data.agents[agentId]?.status;
    // On a call the caller is never cut: the seat stays until the call ends (the phone may be alive).
    if (!status || status === 'logged-out' || status === 'on-call') return;
    const r = await feed.site.dispatch({ type: 'agentLogout', agentId });
    opts.logger.info({ siteId, agentId, ok: r.ok }, 'seat logged out: no panel left connected');
  };
  nsp.on('connection', (socket) => {
    const agentId = socket.data.principal.agentId as string;
    socket.on('disconnect', () => {
      if (closed || grace === null) return;
      for (const siteId of socket.data.sites as string[]) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          leaveSeat(siteId, agentId).catch((err: Error) =>
            opts.logger.warn({ err: err.message, agentId }, 'seat logout after disconnect failed'),
          );
        }, grace);
        timer.unref();
        timers.add(timer);
      }
    });
    closeOnExpiry(socket, socket.data.principal, opts.clock);
    for (const siteId of socket.data.sites as string[]) {
      socket.join(agentRoom(siteId, agentId));
      const d = desk(feeds.get(siteId)!, agentId, opts.clock());
      if (d) socket.emit('snapshot', d);
    }
  });
  return {
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of stops) s();
    },
  };
}
