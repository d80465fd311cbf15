// The store through Redis Sentinel (REDIS_SENTINEL): a site writes through the master the sentinel
// names; the master is killed during traffic, the sentinel promotes a replica, the ACD follows it
// by itself, and with WAIT 1 no acknowledged event is lost.
import { afterAll, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { connectRedis, redisTargetFromEnv } from '../../../src/store/redis-connection.js';
import { redisServerInstalled } from '../../../src/store/redis-server.js';
import { sleep, waitFor } from '../store/fixtures/redis.js';
import { TrafficDriver } from '../stored-site/fixtures/driver.js';
import { childConfig } from '../stored-site/fixtures/traffic.js';
import { expectAcknowledgedKept, freshSiteId, readStream, silent } from './fixtures/cluster.js';
import { startSentinelGroup, type SentinelGroup } from './fixtures/sentinel.js';

const skip = redisServerInstalled() ? null : 'redis-server is not installed (apt-get install redis-server)';
let group: SentinelGroup | undefined;
let site: SiteShell | undefined;

afterAll(async () => {
  await site?.stop();
  await group?.stop();
});

describe.skipIf(skip)(`store through Redis Sentinel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('follows the sentinel to the promoted replica, losing no acknowledged event (WAIT 1)', async () => {
    group = await startSentinelGroup();
    const parsed = redisTargetFromEnv({ REDIS_SENTINEL: `${group.name}@127.0.0.1:${group.sentinelPort}` });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const siteId = freshSiteId();
    site = await SiteShell.start({
      config: childConfig(siteId),
      logger: silent,
      store: { redisUrl: parsed.target, replicas: { count: 1, timeoutMs: 500 } },
    });
    await waitFor(() => site!.role === 'leader', 20_000);
    const driver = new TrafficDriver(site, 21, 15);
    driver.start();
    await sleep(1_000);
    const oldPort = group.master.port;
    const killedAt = Date.now();
    await group.master.kill('SIGKILL');
    await waitFor(async () => (await group!.masterPort().catch(() => oldPort)) !== oldPort, 30_000, 100);
    const promotedMs = Date.now() - killedAt;
    const agentId = childConfig(siteId).agents[0]!.id;
    await waitFor(
      async () => {
        const r = await site!.dispatch({ type: 'agentLogin', agentId });
        return r.ok || !['outcome-unknown', 'store-unavailable'].includes(r.reason);
      },
      30_000,
      200,
    );
    const answeringMs = Date.now() - killedAt;
    await sleep(500);
    const results = await driver.stop();
    console.log(
      `sentinel: master killed, replica promoted after ${promotedMs} ms, site answering again after ` +
        `${answeringMs} ms; ${results.filter((r) => r.ok).length} of ${results.length} commands accepted`,
    );
    const reader = connectRedis(parsed.target, { maxRetriesPerRequest: 5 });
    reader.on('error', () => undefined);
    try {
      const entries = await readStream(reader, siteId);
      expect(entries.length).toBeGreaterThan(0);
      expectAcknowledgedKept(entries, results);
    } finally {
      reader.disconnect();
    }
  }, 90_000);
});
