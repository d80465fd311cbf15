// Recovery: the state of a site = its snapshot (if any) + every later event of the stream, folded
// with the caller's reducer, read in pages. A corrupt or unknown entry stops recovery with an error
// naming it; a stream trimmed past the snapshot stops it too (StreamGapError).
import type { RedisClient as Redis } from './redis-connection.js';
import { decodeEntry, type IsKnownEvent, type RawEntry } from './entry.js';
import { StreamGapError } from './errors.js';
import { siteKeys } from './keys.js';
import { applyEvent, type Reducer, type StateCodec, type StoreEvent } from './reducer.js';
import { loadSnapshot } from './snapshot.js';
import { compareStreamIds } from './stream-id.js';

export type RecoverOptions<S, E extends StoreEvent> = {
  site: string;
  reducer: Reducer<S, E>;
  isKnownEvent: IsKnownEvent<E>;
  codec?: StateCodec<S>;
  pageSize?: number;
};

export type Recovered<S> = {
  state: S;
  /** Id of the last event folded into `state` ('0-0' when none): where to continue from. */
  lastId: string;
  /** Events replayed after the snapshot. */
  replayed: number;
  snapshotId: string | null;
};

export async function recover<S, E extends StoreEvent>(
  redis: Redis,
  options: RecoverOptions<S, E>,
): Promise<Recovered<S>> {
  const { site, reducer, isKnownEvent } = options;
  const stream = siteKeys(site).events;
  const pageSize = options.pageSize ?? 1000;
  const snapshot = await loadSnapshot(redis, site, options.codec);
  let state = snapshot ? snapshot.state : reducer.initial();
  let lastId = snapshot ? snapshot.lastId : '0-0';
  await assertNoGap(redis, stream, lastId);
  let replayed = 0;
  for (;;) {
    const page = (await redis.xrange(stream, `(${lastId}`, '+', 'COUNT', pageSize)) as RawEntry[];
    for (const entry of page) {
      state = applyEvent(reducer, state, decodeEntry(stream, entry, isKnownEvent));
      lastId = entry[0];
      replayed += 1;
    }
    if (page.length < pageSize) break;
  }
  return { state, lastId, replayed, snapshotId: snapshot?.lastId ?? null };
}

/**
 * Throws when entries after `fromId` were trimmed or deleted. Our own trims (saveSnapshot) never go
 * above the snapshot, so the first remaining entry is at or before it; anything else is a gap.
 */
export async function assertNoGap(redis: Redis, stream: string, fromId: string): Promise<void> {
  let raw: unknown[];
  try {
    raw = (await redis.xinfo('STREAM', stream)) as unknown[];
  } catch (error) {
    if (/no such key/i.test((error as Error).message)) return;
    throw error;
  }
  const info = new Map<string, unknown>();
  for (let i = 0; i + 1 < raw.length; i += 2) info.set(String(raw[i]), raw[i + 1]);
  // XDEL records the largest deleted id (Redis >= 7).
  const maxDeleted = String(info.get('max-deleted-entry-id') ?? '0-0');
  if (compareStreamIds(maxDeleted, fromId) > 0) throw new StreamGapError(stream, fromId, maxDeleted);
  // XTRIM does not: compare how many entries were ever added with how many remain.
  const length = Number(info.get('length'));
  const added = Number(info.get('entries-added') ?? length);
  if (length >= added) return;
  const firstRemaining = length > 0 ? String(info.get('recorded-first-entry-id')) : null;
  const lastGenerated = String(info.get('last-generated-id'));
  if (
    firstRemaining === null
      ? compareStreamIds(lastGenerated, fromId) > 0
      : compareStreamIds(firstRemaining, fromId) > 0
  ) {
    throw new StreamGapError(stream, fromId, `an entry before ${firstRemaining ?? 'the end'}`);
  }
}
