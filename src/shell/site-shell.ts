// The one shell around a site's engine, used by `serve`, the demo, the benches and the tests. It is
// made of small parts with narrow jobs:
// - a command log (memory-log.ts or redis-log.ts): commands in, whole decisions out once durable;
// - an effect runner (effect-runner.ts): the leader carries out the effects of its decisions through
//   the telephony port, in order per call;
// - a deadline timer (deadline-timer.ts): the engine's next deadline sent as `timerFired`;
// - on Redis, the archive job (history for the reports) and the history reader.
// Read models (src/realtime) subscribe to `onEvents`; the API and bots call `dispatch`.
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import type { Result } from '../core/engine.js';
import type { Event } from '../core/events.js';
import { isEngineEvent } from '../core/event-registry.js';
import { withoutPersonalData } from '../core/personal-data.js';
import type { State } from '../core/state.js';
import type { Effect } from '../core/effects.js';
import { readHistory } from '../store/archive.js';
import { effectsDone, pendingEffects } from '../store/effect-outbox.js';
import { siteKeys } from '../store/keys.js';
import { Archiver } from '../store/jobs/archiver.js';
import type { HistorySource } from '../ports/history.js';
import type { Logger } from '../ports/logger.js';
import type { SiteHandle } from '../ports/site-handle.js';
import type { CommandLog, EventListener, LogRole } from './command-log.js';
import { DeadlineTimer } from './deadline-timer.js';
import { EffectRunner, type EffectExecutor } from './effect-runner.js';
import {
  EffectOutbox,
  MemoryOutboxStore,
  type OutboxStore,
  type TakeOver,
  type TakeOverReport,
} from './effect-outbox.js';
import { MemoryLog } from './memory-log.js';
import { takeOverGate } from './take-over-gate.js';
import { RedisLog, type RedisLogOptions } from './redis-log.js';
import type { CommandOutcome } from './command-outcome.js';

export type StoreOptions = Omit<RedisLogOptions, 'config' | 'logger' | 'clock'> & {
  /** Copy the stream into the long-lived archive (a BullMQ job scheduler); serve and the demo ask for it. */
  archive?: boolean | { everyMs?: number; retentionMs?: number };
};

export type SiteShellOptions = {
  config: SiteConfig;
  logger: Logger;
  clock?: () => number;
  /** Carries out an effect (the telephony port); called by the leader only, after persistence. */
  effects?: EffectExecutor;
  /**
   * Effects wait for `takeOver` (the PBX link up and re-adopted) and are kept in the effect outbox
   * until carried out (serve): none is dropped, none carried out twice (effect-outbox.ts).
   */
  outbox?: boolean;
  /** false: no timer (tests that send `timerFired` themselves, at chosen times). */
  timers?: boolean;
  /** The site's state in Redis; without it, in memory (nothing survives the process). */
  store?: StoreOptions;
  /** In memory only: start from this state instead of the configuration's initial state. */
  state?: State;
  onRoleChange?: (role: LogRole, epoch: number | undefined) => void;
  /** A listener registered before the log opens: it also gets the events replayed at start. */
  onEvents?: EventListener;
};

export class SiteShell implements SiteHandle {
  readonly siteId: string;
  readonly history?: HistorySource;
  private readonly effects: EffectRunner | null;
  private readonly outbox: EffectOutbox | null;
  private readonly timer: DeadlineTimer;
  private archiver: Archiver<Event> | null = null;
  private stopped = false;

  private constructor(
    readonly log: CommandLog,
    private readonly opts: SiteShellOptions,
  ) {
    this.siteId = opts.config.id;
    const clock = opts.clock ?? Date.now;
    this.effects = opts.effects ? new EffectRunner(opts.effects, opts.logger) : null;
    this.timer = new DeadlineTimer(
      () => log.state,
      () => log.submit({ type: 'timerFired' }),
      clock,
      opts.logger,
    );
    this.outbox = this.effects
      ? new EffectOutbox(
          log,
          this.effects,
          // Only a gated shell keeps its outbox in Redis (the append writes it); else in memory.
          log instanceof RedisLog && opts.outbox === true
            ? redisOutbox(log, opts.logger)
            : new MemoryOutboxStore(),
          opts.logger,
          opts.outbox === true,
        )
      : null;
    // A gated shell refuses an agent's hang-up until the PBX is taken over (take-over-gate.ts).
    if (this.outbox && opts.outbox === true) {
      const outbox = this.outbox;
      log.setGate(takeOverGate(() => outbox.carryingOut));
    }
    log.onBatch(() => this.timer.arm());
    log.onRoleChange((role, epoch) => this.roleChanged(role, epoch));
    if (log instanceof RedisLog) this.history = redisHistory(log);
  }

  static async start(opts: SiteShellOptions): Promise<SiteShell> {
    const clock = opts.clock ?? Date.now;
    const log = opts.store
      ? new RedisLog({
          ...opts.store,
          config: opts.config,
          logger: opts.logger,
          clock,
          outbox: opts.outbox === true && opts.effects !== undefined,
        })
      : new MemoryLog(opts.config, opts.logger, clock, opts.state);
    const shell = new SiteShell(log, opts);
    if (opts.onEvents) log.onEvents(opts.onEvents);
    if (log instanceof RedisLog) await log.open();
    if (opts.store?.archive) {
      const archive = opts.store.archive === true ? {} : opts.store.archive;
      shell.archiver = await Archiver.start({
        redis: opts.store.redisUrl,
        site: shell.siteId,
        isKnownEvent: isEngineEvent,
        redact: withoutPersonalData,
        timeOf: (e) => e.at,
        ...archive,
        onError: (err) => opts.logger.warn({ site: shell.siteId, err: err.message }, 'archive step failed'),
      });
    }
    // An in-memory log leads from the start: what is due (the calendar) is decided before start
    // returns, every later deadline is armed.
    if (log.role === 'leader') {
      shell.roleChanged('leader', undefined);
      await shell.timer.catchUp();
    }
    return shell;
  }

  get state(): State {
    return this.log.state;
  }

  get role(): LogRole {
    return this.log.role;
  }

  get epoch(): number | undefined {
    return this.log instanceof RedisLog ? this.log.epoch : undefined;
  }

  /**
   * Whether this process may act as the site's leader now: it leads and (Redis) its lease has not
   * lapsed by the local clock, e.g. after its event loop was starved or the process paused.
   */
  get leaseHeldLocally(): boolean {
    return this.log instanceof RedisLog ? this.log.leaseHeldLocally : this.log.role === 'leader';
  }

  /** Sends a command to the site's writer; `at` is when telephony observed it (epoch ms). */
  dispatch(command: Command, at?: number): Promise<Result> {
    return this.log.submit(command, at);
  }

  onEvents(listener: EventListener): () => void {
    return this.log.onEvents(listener);
  }

  /**
   * After `outcome-unknown`: whether that command has been decided (./command-outcome.ts). In
   * memory a command is decided at once and no id is kept: always `decided`.
   */
  commandOutcome(commandId: string): Promise<CommandOutcome> {
    return this.log instanceof RedisLog ? this.log.commandOutcome(commandId) : Promise.resolve('decided');
  }

  /** Resolves once this process's read model has applied the event with this id (Redis only). */
  caughtUp(id: string): Promise<void> {
    return this.log instanceof RedisLog ? this.log.caughtUp(id) : Promise.resolve();
  }

  /**
   * The PBX link is up: re-adopt the calls in progress, finish the effects left pending, then carry
   * effects out as they are decided (an `outbox` shell carries nothing out before). Null when
   * superseded (the link dropped again, the lead was lost) or when the shell carries out no effects.
   */
  takeOver<T>(how: TakeOver<T>): Promise<TakeOverReport | null> {
    return this.outbox ? this.outbox.takeOver(how) : Promise.resolve(null);
  }

  /** The PBX link is down: effects wait in the outbox until the next `takeOver`. */
  holdEffects(): void {
    if (this.opts.outbox) this.outbox?.close();
  }

  /** Whether effects are carried out as they are decided (false while held for a take-over). */
  get carryingOutEffects(): boolean {
    return this.outbox?.carryingOut ?? false;
  }

  /** Resolves when every effect scheduled so far has been carried out. */
  async settled(): Promise<void> {
    await this.effects?.settled();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer.setActive(false);
    await this.archiver?.close();
    await this.log.stop();
  }

  private roleChanged(role: LogRole, epoch: number | undefined): void {
    this.timer.setActive(role === 'leader' && !this.stopped && this.opts.timers !== false);
    this.opts.onRoleChange?.(role, epoch);
  }
}

/** The site's effect outbox in Redis (written with the events by the fenced append). */
function redisOutbox(log: RedisLog, logger: Logger): OutboxStore {
  const unreadable = (id: string): void => {
    // Never retried blindly (it would stop every take-over): named for an operator, then set aside.
    logger.error({ site: log.siteId, commandId: id }, 'unreadable effect-outbox entry set aside');
    void log.redis.hdel(siteKeys(log.siteId).effects, id).catch(() => undefined);
  };
  return {
    pending: async () =>
      (await pendingEffects(log.redis, log.siteId, unreadable)).map((e) => ({
        id: e.id,
        order: e.order,
        effects: e.effects as Effect[],
      })),
    done: (ids) => effectsDone(log.redis, log.siteId, ids),
  };
}

/** The site's past events: the archive, then the stream not archived yet; no personal data. */
function redisHistory(log: RedisLog): HistorySource {
  return {
    read: (from, to, onEvent) =>
      readHistory(
        log.redis,
        {
          site: log.siteId,
          from,
          to,
          isKnownEvent: isEngineEvent,
          redact: withoutPersonalData,
          timeOf: (e) => e.at,
        },
        onEvent,
      ),
  };
}
