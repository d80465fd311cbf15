// Stopping the webhook queue gives back every Redis connection it opened: on one node (BullMQ opens
// its own from options) and on a Redis Cluster (the queue is handed a Cluster client, which BullMQ
// shares and never closes itself). Each case has Redis servers of its own, so every client the
// servers list, besides the probe and the replication links, is the queue's.
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LrmWebhooks } from '../../../src/lrm/lrm-webhooks.js';
import type { RedisClusterServer } from '../../../src/store/redis-cluster-server.js';
import type { RedisTarget } from '../../../src/store/redis-connection.js';
import { startExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { startExtraRedis, type RedisServer } from '../../setup/redis-extra.js';
import { clusterSkipReason, startCluster } from '../cluster/fixtures/cluster.js';
import { waitFor } from '../store/fixtures/redis.js';

const SECRET = 'webhook-secret-for-tests';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Normal clients connected to each port, the probe's own connection left out. */
async function clientsOn(probes: Redis[]): Promise<number[]> {
  return Promise.all(
    probes.map(async (probe) => {
      const list = (await probe.client('LIST')) as string;
      const own = String(await probe.client('ID'));
      return list
        .split('\n')
        .filter((line) => / flags=[^ ]*N/.test(` ${line}`) && !line.startsWith(`id=${own} `)).length;
    }),
  );
}

function probesOf(ports: number[]): Redis[] {
  const probes = ports.map((port) => new Redis({ host: '127.0.0.1', port, lazyConnect: false }));
  closers.push(async () => probes.forEach((p) => p.disconnect()));
  return probes;
}

/** Starts the queue, delivers one event (every connection in use), stops it: back to `before`. */
async function stopLeavesNoClient(redis: RedisTarget, probes: Redis[]) {
  const lrm = await startExampleLrm({ secret: SECRET });
  closers.push(() => lrm.close());
  const before = await clientsOn(probes);
  const hooks = new LrmWebhooks({
    redis,
    site: `t${randomBytes(4).toString('hex')}`,
    targets: { lrm: { url: lrm.url, secret: SECRET } },
    backoffMs: 30,
  });
  await hooks.send('lrm', { id: 'C1-e1', type: 'call.arrived', callId: 'C1' }, { callId: 'C1' });
  await waitFor(() => lrm.received.length === 1, 20_000);
  await waitFor(async () => (await hooks.state('lrm', 'C1', 'C1-e1')) === 'completed', 20_000);
  const during = await clientsOn(probes);
  expect(during.reduce((a, b) => a + b, 0)).toBeGreaterThan(before.reduce((a, b) => a + b, 0));
  await hooks.close();
  // The server notices a closed socket a moment after the client: wait for it, not a fixed time.
  await waitFor(async () => JSON.stringify(await clientsOn(probes)) === JSON.stringify(before), 20_000).catch(
    async () => expect(await clientsOn(probes), 'clients left open after close()').toEqual(before),
  );
}

describe('LRM webhooks stop', () => {
  it('leaves no Redis connection of its own open on one node', async () => {
    const server: RedisServer = await startExtraRedis();
    closers.push(() => server.stop());
    await stopLeavesNoClient(server.url, probesOf([server.port]));
  });
});

describe.skipIf(clusterSkipReason)(
  `LRM webhooks stop on a Redis Cluster${clusterSkipReason ? ` (skipped: ${clusterSkipReason})` : ''}`,
  () => {
    let cluster: RedisClusterServer;
    beforeAll(async () => {
      cluster = await startCluster();
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
    });

    it('leaves no Redis connection of its own open on any node', async () => {
      await stopLeavesNoClient(cluster.target, probesOf(cluster.nodes.map((n) => n.port)));
    });
  },
);
