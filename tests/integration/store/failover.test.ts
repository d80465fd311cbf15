// Fail-over between writer processes: real child processes, killed with SIGKILL or paused with
// SIGSTOP, against the shared redis-server.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sendCommand } from '../../../src/store/commands.js';
import { siteKeys } from '../../../src/store/keys.js';
import { Lease } from '../../../src/store/lease.js';
import { appendEvents } from '../../../src/store/event-log.js';
import { killChildren, spawnWriterChild } from './fixtures/child.js';
import { startLedgerWriter, stopAllWriters } from './fixtures/ledger-writer.js';
import { closeAll, connect, freshSite, redisUrl, sleep, waitFor } from './fixtures/redis.js';

afterEach(async () => {
  killChildren();
  await stopAllWriters();
});
afterAll(closeAll);

const TAKEOVER_TARGET_MS = 5_000;

describe('fail-over between writer processes', () => {
  it('takes over within 5 s of a SIGKILL of the writer, losing and repeating no command', async () => {
    const redis = connect();
    const site = freshSite();
    const child = spawnWriterChild([redisUrl(), site, 'writer']);
    await child.waitForLine((line) => line.role === 'leader');
    const standby = startLedgerWriter(redisUrl(), site);
    await sleep(200);
    expect(standby.role).toBe('standby');

    // Traffic all along: one deposit of 1 every 5 ms, before, during and after the kill.
    let sent = 0;
    let sending = true;
    const traffic = (async () => {
      while (sending) {
        await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
        sent += 1;
        await sleep(5);
      }
    })();
    await child.waitForLine((line) => Array.isArray(line.appended));
    await sleep(300);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await child.exited;
    await waitFor(() => standby.role === 'leader', TAKEOVER_TARGET_MS + 1_000, 10);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(TAKEOVER_TARGET_MS);
    await sleep(300);
    sending = false;
    await traffic;

    await waitFor(() => standby.state?.balances.a === sent);
    await waitFor(async () => (await redis.xlen(siteKeys(site).events)) >= sent); // state runs ahead of appends
    const entries = await redis.xrange(siteKeys(site).events, '-', '+');
    const commandIds = entries.map(([, fields]) => fields[fields.indexOf('cmd') + 1]);
    expect(new Set(commandIds).size).toBe(sent);
    expect(entries).toHaveLength(sent);
    expect(standby.epoch).toBe(2);
  });

  it('refuses the append of a writer paused with SIGSTOP once resumed, and it writes nothing more', async () => {
    const redis = connect();
    const site = freshSite();
    const child = spawnWriterChild([redisUrl(), site, 'raw']);
    await child.waitForLine((line) => line.role === 'leader');
    await waitFor(() => child.lines.filter((line) => line.appended).length >= 3);

    child.kill('SIGSTOP');
    const pausedAt = Date.now();
    const successor = new Lease(redis, site);
    while (!(await successor.tryAcquire()).acquired) await sleep(50);
    expect(Date.now() - pausedAt).toBeLessThan(TAKEOVER_TARGET_MS);
    const ours = await appendEvents(redis, site, successor.token, [
      { type: 'Tick', writer: 'successor', n: 1 },
    ]);

    child.kill('SIGCONT');
    const refusal = await child.waitForLine((line) => line.refused !== undefined);
    expect(refusal.refused).toBe('LeaseLostError');
    expect(await child.exited).toBe(0);

    const childAppends = child.lines.filter((line) => line.appended).map((line) => line.appended);
    const entries = await redis.xrange(siteKeys(site).events, '-', '+');
    const byEpoch = (epoch: string) =>
      entries.filter(([, fields]) => fields[fields.indexOf('epoch') + 1] === epoch).map(([id]) => id);
    // Every entry of the old epoch is one the child saw acknowledged, all before the successor's.
    expect(byEpoch('1')).toEqual(childAppends);
    expect(byEpoch('2')).toEqual(ours);
    expect(entries.at(-1)![0]).toBe(ours[0]);
  });

  it('processes a command once when the writer dies between the append and the ack', async () => {
    const redis = connect();
    const site = freshSite();
    const child = spawnWriterChild([redisUrl(), site, 'writer', 'crash'], { LEASE_TTL_MS: '1000' });
    await child.waitForLine((line) => line.role === 'leader');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 10 }, 'cmd-1');
    await child.exited; // SIGKILLed itself right after the append
    expect(await redis.xlen(siteKeys(site).events)).toBe(1);
    const [pending] = (await redis.xpending(siteKeys(site).commands, 'writers')) as [number];
    expect(pending).toBe(1);

    const successor = startLedgerWriter(redisUrl(), site);
    await sendCommand(redis, site, { type: 'deposit', account: 'b', amount: 1 }, 'cmd-2');
    await waitFor(() => successor.state?.balances.b === 1, 8_000);
    expect(successor.state?.balances.a).toBe(10);
    await waitFor(async () => (await redis.xlen(siteKeys(site).events)) >= 2);
    expect(await redis.xlen(siteKeys(site).events)).toBe(2);
    await waitFor(
      async () => ((await redis.xpending(siteKeys(site).commands, 'writers')) as [number])[0] === 0,
    );
  });
});

describe('a paused writer process (SIGSTOP) resumed after a take-over', () => {
  it('stops writing, goes back to standby and leaves no event of its old epoch after the new one', async () => {
    const redis = connect();
    const site = freshSite();
    const child = spawnWriterChild([redisUrl(), site, 'writer']);
    await child.waitForLine((line) => line.role === 'leader');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
    await child.waitForLine((line) => Array.isArray(line.appended));

    child.kill('SIGSTOP');
    const pausedAt = Date.now();
    const successor = startLedgerWriter(redisUrl(), site);
    await waitFor(() => successor.role === 'leader', TAKEOVER_TARGET_MS + 1_000, 10);
    expect(Date.now() - pausedAt).toBeLessThan(TAKEOVER_TARGET_MS);
    // Commands arrive while the old writer is paused, and right after it resumes.
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 10 });
    child.kill('SIGCONT');
    for (let i = 0; i < 20; i++) await sendCommand(redis, site, { type: 'deposit', account: 'b', amount: 1 });
    await child.waitForLine((line) => line.role === 'standby');
    await waitFor(() => successor.state?.balances.b === 20);

    expect(successor.state?.balances.a).toBe(11);
    await waitFor(async () => (await redis.xlen(siteKeys(site).events)) >= 22);
    const epochs = (await redis.xrange(siteKeys(site).events, '-', '+')).map(
      ([, fields]) => fields[fields.indexOf('epoch') + 1],
    );
    expect(epochs).toEqual(['1', ...Array<string>(21).fill('2')]);
    const childAppends = child.lines.filter((line) => line.appended).length;
    expect(childAppends).toBe(1);
  });
});
