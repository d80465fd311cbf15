// Snapshots: the writer's state and the id of the last event folded into it, saved under the lease
// (lua/saveSnapshot-3.lua), after which the event stream is trimmed by MINID (retention policy in
// docs/store.md): entries older than both the snapshot and the retention window go.
import type { RedisClient as Redis } from './redis-connection.js';
import { CorruptSnapshotError, LeaseLostError } from './errors.js';
import { siteKeys } from './keys.js';
import { jsonCodec, type StateCodec } from './reducer.js';
import { scriptErrorCode, storeScripts } from './scripts.js';
import { minStreamId, parseStreamId } from './stream-id.js';

/** Events are kept at least this long even once folded into a snapshot (audit, read-model catch-up). */
export const EVENT_RETENTION_MS = 72 * 3600_000;

export type Snapshot<S> = { state: S; lastId: string; epoch: number };

export type SaveSnapshotOptions<S> = {
  codec?: StateCodec<S>;
  /** `Infinity` keeps every event; 0 trims everything the snapshot covers. */
  retentionMs?: number;
  now?: number;
};

/** Saves a snapshot if `token` holds the lease; returns how many events were trimmed. */
export async function saveSnapshot<S>(
  redis: Redis,
  site: string,
  token: string,
  state: S,
  lastId: string,
  options: SaveSnapshotOptions<S> = {},
): Promise<number> {
  const keys = siteKeys(site);
  const codec = options.codec ?? jsonCodec<S>();
  const retentionMs = options.retentionMs ?? EVENT_RETENTION_MS;
  const now = options.now ?? Date.now();
  const minId = Number.isFinite(retentionMs)
    ? minStreamId(lastId, `${Math.max(0, now - retentionMs)}-0`)
    : '';
  try {
    return await storeScripts(redis).sasSaveSnapshot(
      keys.lease,
      keys.snapshot,
      keys.events,
      token,
      lastId,
      codec.encode(state),
      minId,
    );
  } catch (error) {
    if (scriptErrorCode(error) === 'LEASELOST') throw new LeaseLostError(site, 'snapshot refused');
    throw error;
  }
}

export async function loadSnapshot<S>(
  redis: Redis,
  site: string,
  codec: StateCodec<S> = jsonCodec<S>(),
): Promise<Snapshot<S> | null> {
  const key = siteKeys(site).snapshot;
  const stored = await redis.hgetall(key);
  if (Object.keys(stored).length === 0) return null;
  if (stored.v !== '1') throw new CorruptSnapshotError(key, `unknown version ${JSON.stringify(stored.v)}`);
  const lastId = stored.lastId ?? '';
  try {
    parseStreamId(lastId);
  } catch {
    throw new CorruptSnapshotError(key, `bad lastId ${JSON.stringify(lastId)}`);
  }
  if (stored.state === undefined) throw new CorruptSnapshotError(key, 'no state');
  let state: S;
  try {
    state = codec.decode(stored.state);
  } catch (error) {
    throw new CorruptSnapshotError(key, `state cannot be decoded (${(error as Error).message})`);
  }
  return { state, lastId, epoch: Number(stored.epoch ?? 0) };
}
