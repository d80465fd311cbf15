// BullMQ connections and key prefix for a site. The prefix carries the site's hash tag, so every
// queue key of the site lands in the same Redis Cluster slot as the site's streams (BullMQ's own
// scripts are multi-key: they need it).
import type { ConnectionOptions, RedisOptions as BullRedisOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { siteKeys } from '../keys.js';
import { connectRedis, isClusterTarget, type RedisTarget } from '../redis-connection.js';

export type { RedisTarget };

/**
 * What BullMQ connects with (workers require `maxRetriesPerRequest: null`): ioredis options for one
 * node or a sentinel group (BullMQ opens its own connections), a Cluster client for a cluster (BullMQ
 * only takes a cluster as an instance; it duplicates it for blocking reads). Give it back with
 * `releaseBullConnection` once the queue and worker are closed.
 */
export function bullConnection(target: RedisTarget): ConnectionOptions {
  if (isClusterTarget(target)) return connectRedis(target, { maxRetriesPerRequest: null }) as Cluster;
  if (typeof target !== 'string') return { ...(target as BullRedisOptions), maxRetriesPerRequest: null };
  const url = new URL(target);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** Disconnects a cluster client made by `bullConnection` (options need nothing: BullMQ closed its own). */
export function releaseBullConnection(connection: ConnectionOptions): void {
  if (connection instanceof Cluster) connection.disconnect();
}

export function bullPrefix(site: string): string {
  return siteKeys(site).bullPrefix;
}
