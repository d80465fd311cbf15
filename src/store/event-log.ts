// Writing to a site's event stream: the fenced append (lua/appendEvents-3.lua) behind typed calls.
import type { Redis } from 'ioredis';
import { DuplicateCommandError, LeaseLostError } from './errors.js';
import { siteKeys } from './keys.js';
import type { StoreEvent } from './reducer.js';
import { scriptErrorCode, storeScripts } from './scripts.js';

/** How long processed command ids are remembered (a re-delivery after that would be processed again). */
export const PROCESSED_RETENTION_MS = 24 * 3600_000;

/**
 * The events produced by one command (or by none: `commandId` omitted), and the effects it decided
 * as the JSON of its effect-outbox entry, written in the same atomic step (lua/appendEventsEffects-4).
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
): Promise<string[]> {
  const keys = siteKeys(site);
  const outbox = groups.some((group) => group.effects !== undefined);
  const args: (string | number)[] = [token, processedRetentionMs, groups.length];
  for (const group of groups) {
    args.push(group.commandId ?? '', group.commandMs ?? 0);
    if (outbox) args.push(group.effects ?? '');
    args.push(group.events.length);
    for (const event of group.events) args.push(JSON.stringify(event));
  }
  try {
    const scripts = storeScripts(redis);
    return outbox
      ? await scripts.sasAppendEventsEffects(keys.lease, keys.events, keys.processed, keys.effects, ...args)
      : await scripts.sasAppendEvents(keys.lease, keys.events, keys.processed, ...args);
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
