// The effect outbox of a site in Redis (key `sas:{site}:effects`): the effects each command
// decided, written with its events by the fenced append (lua/appendEvents-4.lua), deleted
// once the leader has carried them out. What is left after a crash is the next leader's to finish.
import type { RedisClient as Redis } from './redis-connection.js';
import { siteKeys } from './keys.js';
import { compareStreamIds, parseStreamId } from './stream-id.js';

/** One command's effects not carried out yet; `order` sorts entries as they were decided. */
export type StoredEffects = { id: string; order: string; effects: unknown[] };

/** The JSON stored per command: the command's position on the commands stream, then its effects. */
export function encodeEffects(order: string, effects: readonly unknown[]): string {
  return JSON.stringify({ order, effects });
}

/** Every pending entry, oldest first; an unreadable one is reported and left out (never retried blindly). */
export async function pendingEffects(
  redis: Redis,
  site: string,
  onUnreadable: (id: string) => void = () => undefined,
): Promise<StoredEffects[]> {
  const all = await redis.hgetall(siteKeys(site).effects);
  const out: StoredEffects[] = [];
  for (const [id, text] of Object.entries(all)) {
    try {
      const value = JSON.parse(text) as { order?: unknown; effects?: unknown };
      if (typeof value.order !== 'string' || !Array.isArray(value.effects)) throw new Error('shape');
      parseStreamId(value.order);
      out.push({ id, order: value.order, effects: value.effects });
    } catch {
      onUnreadable(id);
    }
  }
  return out.sort((a, b) => compareStreamIds(a.order, b.order));
}

/** Entries carried out (by whoever: deleting says "done", which stays true whoever says it). */
export async function effectsDone(redis: Redis, site: string, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await redis.hdel(siteKeys(site).effects, ...ids);
}
