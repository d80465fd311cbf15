// A site whose state lives in Redis (docs/store.md, "The engine on the store"). The routing engine
// is the reducer of a SiteWriter: commands go through the site's commands stream to whichever
// process holds the writer lease, and every process keeps a read model by tailing the event stream.
//
// - dispatch: the command is sent on the commands stream with an id and the sender's instance id.
//   The leader runs it through the engine; once its events are persisted (afterAppend) it resolves
//   the caller's promise directly when the caller is in its own process, otherwise it publishes the
//   Result on the sender's reply channel. A reply lost to a writer crash ends as `outcome-unknown`.
// - effects: only the leader carries them out, only after their events are persisted, in order per
//   call, through the effect executor (the telephony port).
// - timers: the leader arms one timer from nextWakeAt(state) after each batch and sends `timerFired`
//   through the commands stream too; a new leader re-arms from its recovered state.
// - read model: an EventTail; its events reach listeners when this process is not the leader (the
//   leader emits its own batches after persistence, so listeners see each event once).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import type { Effect } from '../core/effects.js';
import { execute, nextWakeAt, type Result } from '../core/engine.js';
import type { Event, EventType } from '../core/events.js';
import { evolve } from '../core/evolve.js';
import { buildIndexes, initialState, type SiteData, type State } from '../core/state.js';
import { sendCommand, type CommandEntry } from '../store/commands.js';
import { siteKeys } from '../store/keys.js';
import type { Reducer, StateCodec, StoreEvent } from '../store/reducer.js';
import { compareStreamIds } from '../store/streamId.js';
import { EventTail } from '../store/tail.js';
import { SiteWriter, type AppendedBatch, type WriterRole } from '../store/writer.js';
import { withoutPersonalData } from '../core/personal-data.js';
import { readHistory } from '../store/archive.js';
import { Archiver } from '../store/jobs/archiver.js';
import type { HistorySource } from './history.js';
import type { Logger } from './logger.js';
import type { SiteHandle } from './site-handle.js';
import type { EventListener } from './site-runtime.js';

/** What travels on the commands stream: the engine command, when telephony saw it, who asked. */
export type EngineEnvelope = { type: 'engine'; id: string; from: string; command: Command; at?: number };

/** Every event type the engine emits: a Record so that a new event type fails to compile here. */
const EVENT_TYPES: Record<EventType, true> = {
  CallArrived: true,
  CallQueued: true,
  CallOffered: true,
  CallOfferFailed: true,
  CallConnected: true,
  CallTierReached: true,
  CallThresholdPassed: true,
  CallQualified: true,
  CallKept: true,
  CallTransferred: true,
  AgentLeftCall: true,
  CallEnded: true,
  CallRedirected: true,
  OutboundCallPlaced: true,
  CallbackOffered: true,
  CallbackTaskCreated: true,
  CallbackTaskClaimed: true,
  CallbackTaskCompleted: true,
  AgentLoggedIn: true,
  AgentLoggedOut: true,
  AgentBecameAvailable: true,
  AgentPaused: true,
  AgentWrapUpStarted: true,
  AgentSkillsChanged: true,
  ModeChanged: true,
  ModeOverrideSet: true,
  PeriodChanged: true,
  LineSwitched: true,
  LineRestored: true,
  AlarmRaised: true,
  AlarmCleared: true,
  ConfigReplaced: true,
};

export function isEngineEvent(event: StoreEvent): event is Event {
  return Object.hasOwn(EVENT_TYPES, event.type);
}

/** The engine as a store reducer; `config` is the state of a site whose stream is still empty. */
export function engineReducer(config: SiteConfig): Reducer<State, Event> {
  return {
    initial: () => initialState(config),
    evolve: (state, event) => void evolve(state, event),
  };
}

/** A snapshot holds only the canonical `state.data`; the indexes (deadline heap…) are rebuilt. */
export const engineCodec: StateCodec<State> = {
  encode: (state) => JSON.stringify(state.data),
  decode: (text) => {
    const data = JSON.parse(text) as SiteData;
    return { data, idx: buildIndexes(data) };
  },
};

export function parseEnvelope(raw: unknown): EngineEnvelope {
  const e = raw as Partial<EngineEnvelope> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    e.type !== 'engine' ||
    typeof e.id !== 'string' ||
    typeof e.from !== 'string' ||
    typeof e.command !== 'object' ||
    e.command === null ||
    typeof (e.command as { type?: unknown }).type !== 'string' ||
    (e.at !== undefined && !Number.isFinite(e.at))
  ) {
    throw new Error('an engine command is {type: "engine", id, from, command: {type…}, at?}');
  }
  return e as EngineEnvelope;
}

/** Pub/sub channel where a writer publishes the results of one process's commands. */
export function replyChannel(site: string, instance: string): string {
  return `${siteKeys(site).commands}:replies:${instance}`;
}

export type StoredSiteOptions = {
  redisUrl: string;
  /** The site's configuration: its id names the Redis keys; it is the state of an empty stream. */
  config: SiteConfig;
  logger: Logger;
  /** Carries out an effect (the telephony port); called by the leader only, in order per call. */
  effects?: (effect: Effect) => Promise<void>;
  clock?: () => number;
  /** How long dispatch waits for the writer's reply before answering `outcome-unknown`. */
  replyTimeoutMs?: number;
  leaseTtlMs?: number;
  renewEveryMs?: number;
  standbyPollMs?: number;
  snapshotEveryEvents?: number;
  /** false: a client only (read model + dispatch through the writer of another process), no writer. */
  writer?: boolean;
  /** false: the leader arms no timer (tests that send `timerFired` themselves, at chosen times). */
  timers?: boolean;
  holder?: string;
  onRoleChange?: (role: WriterRole, epoch: number | undefined) => void;
  /** Copy the stream into the long-lived archive (a BullMQ job scheduler); off unless asked (serve, demo). */
  archive?: boolean | { everyMs?: number; retentionMs?: number };
};

type Waiter = { resolve: (result: Result) => void; timer: NodeJS.Timeout };

export class StoredSite implements SiteHandle {
  readonly siteId: string;
  /** Identifies this process's StoredSite on the reply channel. */
  readonly instance = randomUUID();
  private readonly writer: SiteWriter<State, Event, EngineEnvelope> | null;
  private readonly tail: EventTail<State, Event>;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly listeners: EventListener[] = [];
  private readonly waiters = new Map<string, Waiter>();
  /** Results decided by this process's writer, until their batch is persisted. */
  private readonly decided = new Map<string, Result>();
  private readonly chains = new Map<string, Promise<void>>();
  private leading = false;
  /** Last event this process's writer recovered when it became leader. */
  private tenureStartId = '0-0';
  private tailCaughtUpForTenure = false;
  /** Last event handed to listeners (by the leader or by the tail). */
  private emittedUpTo = '0-0';
  private lastNow = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerCommandId: string | null = null;
  private stopped = false;
  private archiver: Archiver<Event> | null = null;

  private constructor(private readonly opts: StoredSiteOptions) {
    this.siteId = opts.config.id;
    this.clock = opts.clock ?? Date.now;
    this.log = opts.logger;
    this.redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
    for (const connection of [this.redis, this.subscriber])
      connection.on('error', (err: Error) => this.log.warn({ err: err.message }, 'redis connection error'));
    const reducer = engineReducer(opts.config);
    this.tail = new EventTail<State, Event>({
      redis: opts.redisUrl,
      site: this.siteId,
      reducer,
      isKnownEvent: isEngineEvent,
      codec: engineCodec,
      onEvent: (event, id, state) => this.fromTail(event, id, state),
      onResync: (_state, lastId) => {
        this.log.warn(
          { site: this.siteId, lastId },
          'read model fell behind a trim: rebuilt from the snapshot',
        );
        if (compareStreamIds(lastId, this.emittedUpTo) > 0) this.emittedUpTo = lastId;
      },
    });
    this.tail.done.catch((err: Error) => this.log.error({ err: err.message }, 'read model stopped'));
    if (opts.writer === false) {
      this.writer = null;
      return;
    }
    this.writer = new SiteWriter<State, Event, EngineEnvelope>({
      redis: opts.redisUrl,
      site: this.siteId,
      reducer,
      isKnownEvent: isEngineEvent,
      codec: engineCodec,
      handleEvolves: true,
      parseCommand: parseEnvelope,
      handle: (state, envelope, now) => this.decide(state, envelope, now),
      afterAppend: (batch) => this.afterAppend(batch),
      onRoleChange: (role, epoch) => this.roleChanged(role, epoch),
      now: this.clock,
      logger: this.log,
      ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
      ...(opts.renewEveryMs !== undefined ? { renewEveryMs: opts.renewEveryMs } : {}),
      ...(opts.standbyPollMs !== undefined ? { standbyPollMs: opts.standbyPollMs } : {}),
      ...(opts.snapshotEveryEvents !== undefined ? { snapshotEveryEvents: opts.snapshotEveryEvents } : {}),
      ...(opts.holder !== undefined ? { holder: opts.holder } : {}),
    });
    this.writer.done.catch((err: Error) => this.log.error({ err: err.message }, 'site writer stopped'));
  }

  /** Starts the writer (standby until it holds the lease) and the read model; resolves once readable. */
  static async start(opts: StoredSiteOptions): Promise<StoredSite> {
    const site = new StoredSite(opts);
    await site.subscriber.subscribe(replyChannel(site.siteId, site.instance));
    site.subscriber.on('message', (_channel: string, text: string) => site.onReply(text));
    await Promise.race([site.tail.caughtUp('0-0'), site.tail.done]);
    if (opts.archive) {
      const archive = opts.archive === true ? {} : opts.archive;
      site.archiver = await Archiver.start({
        redis: opts.redisUrl,
        site: site.siteId,
        isKnownEvent: isEngineEvent,
        redact: withoutPersonalData,
        timeOf: (e) => e.at,
        ...archive,
        onError: (err) => site.log.warn({ site: site.siteId, err: err.message }, 'archive step failed'),
      });
    }
    return site;
  }

  /** The site's past events: the archive, then the stream not archived yet; no personal data. */
  readonly history: HistorySource = {
    read: (from, to, onEvent) =>
      readHistory(
        this.redis,
        {
          site: this.siteId,
          from,
          to,
          isKnownEvent: isEngineEvent,
          redact: withoutPersonalData,
          timeOf: (e) => e.at,
        },
        onEvent,
      ),
  };

  get role(): WriterRole {
    return this.writer?.role ?? 'standby';
  }

  get epoch(): number | undefined {
    return this.writer?.epoch;
  }

  /** The leader's working state, else the read model tailing the event stream. */
  get state(): State {
    const working = this.leading ? this.writer?.state : undefined;
    return working ?? this.tail.state!;
  }

  /** Resolves once the read model has applied the event with this id. */
  caughtUp(id: string): Promise<void> {
    return this.tail.caughtUp(id);
  }

  onEvents(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** Sends a command to the site's writer (wherever it runs) and resolves with the engine's Result. */
  async dispatch(command: Command, at?: number): Promise<Result> {
    const id = randomUUID();
    const envelope: EngineEnvelope = { type: 'engine', id, from: this.instance, command };
    if (at !== undefined) envelope.at = at;
    const reply = new Promise<Result>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve({
          ok: false,
          reason: 'outcome-unknown',
          message:
            'no reply from the site writer in time (writer changed?); the command may have been applied',
        });
      }, this.opts.replyTimeoutMs ?? 10_000);
      this.waiters.set(id, { resolve, timer });
    });
    try {
      await sendCommand(this.redis, this.siteId, envelope, id);
    } catch (err) {
      const waiter = this.waiters.get(id);
      this.waiters.delete(id);
      if (waiter) clearTimeout(waiter.timer);
      return { ok: false, reason: 'store-unavailable', message: (err as Error).message };
    }
    return reply;
  }

  /** Resolves when every effect scheduled so far has been carried out. */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    await this.archiver?.close();
    await this.writer?.stop();
    await this.tail.stop();
    for (const [id, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve({ ok: false, reason: 'outcome-unknown', message: 'site stopped before the reply' });
      this.waiters.delete(id);
    }
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  // ---- writer side (this process holds the lease) ----

  private decide(state: State, envelope: EngineEnvelope, batchNow: number): { events: readonly Event[] } {
    // Telephony's own timestamp when given, never going back in time (as SiteRuntime does).
    const now = Math.max(this.lastNow, envelope.at ?? batchNow);
    this.lastNow = now;
    const result = execute(state, envelope.command, now);
    this.decided.set(envelope.id, result);
    if (!result.ok)
      this.log.info({ command: envelope.command.type, reason: result.reason }, 'command rejected');
    return { events: result.ok ? result.events : [] };
  }

  private async afterAppend({ entries, ids }: AppendedBatch): Promise<void> {
    if (!this.tailCaughtUpForTenure) {
      // Listeners first get the previous leader's events from the tail, then ours.
      await this.tail.caughtUp(this.tenureStartId);
      this.tailCaughtUpForTenure = true;
    }
    const state = this.writer!.state!;
    for (const entry of entries) {
      const result = this.decided.get(entry.id);
      this.decided.delete(entry.id);
      if (entry.id === this.timerCommandId) this.timerCommandId = null;
      if (result?.ok) {
        if (result.events.length > 0) this.emit(result.events, state);
        for (const effect of result.effects) this.schedule(effect);
      }
      this.reply(entry, result);
    }
    const last = ids.at(-1);
    if (last && compareStreamIds(last, this.emittedUpTo) > 0) this.emittedUpTo = last;
    this.arm();
  }

  private reply(entry: CommandEntry, result: Result | undefined): void {
    const answer: Result = result ?? {
      ok: false,
      reason: 'outcome-unknown',
      message: 'the command had already been processed (re-delivered after a writer change)',
    };
    const waiter = this.waiters.get(entry.id);
    if (waiter) {
      this.waiters.delete(entry.id);
      clearTimeout(waiter.timer);
      waiter.resolve(answer);
      return;
    }
    const from = (entry.command as { from?: unknown } | undefined)?.from;
    if (typeof from !== 'string' || from === this.instance) return;
    this.redis
      .publish(replyChannel(this.siteId, from), JSON.stringify({ id: entry.id, result: answer }))
      .catch((err: Error) => this.log.warn({ err: err.message }, 'reply not published'));
  }

  private roleChanged(role: WriterRole, epoch: number | undefined): void {
    const leading = role === 'leader';
    if (leading && !this.leading) {
      this.tenureStartId = this.writer!.lastId;
      this.tailCaughtUpForTenure = false;
      this.timerCommandId = null;
      this.lastNow = 0;
    }
    this.leading = leading;
    if (!leading) {
      this.decided.clear();
      this.disarm();
    }
    this.log.info({ site: this.siteId, role, epoch }, 'site writer role');
    this.opts.onRoleChange?.(role, epoch);
    if (leading) this.arm(); // every deadline of the recovered state
  }

  /** Effects of one call run one after the other (hold, then ring, then bridge); calls in parallel. */
  private schedule(effect: Effect): void {
    const run = this.opts.effects;
    if (!run) return;
    const key = effect.callId;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => run(effect))
      .catch((err: unknown) => this.log.error({ err, effect: effect.type }, 'effect failed'));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** One timer for the engine's next deadline; its `timerFired` goes through the commands stream. */
  private arm(): void {
    this.disarm();
    if (this.stopped || !this.leading || this.timerCommandId !== null || this.opts.timers === false) return;
    const state = this.writer?.state;
    if (!state) return;
    const wake = nextWakeAt(state);
    if (wake === undefined) return;
    const delay = Math.max(0, Math.min(wake - this.clock(), 2_147_000_000));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.leading || this.stopped) return;
      const id = randomUUID();
      this.timerCommandId = id;
      const envelope: EngineEnvelope = {
        type: 'engine',
        id,
        from: this.instance,
        command: { type: 'timerFired' },
      };
      sendCommand(this.redis, this.siteId, envelope, id).catch((err: Error) => {
        this.log.warn({ err: err.message }, 'timerFired not sent; retrying');
        this.timerCommandId = null;
        setTimeout(() => this.arm(), 200).unref();
      });
    }, delay);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- read-model side ----

  private fromTail(event: Event, id: string, state: State): void {
    if (compareStreamIds(id, this.emittedUpTo) <= 0) return;
    // While leading, the leader emits its own batches; the tail only delivers what came before.
    if (this.leading && compareStreamIds(id, this.tenureStartId) > 0) return;
    this.emittedUpTo = id;
    this.emit([event], state);
  }

  private emit(events: Event[], state: State): void {
    for (const listener of this.listeners) {
      try {
        listener(events, state);
      } catch (err) {
        this.log.error({ err }, 'event listener failed');
      }
    }
  }

  private onReply(text: string): void {
    let message: { id?: unknown; result?: Result };
    try {
      message = JSON.parse(text) as { id?: unknown; result?: Result };
    } catch {
      return;
    }
    if (typeof message.id !== 'string' || !message.result) return;
    const waiter = this.waiters.get(message.id);
    if (!waiter) return;
    this.waiters.delete(message.id);
    clearTimeout(waiter.timer);
    waiter.resolve(message.result);
  }
}
