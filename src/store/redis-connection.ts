// Which Redis a process talks to, chosen by configuration, and the one factory every Redis user
// goes through (store, shell, auth refresh tokens, Socket.IO adapter, BullMQ jobs):
//
//   REDIS_URL       one node                  redis://host:6379 (or rediss://)
//   REDIS_CLUSTER   Redis Cluster seed nodes  host1:6379,host2:6379 (ioredis `Cluster`)
//   REDIS_SENTINEL  a sentinel group          mymaster@host1:26379,host2:26379 (ioredis sentinels)
//
// Exactly one is set. `REDIS_USERNAME` / `REDIS_PASSWORD` apply to cluster and sentinel nodes (a URL
// carries its own). Every key of a site shares its hash tag (keys.ts), so on a cluster a site lives
// in one slot and its multi-key scripts stay legal; nothing scans keys across shards.
import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A cluster: seed nodes (any few of them; the client learns the rest) and client options. */
export type ClusterTarget = { cluster: { host: string; port: number }[]; options?: ClusterOptions };

/** A URL (one node), ioredis options (one node, or a sentinel group with `sentinels` + `name`), or a cluster. */
export type RedisTarget = string | RedisOptions | ClusterTarget;

/** What the store's functions accept: one node (or a sentinel's master) or a cluster client. */
export type RedisClient = Redis | Cluster;

export function isClusterTarget(target: RedisTarget): target is ClusterTarget {
  return typeof target === 'object' && Array.isArray((target as ClusterTarget).cluster);
}

/**
 * A new client for the target. `overrides` are per-connection ioredis options (e.g.
 * `maxRetriesPerRequest: null` for blocking reads); on a cluster they apply to every node connection.
 */
export function connectRedis(target: RedisTarget, overrides: RedisOptions = {}): RedisClient {
  if (typeof target === 'string') return new Redis(target, overrides);
  if (!isClusterTarget(target)) return new Redis({ ...target, ...overrides });
  const options = target.options ?? {};
  return new Cluster(
    target.cluster as ClusterNode[],
    {
      ...options,
      // A failed-over master takes a second or two to be replaced: retry through it, do not fail.
      retryDelayOnFailover: options.retryDelayOnFailover ?? 200,
      retryDelayOnClusterDown: options.retryDelayOnClusterDown ?? 200,
      retryDelayOnTryAgain: options.retryDelayOnTryAgain ?? 100,
      slotsRefreshTimeout: options.slotsRefreshTimeout ?? 2_000,
      redisOptions: { ...options.redisOptions, ...overrides },
      ...('maxRetriesPerRequest' in overrides
        ? { maxRetriesPerRequest: overrides.maxRetriesPerRequest }
        : {}),
    } as ClusterOptions,
  );
}

/** A short description for logs, without secrets. */
export function describeRedisTarget(target: RedisTarget): string {
  if (typeof target === 'string') {
    const url = new URL(target);
    return `${url.protocol}//${url.host}`;
  }
  if (isClusterTarget(target)) return `cluster ${target.cluster.map((n) => `${n.host}:${n.port}`).join(',')}`;
  if (target.sentinels)
    return `sentinel ${target.name ?? '?'}@${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  return `${target.host ?? '127.0.0.1'}:${target.port ?? 6379}`;
}

export type ParsedRedisTarget = { ok: true; target: RedisTarget } | { ok: false; errors: string[] };

function parseNodes(name: string, text: string, errors: string[]): { host: string; port: number }[] {
  const nodes: { host: string; port: number }[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const match = /^(?:rediss?:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})\/?$/.exec(item);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      errors.push(`${name}: "${item}" is not host:port`);
      continue;
    }
    nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}

/** Reads REDIS_URL / REDIS_CLUSTER / REDIS_SENTINEL (exactly one); every problem is named. */
export function redisTargetFromEnv(env: NodeJS.ProcessEnv): ParsedRedisTarget {
  const errors: string[] = [];
  const given = (['REDIS_URL', 'REDIS_CLUSTER', 'REDIS_SENTINEL'] as const).filter((k) => env[k]);
  if (given.length === 0)
    return {
      ok: false,
      errors: [
        'REDIS_URL: required (e.g. redis://127.0.0.1:6379), or REDIS_CLUSTER (seed nodes host:port,…) or REDIS_SENTINEL (name@host:port,…): the site state lives in Redis',
      ],
    };
  if (given.length > 1) return { ok: false, errors: [`${given.join(', ')}: give only one of them`] };
  const auth = {
    ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
  };
  if (env.REDIS_URL) {
    const url = env.REDIS_URL;
    if (!/^rediss?:\/\/./.test(url))
      return { ok: false, errors: ['REDIS_URL: must start with redis:// or rediss://'] };
    return { ok: true, target: url };
  }
  if (env.REDIS_CLUSTER) {
    const cluster = parseNodes('REDIS_CLUSTER', env.REDIS_CLUSTER, errors);
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, target: { cluster, options: { redisOptions: auth } } };
  }
  const [name, list] = (env.REDIS_SENTINEL ?? '').split('@');
  if (!name || list === undefined)
    return {
      ok: false,
      errors: ['REDIS_SENTINEL: expected name@host:port,… (e.g. mymaster@10.0.0.1:26379)'],
    };
  const sentinels = parseNodes('REDIS_SENTINEL', list, errors);
  if (errors.length > 0) return { ok: false, errors };
  // failoverDetector: follow the sentinels' +switch-master at once rather than on the next error.
  return { ok: true, target: { sentinels, name, failoverDetector: true, ...auth } };
}

export type ParsedReplicaWait =
  { ok: true; replicas: { count: number; timeoutMs: number } | undefined } | { ok: false; errors: string[] };

/**
 * REDIS_WAIT_REPLICAS (default 0: acknowledged once in the shard's AOF) and REDIS_WAIT_TIMEOUT_MS
 * (default 1000): a command is answered only once that many replicas have its events (docs/store.md,
 * "Durability").
 */
export function replicaWaitFromEnv(env: NodeJS.ProcessEnv): ParsedReplicaWait {
  const count = Number(env.REDIS_WAIT_REPLICAS ?? 0);
  const timeoutMs = Number(env.REDIS_WAIT_TIMEOUT_MS ?? 1_000);
  const errors: string[] = [];
  if (!Number.isInteger(count) || count < 0 || count > 5)
    errors.push('REDIS_WAIT_REPLICAS: an integer from 0 to 5');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > 60_000)
    errors.push('REDIS_WAIT_TIMEOUT_MS: an integer from 10 to 60000');
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, replicas: count > 0 ? { count, timeoutMs } : undefined };
}
