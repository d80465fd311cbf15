// Writing to a site's event stream: the fenced append (lua/appendEvents-4.lua) behind typed calls.
import type { RedisClient as Redis } from './redis-connection.js';
import { DuplicateCommandError, LeaseLostError, ReplicationTimeoutError } from './errors.js';
import { siteKeys, type SiteKeys } from './keys.js';
import type { StoreEvent } from './reducer.js';
import { scriptErrorCode, storeScripts } from './scripts.js';

/** How long processed command ids are remembered (a re-delivery after that would be processed again). */
export const PROCESSED_RETENTION_MS = 24 * 3600_000;

/**
 * The events produced by one command (or by none: `commandId` omitted), and the effects it decided
 * as the JSON of its effect-outbox entry, written in the same atomic step.
 */
export type AppendGroup = {
  commandId?: string;
  commandMs?: number;
  events: readonly StoreEvent[];
  effects?: string;
};

/** Appends events if `token` holds the site's lease; returns their stream ids. */
export function appendEvents<E extends StoreEvent>(
  redis: Redis,
  site: string,
  token: string,
  events: readonly E[],
): Promise<string[]> {
  return appendGroups(redis, site, token, [{ events }]);
}

/**
 * Appends the events of several commands and marks the commands processed, atomically, if `token`
 * holds the lease. Throws LeaseLostError (nothing written) when deposed, DuplicateCommandError
 * (nothing written) when a command was already processed.
 */
export async function appendGroups(
  redis: Redis,
  site: string,
  token: string,
  groups: readonly AppendGroup[],
  processedRetentionMs = PROCESSED_RETENTION_MS,
  replicas?: ReplicaWait,
): Promise<string[]> {
  const keys = siteKeys(site);
  const args: (string | number)[] = [token, processedRetentionMs, groups.length];
  for (const group of groups) {
    args.push(group.commandId ?? '', group.commandMs ?? 0);
    args.push(group.effects ?? '', group.events.length);
    for (const event of group.events) args.push(JSON.stringify(event));
  }
  try {
    if (replicas && replicas.count > 0) return await appendThenWait(redis, site, keys, args, replicas);
    return await storeScripts(redis).sasAppendEvents(
      keys.lease,
      keys.events,
      keys.processed,
      keys.effects,
      ...args,
    );
  } catch (error) {
    const code = scriptErrorCode(error);
    if (code === 'LEASELOST')
      throw new LeaseLostError(site, 'append refused: the lease token is not current');
    if (code === 'DUPLICATE') {
      throw new DuplicateCommandError(site, (error as Error).message.split(' ')[1] ?? '?');
    }
    throw error;
  }
}

/**
 * Durability beyond the shard's AOF: an append counts only once `count` replicas of the shard have
 * it (Redis `WAIT`), within `timeoutMs`; otherwise ReplicationTimeoutError (the events are on the
 * master, unconfirmed: the writer treats it as an ambiguous append, docs/store.md "Durability").
 */
export type ReplicaWait = { count: number; timeoutMs: number };

// The script and WAIT in one pipeline: on a cluster the keyless WAIT goes with the script to the
// master of the site's slot, and it waits for this connection's last write, the append.
async function appendThenWait(
  redis: Redis,
  site: string,
  keys: SiteKeys,
  args: (string | number)[],
  replicas: ReplicaWait,
): Promise<string[]> {
  const pipeline = redis.pipeline() as unknown as {
    sasAppendEvents(...a: (string | number)[]): unknown;
    wait(count: number, timeoutMs: number): unknown;
    exec(): Promise<[Error | null, unknown][] | null>;
  };
  storeScripts(redis); // defines the script on the client, hence on its pipelines
  pipeline.sasAppendEvents(keys.lease, keys.events, keys.processed, keys.effects, ...args);
  pipeline.wait(replicas.count, replicas.timeoutMs);
  const [[appendError, ids] = [null, []], [waitError, acked] = [null, 0]] = (await pipeline.exec()) ?? [];
  if (appendError) throw appendError;
  if (waitError) throw waitError;
  if (Number(acked) < replicas.count)
    throw new ReplicationTimeoutError(site, Number(acked), replicas.count, replicas.timeoutMs);
  return ids as string[];
}

/** Which of these command ids the site has already processed (one round trip). */
export async function processedCommandIds(
  redis: Redis,
  site: string,
  commandIds: readonly string[],
): Promise<Set<string>> {
  if (commandIds.length === 0) return new Set();
  const scores = await redis.zmscore(siteKeys(site).processed, ...commandIds);
  return new Set(commandIds.filter((_, i) => scores[i] !== null));
}
