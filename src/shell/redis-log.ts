// The Redis command log (docs/store.md, "The engine on the store"): commands go on the site's
// commands stream to whichever process holds the writer lease; that writer decides them through the
// engine, appends their events (fenced), and only then hands the whole decision back: to this
// process's waiter, or on the sender's reply channel. Every process keeps a read model by tailing
// the event stream; listeners see each event once (the leader's own batches directly, the rest from
// the tail). While leading, the tail is paused at the previous leader's last event, so the leader
// folds each event once (in its writer), not twice.
import { commandOutcome, outcomeUnknown, type CommandOutcome } from './command-outcome.js';
import { randomUUID } from 'node:crypto';
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import type { Result } from '../core/engine.js';
import type { Event } from '../core/events.js';
import { engineCodec, engineReducer, isEngineEvent } from '../core/event-registry.js';
import type { State } from '../core/state.js';
import { sendCommand, type CommandEntry } from '../store/commands.js';
import { encodeEffects } from '../store/effect-outbox.js';
import { compareStreamIds } from '../store/stream-id.js';
import { connectRedis, type RedisClient, type RedisTarget } from '../store/redis-connection.js';
import { EventTail } from '../store/tail.js';
import { SiteWriter, type AppendedBatch, type WriterRole } from '../store/writer.js';
import type { Logger } from '../ports/logger.js';
import type { CommandLog } from './command-log.js';
import { Decider } from './decider.js';
import type { CommandGate } from './take-over-gate.js';
import { parseEnvelope, replyChannel, type EngineEnvelope } from './envelope.js';
import { LogListeners } from './log-listeners.js';
import { ReplyWaiters } from './reply-waiters.js';

/** What the writer hands back once a command's events are persisted: the whole decision. */
type Decided = { events: readonly Event[]; result: Result };

export type RedisLogOptions = {
  /** A URL, or a cluster / sentinel target (src/store/redis-connection.ts). */
  redisUrl: RedisTarget;
  /** Its id names the Redis keys; it is the state of a site whose stream is still empty. */
  config: SiteConfig;
  logger: Logger;
  clock?: () => number;
  /** How long submit waits for the writer's reply before answering `outcome-unknown`. */
  replyTimeoutMs?: number;
  leaseTtlMs?: number;
  renewEveryMs?: number;
  standbyPollMs?: number;
  snapshotEveryEvents?: number;
  /** Keep each decision's effects in the site's effect outbox, with its events (effect-outbox.ts). */
  outbox?: boolean;
  /** false: a client only (read model + submit through another process's writer). */
  writer?: boolean;
  holder?: string;
  /** Several processes sharing sites: whether this one should write the site now (SiteWriter.mayLead). */
  mayLead?: () => boolean;
  /** Answer a command only once this many replicas have its events (Redis WAIT; docs/store.md). */
  replicas?: { count: number; timeoutMs: number };
};

export class RedisLog extends LogListeners implements CommandLog {
  readonly siteId: string;
  /** Identifies this process on the reply channel. */
  readonly instance = randomUUID();
  readonly redis: RedisClient;
  private readonly subscriber: RedisClient;
  private writer: SiteWriter<State, Event, EngineEnvelope, Decided> | null = null;
  private readonly tail: EventTail<State, Event>;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly decider: Decider;
  private readonly waiters: ReplyWaiters;
  private leading = false;
  /** Last event the writer recovered when this process became leader. */
  private tenureStartId = '0-0';
  private tailCaughtUpForTenure = false;
  /** Last event handed to listeners (by the leader or by the tail). */
  private emittedUpTo = '0-0';
  /** `caughtUp` callers waiting on the leader's own appends while its tail is paused. */
  private readonly leaderWaiters: { id: string; resolve: () => void }[] = [];

  /** Register listeners, then `open()`: decisions of pending commands may come at once. */
  constructor(private readonly opts: RedisLogOptions) {
    super(opts.logger);
    this.siteId = opts.config.id;
    this.clock = opts.clock ?? Date.now;
    this.log = opts.logger;
    this.decider = new Decider(opts.logger);
    this.waiters = new ReplyWaiters(opts.replyTimeoutMs ?? 10_000);
    this.redis = connectRedis(opts.redisUrl, { maxRetriesPerRequest: 2 });
    this.subscriber = connectRedis(opts.redisUrl, { maxRetriesPerRequest: null });
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
  }

  /** Subscribes to replies, waits for the read model, then starts the writer (standby until it holds the lease). */
  async open(): Promise<void> {
    await this.subscriber.subscribe(replyChannel(this.siteId, this.instance));
    this.subscriber.on('message', (_channel: string, text: string) => this.waiters.settleFromMessage(text));
    await Promise.race([this.tail.caughtUp('0-0'), this.tail.done]);
    if (this.opts.writer === false) return;
    const reducer = engineReducer(this.opts.config);
    this.writer = new SiteWriter<State, Event, EngineEnvelope, Decided>({
      redis: this.opts.redisUrl,
      site: this.siteId,
      reducer,
      isKnownEvent: isEngineEvent,
      codec: engineCodec,
      handleEvolves: true,
      parseCommand: parseEnvelope,
      handle: (state, envelope, now) => {
        const result = this.decider.decide(state, envelope.command, envelope.at ?? now);
        return { events: result.ok ? result.events : [], result };
      },
      ...(this.opts.outbox
        ? {
            effectsOf: ({ result }: Decided, entry: CommandEntry) =>
              result.ok && result.effects.length > 0
                ? encodeEffects(entry.streamId, result.effects)
                : undefined,
          }
        : {}),
      afterAppend: (batch) => this.afterAppend(batch),
      onRoleChange: (role, epoch) => this.roleChanged(role, epoch),
      now: this.clock,
      logger: this.log,
      ...(this.opts.leaseTtlMs !== undefined ? { leaseTtlMs: this.opts.leaseTtlMs } : {}),
      ...(this.opts.renewEveryMs !== undefined ? { renewEveryMs: this.opts.renewEveryMs } : {}),
      ...(this.opts.standbyPollMs !== undefined ? { standbyPollMs: this.opts.standbyPollMs } : {}),
      ...(this.opts.snapshotEveryEvents !== undefined
        ? { snapshotEveryEvents: this.opts.snapshotEveryEvents }
        : {}),
      ...(this.opts.holder !== undefined ? { holder: this.opts.holder } : {}),
      ...(this.opts.replicas !== undefined ? { replicas: this.opts.replicas } : {}),
      ...(this.opts.mayLead !== undefined ? { mayLead: this.opts.mayLead } : {}),
    });
    this.writer.done.catch((err: Error) => this.log.error({ err: err.message }, 'site writer stopped'));
  }

  get role(): WriterRole {
    return this.writer?.role ?? 'standby';
  }

  get epoch(): number | undefined {
    return this.writer?.epoch;
  }

  /** Leader with a lease not lapsed by the local clock (SiteWriter.leaseHeldLocally). */
  get leaseHeldLocally(): boolean {
    return this.writer?.leaseHeldLocally() ?? false;
  }

  /** True while this process leads: its tail waits, the writer's state is the read model. */
  get readModelPaused(): boolean {
    return this.tail.paused;
  }

  get state(): State {
    const working = this.leading ? this.writer?.state : undefined;
    return working ?? this.tail.state!;
  }

  /** Resolves once the read model (the leader's working state while leading) has applied this event. */
  caughtUp(id: string): Promise<void> {
    if (!this.leading || compareStreamIds(id, this.tenureStartId) <= 0) return this.tail.caughtUp(id);
    if (compareStreamIds(this.emittedUpTo, id) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.leaderWaiters.push({ id, resolve }));
  }

  async submit(command: Command, at?: number): Promise<Result> {
    const id = randomUUID();
    const envelope: EngineEnvelope = { type: 'engine', id, from: this.instance, command };
    if (at !== undefined) envelope.at = at;
    const reply = this.waiters.wait(id);
    try {
      await sendCommand(this.redis, this.siteId, envelope, id);
    } catch (err) {
      const failed: Result = { ok: false, reason: 'store-unavailable', message: (err as Error).message };
      this.waiters.settle(id, failed);
      return failed;
    }
    return reply;
  }

  /** After `outcome-unknown`: whether the command it names has been decided (./command-outcome.ts). */
  commandOutcome(commandId: string): Promise<CommandOutcome> {
    return commandOutcome(this.redis, this.siteId, commandId);
  }

  setGate(gate: CommandGate): void {
    this.decider.gate = gate;
  }

  async stop(): Promise<void> {
    await this.writer?.stop();
    await this.tail.stop();
    this.waiters.settleAll({
      ok: false,
      reason: 'outcome-unknown',
      message: 'site stopped before the reply',
    });
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  // ---- writer side (this process holds the lease) ----

  private async afterAppend({ entries, ids, decisions }: AppendedBatch<Decided>): Promise<void> {
    if (!this.tailCaughtUpForTenure) {
      // Listeners first get the previous leader's events from the tail, then ours.
      await this.tail.caughtUp(this.tenureStartId);
      this.tailCaughtUpForTenure = true;
    }
    const state = this.writer!.state!;
    for (const entry of entries) {
      const result = decisions.get(entry.id)?.result;
      if (result?.ok) {
        if (result.events.length > 0) this.events.emit(result.events, state);
        this.decided.emit(result, state, entry.id);
      }
      this.reply(entry, result);
    }
    const last = ids.at(-1);
    if (last && compareStreamIds(last, this.emittedUpTo) > 0) this.emittedUpTo = last;
    this.wakeLeaderWaiters();
    this.batches.emit();
  }

  private reply(entry: CommandEntry, result: Result | undefined): void {
    const answer: Result =
      result ??
      outcomeUnknown(entry.id, 'the command had already been processed (re-delivered after a writer change)');
    if (this.waiters.settle(entry.id, answer)) return;
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
      this.decider.reset();
      // The writer keeps the state from here on: the tail stops at the previous leader's last event.
      this.tail.pauseAfter(this.tenureStartId);
    }
    if (!leading && this.leading) {
      // Back to following: the tail reads on (it skips what this process already emitted), and
      // whoever waited on this leader's appends now waits on the tail.
      this.tail.resume();
      for (const waiter of this.leaderWaiters.splice(0))
        void this.tail.caughtUp(waiter.id).then(waiter.resolve);
    }
    this.leading = leading;
    this.log.info({ site: this.siteId, role, epoch }, 'site writer role');
    this.roles.emit(role, epoch);
  }

  private wakeLeaderWaiters(): void {
    for (let i = this.leaderWaiters.length - 1; i >= 0; i--) {
      const waiter = this.leaderWaiters[i]!;
      if (compareStreamIds(this.emittedUpTo, waiter.id) >= 0) {
        this.leaderWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  // ---- read-model side ----

  private fromTail(event: Event, id: string, state: State): void {
    if (compareStreamIds(id, this.emittedUpTo) <= 0) return;
    // While leading, the leader emits its own batches; the tail only delivers what came before.
    if (this.leading && compareStreamIds(id, this.tenureStartId) > 0) return;
    this.emittedUpTo = id;
    this.events.emit([event], state);
  }
}
