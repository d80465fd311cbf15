// Starts a real Redis Cluster on loopback: six `redis-server --cluster-enabled yes` (free ports,
// each in its own temporary directory, AOF on), joined by `redis-cli --cluster create
// --cluster-replicas 1` into 3 masters with one replica each. For the tests and `bench cluster`,
// not for production (there the platform runs the cluster: docker-compose.yml, profile `cluster`).
import { spawn, spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import {
  freePort,
  redisServerInstalled,
  retryOnPortClash,
  startRedisServer,
  type RedisServer,
} from './redis-server.js';
import type { ClusterTarget } from './redis-connection.js';

/**
 * Failure detection after 1 s of silence (cluster-node-timeout), so a dead master's replica is
 * promoted within about 2-3 s; a replica is always eligible (validity factor 0); the other shards
 * keep serving while one is failing over (full coverage not required).
 */
const CLUSTER_ARGS = [
  '--cluster-enabled',
  'yes',
  '--cluster-node-timeout',
  '1000',
  '--cluster-replica-validity-factor',
  '0',
  '--cluster-require-full-coverage',
  'no',
  // A replica's first sync starts at once (the default waits 5 s for other replicas to join it).
  '--repl-diskless-sync-delay',
  '0',
];

export type ClusterNodeServer = RedisServer & { busPort: number };

export type RedisClusterServer = {
  nodes: ClusterNodeServer[];
  /** Seed nodes and client options for `connectRedis` (src/store/redis-connection.ts). */
  target: ClusterTarget;
  /** The node currently master of the slot of `key` (asked of a live node). */
  masterOf(key: string): Promise<ClusterNodeServer>;
  /** Resolves when `key`'s slot has a live master other than `dead` and the cluster is ok. */
  waitForNewMaster(key: string, dead: ClusterNodeServer, timeoutMs?: number): Promise<ClusterNodeServer>;
  stop(): Promise<void>;
};

/** Why a cluster cannot be started here, or null when it can (tests skip with this reason). */
export function redisClusterUnavailable(): string | null {
  if (!redisServerInstalled()) return 'redis-server is not installed (apt-get install redis-server)';
  const cli = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  if (cli.error || cli.status !== 0) return 'redis-cli is not installed (apt-get install redis-tools)';
  const major = Number(/(\d+)\./.exec(cli.stdout)?.[1] ?? 0);
  if (major < 7) return `redis-cli ${cli.stdout.trim()}: Redis >= 7 needed (--cluster-port)`;
  return null;
}

export async function startRedisCluster(
  options: { appendfsync?: 'always' | 'everysec' } = {},
): Promise<RedisClusterServer> {
  const reason = redisClusterUnavailable();
  if (reason) throw new Error(reason);
  const nodes: ClusterNodeServer[] = [];
  try {
    const started = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        // The bus port too can be taken before redis-server binds it: a fresh pair then.
        retryOnPortClash(async () => {
          const busPort = await freePort();
          const server = await startRedisServer({
            ...(options.appendfsync ? { appendfsync: options.appendfsync } : {}),
            extraArgs: [...CLUSTER_ARGS, '--cluster-port', String(busPort)],
          });
          nodes.push(Object.assign(server, { busPort }));
        }),
      ),
    );
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    await redisCli([
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await waitUntil(() => clusterReady(nodes), 20_000, 'the cluster did not become ready');
  } catch (error) {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    throw error;
  }
  const byPort = (port: number) => nodes.find((n) => n.port === port);
  const masterOf = async (key: string, exclude?: ClusterNodeServer) => {
    for (const node of nodes) {
      if (node === exclude) continue;
      const port = await ask(node.port, async (r) => {
        const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
        const shards = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const shard = shards.find(([from, to]) => slot >= from && slot <= to);
        return shard ? Number(shard[2][1]) : undefined;
      }).catch(() => undefined);
      const master = port === undefined ? undefined : byPort(port);
      if (master) return master;
    }
    throw new Error(`no live node knows the master of ${key}`);
  };
  return {
    nodes,
    target: { cluster: nodes.slice(0, 3).map((n) => ({ host: '127.0.0.1', port: n.port })) },
    masterOf: (key) => masterOf(key),
    async waitForNewMaster(key, dead, timeoutMs = 15_000) {
      let found: ClusterNodeServer | undefined;
      await waitUntil(
        async () => {
          const master = await masterOf(key, dead).catch(() => undefined);
          if (!master || master === dead) return false;
          const info = await ask(master.port, (r) => r.call('CLUSTER', 'INFO') as Promise<string>);
          found = master;
          return info.includes('cluster_state:ok');
        },
        timeoutMs,
        `no replica was promoted for ${key}`,
      );
      return found!;
    },
    async stop() {
      await Promise.allSettled(nodes.map((n) => n.stop()));
    },
  };
}

function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && !/\[ERR\]/.test(output)
        ? resolve(output)
        : reject(new Error(`redis-cli ${args.slice(0, 2).join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

async function ask<T>(port: number, question: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await question(redis);
  } finally {
    redis.disconnect();
  }
}

/** Every node sees the whole cluster ok, and every replica is in sync with its master. */
async function clusterReady(nodes: ClusterNodeServer[]): Promise<boolean> {
  for (const node of nodes) {
    const ready = await ask(node.port, async (r) => {
      const info = (await r.call('CLUSTER', 'INFO')) as string;
      if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${nodes.length}`))
        return false;
      const replication = await r.info('replication');
      return replication.includes('role:master') || replication.includes('master_link_status:up');
    }).catch(() => false);
    if (!ready) return false;
  }
  return true;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${message} within ${timeoutMs / 1000} s`);
}
