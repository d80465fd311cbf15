// Redis restarted under a running writer (its own redis-server with AOF on, `appendfsync everysec`):
// every acknowledged event is still there, and the writer reconnects and goes on.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sendCommand } from '../../../src/store/commands.js';
import { siteKeys } from '../../../src/store/keys.js';
import { restartRedis, startExtraRedis, type RedisServer } from '../../setup/redis-extra.js';
import { startLedgerWriter, stopAllWriters } from './fixtures/ledger-writer.js';
import { closeAll, connect, freshSite, sleep, waitFor } from './fixtures/redis.js';

let server: RedisServer | undefined;
afterEach(async () => {
  await stopAllWriters();
  closeAll();
  await server?.stop();
});
afterAll(closeAll);

describe('redis-server restart', () => {
  for (const hard of [false, true]) {
    it(`keeps every acknowledged event and the writer goes on (${hard ? 'SIGKILL' : 'SIGTERM'})`, async () => {
      server = await startExtraRedis();
      const redis = connect(server.url);
      const site = freshSite();
      const acknowledged: string[] = [];
      const writer = startLedgerWriter(server.url, site, {
        afterAppend: ({ ids }) => void acknowledged.push(...ids),
      });
      for (let i = 0; i < 100; i++)
        await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
      await waitFor(() => writer.state?.balances.a === 100);

      await waitFor(() => acknowledged.length === 100); // the last append has returned
      await restartRedis(server, { hard });
      const entries = await waitFor(async () => {
        try {
          return await redis.xrange(siteKeys(site).events, '-', '+');
        } catch {
          return undefined;
        }
      });
      expect(entries.map(([id]) => id)).toEqual(acknowledged);

      for (let i = 0; i < 20; i++)
        await sendCommand(redis, site, { type: 'deposit', account: 'b', amount: 1 });
      await waitFor(() => writer.state?.balances.b === 20, 10_000);
      expect(writer.state?.balances.a).toBe(100);
      await waitFor(async () => (await redis.xlen(siteKeys(site).events)) >= 120, 10_000);
      expect(await redis.xlen(siteKeys(site).events)).toBe(120);
    });
  }

  it('takes the lease again and goes on when Redis stays down longer than the lease TTL', async () => {
    server = await startExtraRedis();
    const redis = connect(server.url);
    const site = freshSite();
    const roles: string[] = [];
    const writer = startLedgerWriter(server.url, site, {
      leaseTtlMs: 1_000,
      renewEveryMs: 300,
      onRoleChange: (role) => void roles.push(role),
    });
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
    await waitFor(() => writer.state?.balances.a === 1);

    await server.stop({ keepDir: true });
    await sleep(1_500); // longer than the lease TTL
    await server.start();
    await waitFor(async () => (await redis.ping().catch(() => '')) === 'PONG');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
    await waitFor(() => writer.state?.balances.a === 2, 10_000);
    expect(roles).toEqual(['leader', 'standby', 'leader']);
    expect(writer.epoch).toBe(2);
  });
});
