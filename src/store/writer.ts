// The single writer of a site. Stands by until it holds the lease, recovers the state, then loops:
// read commands → `handle` → fenced append of the resulting events (with the command ids) → ack.
// It renews the lease in the background, snapshots now and then, and when deposed (LeaseLostError)
// stops writing at once and goes back to standby. Exactly-once argument: see commands.ts.
import {
  ackCommands,
  ensureWritersGroup,
  parseStoreCommand,
  readCommands,
  trimCommands,
  type CommandEntry,
} from './commands.js';
import type { IsKnownEvent } from './entry.js';
import {
  CorruptEntryError,
  CorruptSnapshotError,
  DuplicateCommandError,
  LeaseLostError,
  StreamGapError,
} from './errors.js';
import { appendGroups, processedCommandIds, type AppendGroup, type ReplicaWait } from './event-log.js';
import { Lease, LEASE_RENEW_EVERY_MS, LEASE_TTL_MS, STANDBY_POLL_MS } from './lease.js';
import { applyEvent, type Reducer, type StateCodec, type StoreEvent } from './reducer.js';
import { recover } from './recover.js';
import { connectRedis, type RedisClient, type RedisTarget } from './redis-connection.js';
import { saveSnapshot } from './snapshot.js';
import { streamIdMs } from './stream-id.js';

export type WriterRole = 'standby' | 'leader' | 'stopped';

export type WriterLogger = {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
  error(data: object, message: string): void;
};

/** A persisted batch: its commands, the ids of its events, and what `handle` decided per command id. */
export type AppendedBatch<D = unknown> = {
  entries: readonly CommandEntry[];
  ids: readonly string[];
  decisions: ReadonlyMap<string, D>;
};

export type WriterOptions<
  S,
  E extends StoreEvent,
  C,
  D extends { events: readonly E[] } = { events: readonly E[] },
> = {
  redis: RedisTarget;
  site: string;
  reducer: Reducer<S, E>;
  isKnownEvent: IsKnownEvent<E>;
  /**
   * Decides what a command does; must not throw for bad input (return no events instead). The whole
   * decision (events and anything else, e.g. effects and a reply) reaches `afterAppend` once persisted.
   */
  handle: (state: S, command: C, now: number) => D;
  /** Validates a raw command; throwing rejects it (logged, acknowledged, recorded as processed). */
  parseCommand?: (raw: unknown) => C;
  /**
   * `handle` has already applied its events to the state it was given (an engine that evolves in
   * place while it decides, like src/core): the writer must not apply them a second time.
   */
  handleEvolves?: boolean;
  codec?: StateCodec<S>;
  leaseTtlMs?: number;
  renewEveryMs?: number;
  standbyPollMs?: number;
  batchSize?: number;
  blockMs?: number;
  snapshotEveryEvents?: number;
  eventRetentionMs?: number;
  holder?: string;
  /**
   * Whether this process should write the site now (several processes sharing sites: the
   * rendezvous choice of fleet-membership.ts). A standby tries the lease only while true; a leader
   * for which it turns false hands the site over (snapshot, release) and stands by. Fencing, not
   * this, keeps two writers apart.
   */
  mayLead?: () => boolean;
  /** Acknowledge a batch only once this many replicas have it (WAIT); see ReplicaWait. */
  replicas?: ReplicaWait;
  logger?: WriterLogger;
  now?: () => number;
  onRoleChange?: (role: WriterRole, epoch: number | undefined) => void;
  /**
   * The effect-outbox entry of a decision (JSON), appended atomically with its events; undefined
   * when it has nothing to carry out (src/shell/effect-outbox.ts).
   */
  effectsOf?: (decision: D, entry: CommandEntry) => string | undefined;
  /** Called after a batch is persisted and before it is acknowledged (benchmarks, crash tests). */
  afterAppend?: (batch: AppendedBatch<D>) => void | Promise<void>;
};

const FATAL = [CorruptEntryError, CorruptSnapshotError, StreamGapError];
const silent: WriterLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SiteWriter<
  S,
  E extends StoreEvent,
  C = StoreEvent,
  D extends { events: readonly E[] } = { events: readonly E[] },
> {
  role: WriterRole = 'standby';
  /** Working state while leader: it already holds the batch being appended (see `lastId`). */
  state: S | undefined;
  /** Id of the last event known persisted; the state up to here is in Redis. */
  lastId = '0-0';
  epoch: number | undefined;
  /** Resolves when the writer stops; rejects when it stops on a fatal error (corrupt stream). */
  readonly done: Promise<void>;

  private readonly redis: RedisClient;
  private readonly reader: RedisClient;
  private readonly log: WriterLogger;
  private stopping = false;
  private deposed: LeaseLostError | undefined;
  /** With `handleEvolves`, a handle that threw may have changed the working state half-way. */
  private stateSuspect = false;
  private scanPending = true;
  /** The next batch of new commands, read while the current one is appended (overlaps round trips). */
  private prefetch: Promise<CommandEntry[]> | undefined;
  /** The last XACK, sent without waiting; awaited before a pending scan so it sees it. */
  private lastAck: Promise<void> = Promise.resolve();
  private eventsSinceSnapshot = 0;
  /** The lease of the current tenure (undefined while standby). */
  private lease: Lease | undefined;

  constructor(private readonly options: WriterOptions<S, E, C, D>) {
    const connect = () => connectRedis(options.redis, { maxRetriesPerRequest: 2 });
    this.redis = connect();
    this.reader = connect(); // blocking reads hold their connection
    this.log = options.logger ?? silent;
    for (const connection of [this.redis, this.reader]) {
      connection.on('error', (error: Error) =>
        this.log.warn({ err: error.message }, 'redis connection error'),
      );
    }
    this.done = this.run().finally(() => {
      this.setRole('stopped');
      this.redis.disconnect();
      this.reader.disconnect();
    });
    this.done.catch(() => undefined); // logged in run(); callers that await `done` still see it
  }

  /**
   * Whether this writer leads and its lease has not lapsed by the local clock: cheap (no round
   * trip), for what acts as leader outside the writer, e.g. a PBX event about to be decided. A
   * lapse seen here is final: the writer leaves the lead at its next step (src/store/lease.ts).
   */
  leaseHeldLocally(): boolean {
    return this.role === 'leader' && (this.lease?.heldLocally() ?? false);
  }

  /** Stops after the current batch; releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const ttlMs = this.options.leaseTtlMs ?? LEASE_TTL_MS;
    const pollMs = this.options.standbyPollMs ?? STANDBY_POLL_MS;
    while (!this.stopping) {
      if (this.options.mayLead && !this.options.mayLead()) {
        await sleep(pollMs);
        continue;
      }
      const lease = new Lease(this.redis, this.options.site, { ttlMs, holder: this.options.holder });
      let acquired = false;
      try {
        const result = await lease.tryAcquire();
        acquired = result.acquired;
        if (!result.acquired)
          await sleep(result.heldForMs > 0 ? Math.min(pollMs, result.heldForMs + 5) : pollMs);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'standby cannot reach redis');
        await sleep(pollMs);
      }
      if (!acquired) continue;
      try {
        await this.lead(lease);
      } catch (error) {
        if (FATAL.some((kind) => error instanceof kind)) {
          this.log.error(
            { err: (error as Error).message },
            'writer stopped: the event stream cannot be replayed',
          );
          await lease.release().catch(() => false);
          throw error;
        }
        if (error instanceof LeaseLostError) {
          // Its renewal timings tell a stalled or paused process from a slow Redis (lease.ts).
          this.log.warn(
            { err: error.message, ...lease.renewalTimings() },
            'lease lost: stopped writing, back to standby',
          );
        } else {
          // Redis unreachable while taking over: give the lease back (if we still can) and retry.
          this.log.warn({ err: (error as Error).message }, 'take-over failed; back to standby');
          await lease.release().catch(() => false);
          await sleep(pollMs);
        }
      } finally {
        this.state = undefined;
        if (!this.stopping) this.setRole('standby');
      }
    }
  }

  private async lead(lease: Lease): Promise<void> {
    this.deposed = undefined;
    this.epoch = lease.epoch;
    this.lease = lease;
    const renewals = this.startRenewals(lease);
    try {
      await ensureWritersGroup(this.redis, this.options.site);
      await this.recoverState();
      this.setRole('leader');
      this.log.info({ site: this.options.site, epoch: lease.epoch, lastId: this.lastId }, 'writer is leader');
      let needsRecovery = false;
      while (!this.stopping) {
        if (this.options.mayLead && !this.options.mayLead()) {
          this.log.info({ site: this.options.site, epoch: lease.epoch }, 'handing the site over');
          break;
        }
        if (this.deposed) throw this.deposed;
        // Redis unreachable for longer than the TTL: the lease may be someone else's by now.
        if (!lease.heldLocally()) throw new LeaseLostError(this.options.site, 'lease not renewed in time');
        try {
          if (needsRecovery) {
            await this.dropPrefetch();
            await this.recoverState();
            needsRecovery = false;
          }
          await this.step(lease);
        } catch (error) {
          if (error instanceof LeaseLostError || FATAL.some((kind) => error instanceof kind)) throw error;
          if (error instanceof DuplicateCommandError) {
            this.log.info({ err: error.message }, 'producer sent a command twice; recovering to skip it');
            needsRecovery = true;
            continue;
          }
          // Ambiguous failure (connection cut, reply lost): rebuild the state from Redis and re-read
          // the pending commands, which the `processed` set makes safe.
          this.log.warn({ err: (error as Error).message }, 'writer step failed; recovering');
          needsRecovery = true;
          await sleep(100);
        }
      }
      await this.lastAck;
      await this.snapshot(lease).catch(() => undefined);
      await lease.release().catch(() => false);
    } finally {
      clearInterval(renewals);
      this.lease = undefined;
      await this.dropPrefetch();
    }
  }

  private startRenewals(lease: Lease): NodeJS.Timeout {
    return setInterval(() => {
      this.scanPending = true; // also catch commands a deposed writer read but could not append
      lease.renew().catch((error: Error) => {
        if (error instanceof LeaseLostError) this.deposed = error;
        else this.log.warn({ err: error.message }, 'lease renewal failed');
      });
    }, this.options.renewEveryMs ?? LEASE_RENEW_EVERY_MS);
  }

  private async recoverState(): Promise<void> {
    const recovered = await recover(this.redis, {
      site: this.options.site,
      reducer: this.options.reducer,
      isKnownEvent: this.options.isKnownEvent,
      codec: this.options.codec,
    });
    this.state = recovered.state;
    this.lastId = recovered.lastId;
    this.eventsSinceSnapshot = recovered.replayed;
    this.stateSuspect = false;
    this.scanPending = true;
  }

  private read(pending: boolean): Promise<CommandEntry[]> {
    return readCommands(this.reader, this.options.site, {
      pending,
      count: this.options.batchSize ?? 100,
      blockMs: this.options.blockMs ?? 250,
    });
  }

  /** Waits for an outstanding prefetch and drops it: its entries stay pending for the next scan. */
  private async dropPrefetch(): Promise<void> {
    const prefetch = this.prefetch;
    this.prefetch = undefined;
    await prefetch?.catch(() => undefined);
    this.scanPending = true;
  }

  /** One batch: read, skip what was already processed, handle, append (fenced), ack. */
  private async step(lease: Lease): Promise<void> {
    const { site } = this.options;
    let entries: CommandEntry[];
    let pending = false;
    if (this.prefetch) {
      const prefetch = this.prefetch;
      this.prefetch = undefined;
      entries = await prefetch;
    } else {
      pending = this.scanPending;
      if (pending) await this.lastAck;
      entries = await this.read(pending);
    }
    if (pending && entries.length === 0) this.scanPending = false;
    if (entries.length === 0) return;
    // Read the next new commands now; never while pending entries are being scanned.
    if (!pending && !this.scanPending) {
      const prefetch = this.read(false);
      prefetch.catch(() => undefined); // awaited by the next step, or dropped
      this.prefetch = prefetch;
    }

    // Re-delivered entries may have been processed already (crash between append and ack): look
    // them up. Fresh ones (`>`) can only repeat a producer's retry, which the append script refuses
    // (DuplicateCommandError, nothing written); the step then recovers and re-scans the pending
    // entries, this time with the look-up. That saves a round trip on every ordinary batch.
    const done = pending
      ? await processedCommandIds(
          this.redis,
          site,
          entries.filter((entry) => entry.id).map((entry) => entry.id),
        )
      : new Set<string>();
    const groups: AppendGroup[] = [];
    const decisions = new Map<string, D>();
    let state = this.state as S;
    const now = (this.options.now ?? Date.now)();
    for (const entry of entries) {
      if (entry.error) {
        this.log.error(
          { site, streamId: entry.streamId, err: entry.error },
          'unreadable command acknowledged',
        );
        continue;
      }
      if (done.has(entry.id)) {
        this.log.info({ site, commandId: entry.id }, 'command already processed: acknowledged only');
        continue;
      }
      done.add(entry.id);
      const decision = this.decide(state, entry, now);
      const events = decision?.events ?? [];
      if (decision) decisions.set(entry.id, decision);
      if (!this.options.handleEvolves)
        for (const event of events) state = applyEvent(this.options.reducer, state, event);
      const effects = decision ? this.options.effectsOf?.(decision, entry) : undefined;
      groups.push({
        commandId: entry.id,
        commandMs: streamIdMs(entry.streamId),
        events,
        ...(effects !== undefined ? { effects } : {}),
      });
    }
    this.state = state;

    // Deposed by the local clock: stop before the append (which would be refused anyway).
    if (!lease.heldLocally()) throw new LeaseLostError(site, 'lease not renewed in time');
    const ids =
      groups.length > 0
        ? await appendGroups(this.redis, site, lease.token, groups, undefined, this.options.replicas)
        : [];
    this.lastId = ids.at(-1) ?? this.lastId;
    this.eventsSinceSnapshot += ids.length;
    await this.options.afterAppend?.({ entries, ids, decisions });
    // Not awaited: the next commands on this connection queue behind it anyway. A lost ack only
    // means a re-delivery, which the `processed` set recognises.
    this.lastAck = ackCommands(
      this.redis,
      site,
      entries.map((entry) => entry.streamId),
    ).catch((error: Error) =>
      this.log.warn({ err: error.message }, 'ack failed; the command will be re-delivered'),
    );
    if (this.stateSuspect) {
      // The batch is persisted without the failed command's events: rebuild the state from Redis.
      this.stateSuspect = false;
      throw new Error('handle failed after changing the working state');
    }
    if (this.eventsSinceSnapshot >= (this.options.snapshotEveryEvents ?? 10_000)) await this.snapshot(lease);
  }

  private decide(state: S, entry: CommandEntry, now: number): D | undefined {
    let handled = false;
    try {
      const command = this.options.parseCommand
        ? this.options.parseCommand(entry.command)
        : (parseStoreCommand(entry.command) as C);
      handled = true;
      const decision = this.options.handle(state, command, now);
      // An event recovery would refuse must never reach the stream: it would stop every recovery.
      const unknown = decision.events.find((event) => !this.options.isKnownEvent(event));
      if (unknown)
        throw new Error(`handle produced an unknown event ${JSON.stringify(unknown).slice(0, 200)}`);
      return decision;
    } catch (error) {
      if (handled && this.options.handleEvolves) this.stateSuspect = true;
      // Recorded as processed with no event, so a bad command is not retried for ever.
      this.log.error(
        { site: this.options.site, commandId: entry.id, err: (error as Error).message },
        'command rejected',
      );
      return undefined;
    }
  }

  private async snapshot(lease: Lease): Promise<void> {
    if (this.state === undefined || this.eventsSinceSnapshot === 0) return;
    const trimmed = await saveSnapshot(this.redis, this.options.site, lease.token, this.state, this.lastId, {
      codec: this.options.codec,
      retentionMs: this.options.eventRetentionMs,
    });
    this.eventsSinceSnapshot = 0;
    await this.lastAck; // or the commands just appended would still look pending, and stay
    await trimCommands(this.redis, this.options.site);
    this.log.info({ site: this.options.site, lastId: this.lastId, trimmed }, 'snapshot saved');
  }

  private setRole(role: WriterRole): void {
    if (this.role === role) return;
    this.role = role;
    this.options.onRoleChange?.(role, this.epoch);
  }
}
