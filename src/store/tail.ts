// A read model: any process keeps a site's state current by tailing its event stream (XREAD BLOCK)
// and folding each event with the same reducer the writer uses. Starts from recovery (snapshot +
// replay) or from a given state and stream id. A corrupt entry stops the tail with an error naming it.
import { decodeEntry, type IsKnownEvent, type RawEntry } from './entry.js';
import { siteKeys } from './keys.js';
import { applyEvent, type Reducer, type StateCodec, type StoreEvent } from './reducer.js';
import { StreamGapError } from './errors.js';
import { assertNoGap, recover } from './recover.js';
import { connectRedis, type RedisClient, type RedisTarget } from './redis-connection.js';
import { compareStreamIds } from './stream-id.js';

export type TailOptions<S, E extends StoreEvent> = {
  redis: RedisTarget;
  site: string;
  reducer: Reducer<S, E>;
  isKnownEvent: IsKnownEvent<E>;
  codec?: StateCodec<S>;
  /** Start here instead of recovering from the snapshot. */
  from?: { state: S; lastId: string };
  blockMs?: number;
  count?: number;
  onEvent?: (event: E, id: string, state: S) => void;
  /**
   * The tail fell behind a trim (it lagged more than the retention, or past a snapshot with no
   * retention): it rebuilt its state from the snapshot; the events in between were not seen one by one.
   */
  onResync?: (state: S, lastId: string) => void;
};

/** How often a tail checks that the stream was not trimmed past its position. */
const GAP_CHECK_EVERY_MS = 1_000;

export class EventTail<S, E extends StoreEvent> {
  state: S | undefined;
  lastId = '0-0';
  /** Resolves when stopped; rejects on a corrupt entry or an unreachable Redis that gives up. */
  readonly done: Promise<void>;
  private readonly redis: RedisClient;
  private stopping = false;
  /** While set, the tail stops reading once it has applied this id (see `pauseAfter`). */
  private pauseAt: string | undefined;
  private resumed: (() => void) | undefined;
  private readonly waiters: { id: string; resolve: () => void }[] = [];

  constructor(private readonly options: TailOptions<S, E>) {
    this.redis = connectRedis(options.redis, { maxRetriesPerRequest: null });
    this.redis.on('error', () => undefined); // reconnects by itself; a failed read is retried below
    this.done = this.run().finally(() => this.redis.disconnect());
    this.done.catch(() => undefined);
  }

  /** Resolves once the tail has applied the event with this id (or a later one). */
  caughtUp(id: string): Promise<void> {
    if (this.state !== undefined && compareStreamIds(this.lastId, id) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  /**
   * Stops reading once the event with this id is applied: the site's leader keeps its own state,
   * so its tail would only fold every event a second time. `resume` reads on from there.
   */
  pauseAfter(id: string): void {
    this.pauseAt = id;
  }

  resume(): void {
    this.pauseAt = undefined;
    this.resumed?.();
  }

  get paused(): boolean {
    return this.resumed !== undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.resumed?.();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { site, reducer, isKnownEvent, from } = this.options;
    const stream = siteKeys(site).events;
    let state: S;
    const resync = async () => {
      const recovered = await recover(this.redis, { site, reducer, isKnownEvent, codec: this.options.codec });
      state = this.state = recovered.state;
      this.lastId = recovered.lastId;
    };
    if (from) {
      state = this.state = from.state;
      this.lastId = from.lastId;
      if (await this.fellBehindTrim(stream)) {
        await resync();
        this.options.onResync?.(state!, this.lastId);
      }
    } else {
      await resync();
    }
    this.wake();
    let gapCheckedAt = performance.now();
    while (!this.stopping) {
      if (this.pauseAt !== undefined && compareStreamIds(this.lastId, this.pauseAt) >= 0) {
        await new Promise<void>((resolve) => (this.resumed = resolve));
        this.resumed = undefined;
        gapCheckedAt = 0; // the stream may have been trimmed past us meanwhile
        continue;
      }
      if (performance.now() - gapCheckedAt > GAP_CHECK_EVERY_MS) {
        gapCheckedAt = performance.now();
        if (await this.fellBehindTrim(stream)) {
          await resync();
          this.options.onResync?.(state!, this.lastId);
        }
      }
      const entries = await this.read(stream);
      for (const entry of entries ?? []) {
        const event = decodeEntry(stream, entry, isKnownEvent);
        state = this.state = applyEvent(reducer, state!, event);
        this.lastId = entry[0];
        this.options.onEvent?.(event, entry[0], state);
      }
      this.wake();
    }
  }

  /** The next entries after `lastId`; null on timeout or when Redis is unreachable (retried). */
  private async read(stream: string): Promise<RawEntry[] | null> {
    // The typed method, not `redis.call`: ioredis gives it the RESP2 shape whatever the protocol.
    const xread = this.redis.xread.bind(this.redis) as unknown as (
      ...a: (string | number)[]
    ) => Promise<unknown>;
    try {
      const reply = (await xread(
        'COUNT',
        this.options.count ?? 1000,
        'BLOCK',
        this.options.blockMs ?? 250,
        'STREAMS',
        stream,
        this.lastId,
      )) as [string, RawEntry[]][] | null;
      return reply?.[0]?.[1] ?? null;
    } catch {
      if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, 100)); // Redis restarting
      return null;
    }
  }

  private async fellBehindTrim(stream: string): Promise<boolean> {
    try {
      await assertNoGap(this.redis, stream, this.lastId);
      return false;
    } catch (error) {
      if (error instanceof StreamGapError) return true;
      return false; // Redis unreachable: the next read retries, the next check looks again
    }
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (compareStreamIds(this.lastId, waiter.id) >= 0) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
