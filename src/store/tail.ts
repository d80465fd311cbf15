// A read model: any process keeps a site's state current by tailing its event stream (XREAD BLOCK)
// and folding each event with the same reducer the writer uses. Starts from recovery (snapshot +
// replay) or from a given state and stream id. A corrupt entry stops the tail with an error naming it.
import { Redis, type RedisOptions } from 'ioredis';
import { decodeEntry, type IsKnownEvent, type RawEntry } from './entry.js';
import { siteKeys } from './keys.js';
import { applyEvent, type Reducer, type StateCodec, type StoreEvent } from './reducer.js';
import { assertNoGap, recover } from './recover.js';
import { compareStreamIds } from './streamId.js';

export type TailOptions<S, E extends StoreEvent> = {
  redis: string | RedisOptions;
  site: string;
  reducer: Reducer<S, E>;
  isKnownEvent: IsKnownEvent<E>;
  codec?: StateCodec<S>;
  /** Start here instead of recovering from the snapshot. */
  from?: { state: S; lastId: string };
  blockMs?: number;
  count?: number;
  onEvent?: (event: E, id: string, state: S) => void;
};

export class EventTail<S, E extends StoreEvent> {
  state: S | undefined;
  lastId = '0-0';
  /** Resolves when stopped; rejects on a corrupt entry or an unreachable Redis that gives up. */
  readonly done: Promise<void>;
  private readonly redis: Redis;
  private stopping = false;
  private readonly waiters: { id: string; resolve: () => void }[] = [];

  constructor(private readonly options: TailOptions<S, E>) {
    this.redis =
      typeof options.redis === 'string'
        ? new Redis(options.redis, { maxRetriesPerRequest: null })
        : new Redis({ maxRetriesPerRequest: null, ...options.redis });
    this.redis.on('error', () => undefined); // reconnects by itself; a failed read is retried below
    this.done = this.run().finally(() => this.redis.disconnect());
    this.done.catch(() => undefined);
  }

  /** Resolves once the tail has applied the event with this id (or a later one). */
  caughtUp(id: string): Promise<void> {
    if (this.state !== undefined && compareStreamIds(this.lastId, id) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { site, reducer, isKnownEvent, from } = this.options;
    const stream = siteKeys(site).events;
    if (from) {
      await assertNoGap(this.redis, stream, from.lastId);
      this.state = from.state;
      this.lastId = from.lastId;
    } else {
      const recovered = await recover(this.redis, { site, reducer, isKnownEvent, codec: this.options.codec });
      this.state = recovered.state;
      this.lastId = recovered.lastId;
    }
    this.wake();
    while (!this.stopping) {
      let reply: [string, RawEntry[]][] | null;
      try {
        // The typed method, not `redis.call`: ioredis gives it the RESP2 shape whatever the protocol.
        reply = (await (
          this.redis.xread.bind(this.redis) as unknown as (...a: (string | number)[]) => Promise<unknown>
        )(
          'COUNT',
          this.options.count ?? 1000,
          'BLOCK',
          this.options.blockMs ?? 250,
          'STREAMS',
          stream,
          this.lastId,
        )) as [string, RawEntry[]][] | null;
      } catch {
        if (this.stopping) break;
        await new Promise((resolve) => setTimeout(resolve, 100)); // Redis restarting: try again
        continue;
      }
      for (const entry of reply?.[0]?.[1] ?? []) {
        const event = decodeEntry(stream, entry, isKnownEvent);
        this.state = applyEvent(reducer, this.state, event);
        this.lastId = entry[0];
        this.options.onEvent?.(event, entry[0], this.state);
      }
      this.wake();
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
