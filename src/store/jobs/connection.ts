// BullMQ connections and key prefix for a site. The prefix carries the site's hash tag, so every
// queue key of the site lands in the same Redis Cluster slot as the site's streams.
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { siteKeys } from '../keys.js';

export type RedisTarget = string | RedisOptions;

/** ioredis options for BullMQ (which requires `maxRetriesPerRequest: null` on workers). */
export function bullConnection(target: RedisTarget): BullRedisOptions {
  if (typeof target !== 'string') return { ...(target as BullRedisOptions), maxRetriesPerRequest: null };
  const url = new URL(target);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

export function bullPrefix(site: string): string {
  return siteKeys(site).bullPrefix;
}
