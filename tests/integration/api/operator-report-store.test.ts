// The operator's monthly reports kept per site and month in the real redis-server (API harness with
// `redisUrl`): each month of an accepted file stored, the same file again changes nothing (same
// importer and time), a new file for a month replaces that month only, a refused file stores
// nothing; listed and read back with the same access as the rest (supervisors of the site only),
// bad and unknown months answered 400 and 404; still there for another API process.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Command as EngineCommand } from '../../../src/core/commands.js';
import { startHarness, type Harness } from './harness.js';

const KEY = 'sas:{44}:operator-reports';
const FILE = [
  'month;number;calls;source',
  '2026-03;15;5;Orange, relevé mensuel',
  '2026-03;116 117;1;Orange, relevé mensuel',
  '2026-02;15;7;Orange, relevé mensuel',
].join('\n');

describe("operator's monthly reports kept (Redis)", () => {
  let h: Harness;
  const redis = new Redis(inject('redisUrl'));
  const post = (csv: string, as = 'sup44') =>
    h.call('POST', '/sites/44/operator-report', { as, body: { csv } });

  beforeAll(async () => {
    await redis.del(KEY); // this file alone writes site 44's reports in this run's Redis
    h = await startHarness({ redisUrl: inject('redisUrl') });
    const runtime = h.runtimes.get('44')!;
    const ok = async (c: EngineCommand) => {
      const r = await runtime.dispatch(c);
      if (!r.ok) throw new Error(`${c.type}: ${r.reason}`);
    };
    // March 2026 (the harness's clock): two calls on 15, one answered.
    await ok({ type: 'agentLogin', agentId: 'arm-2' });
    await ok({ type: 'arriveCall', callId: 's-a', line: '15', callerNumber: '0612345678' });
    await ok({ type: 'answerOffer', callId: 's-a', agentId: 'arm-2' });
    await ok({ type: 'callerHungUp', callId: 's-a' });
    await ok({ type: 'agentPause', agentId: 'arm-2', reason: 'formation' });
    await ok({ type: 'arriveCall', callId: 's-b', line: '15', callerNumber: '0612345679' });
    await ok({ type: 'callerHungUp', callId: 's-b' });
  });
  afterAll(async () => {
    await h?.stop();
    redis.disconnect();
  });

  it('keeps each month once: the same file again changes nothing, a new one replaces its month only', async () => {
    const first = await post(FILE);
    expect(first.status).toBe(200);
    expect(first.body.stored).toEqual([
      { month: '2026-03', outcome: 'created' },
      { month: '2026-02', outcome: 'created' },
    ]);
    const list = await h.call('GET', '/sites/44/operator-reports', { as: 'sup44' });
    expect(list.status).toBe(200);
    expect(list.body.months).toEqual([
      expect.objectContaining({
        month: '2026-03',
        numbers: 2,
        calls: 6,
        presented: 2,
        answered: 1,
        gap: 4,
        importedBy: 'sup44',
      }),
      expect.objectContaining({ month: '2026-02', numbers: 1, calls: 7, presented: 0, answered: 0, gap: 7 }),
    ]);
    const march = await h.call('GET', '/sites/44/operator-reports/2026-03', { as: 'sup44' });
    expect(march.status).toBe(200);
    expect(march.body.rows).toEqual(first.body.rows.filter((r: { month: string }) => r.month === '2026-03'));
    expect(march.body.importedBy).toBe('sup44');

    // The same file again, by an admin: unchanged, still sup44's import of the first time.
    const again = await post(FILE, 'admin');
    expect(again.status).toBe(200);
    expect(again.body.stored.map((s: { outcome: string }) => s.outcome)).toEqual(['unchanged', 'unchanged']);
    expect((await h.call('GET', '/sites/44/operator-reports', { as: 'sup44' })).body).toEqual(list.body);
    expect(await redis.hlen(KEY)).toBe(4); // two months, each with its digest

    // March corrected (line 15 only): March replaced whole, February untouched.
    const fixed = await post('month;number;calls;source\n2026-03;15;9;Orange, relevé corrigé', 'admin');
    expect(fixed.body.stored).toEqual([{ month: '2026-03', outcome: 'replaced' }]);
    const marchNow = await h.call('GET', '/sites/44/operator-reports/2026-03', { as: 'sup44' });
    expect(marchNow.body.rows).toEqual([
      expect.objectContaining({
        line: '15',
        calls: 9,
        presented: 2,
        answered: 1,
        gap: 7,
        source: 'Orange, relevé corrigé',
      }),
    ]);
    expect(marchNow.body.importedBy).toBe('admin');
    const feb = await h.call('GET', '/sites/44/operator-reports/2026-02', { as: 'sup44' });
    expect(feb.body).toEqual(
      (await h.call('GET', '/sites/44/operator-reports/2026-02', { as: 'admin' })).body,
    );
    expect(feb.body.importedBy).toBe('sup44');
  });

  it('stores nothing from a refused file', async () => {
    const before = await redis.hgetall(KEY);
    const bad = await post('month;number;calls;source\n2026-04;15;5;Orange\n2026-04;18;5;Orange');
    expect(bad.status).toBe(422);
    expect(await redis.hgetall(KEY)).toEqual(before);
    expect((await h.call('GET', '/sites/44/operator-reports/2026-04', { as: 'sup44' })).status).toBe(404);
  });

  it('reads with the same access as the rest, bad and unknown months named', async () => {
    expect((await h.call('GET', '/sites/44/operator-reports', { token: null })).status).toBe(401);
    expect((await h.call('GET', '/sites/44/operator-reports', { as: 'arm1' })).status).toBe(403);
    expect((await h.call('GET', '/sites/44/operator-reports', { as: 'sup85' })).status).toBe(403);
    expect((await h.call('GET', '/sites/44/operator-reports/2026-03', { as: 'sup85' })).status).toBe(403);
    const badMonth = await h.call('GET', '/sites/44/operator-reports/2026-13', { as: 'sup44' });
    expect(badMonth.status).toBe(400);
    expect(JSON.stringify(badMonth.body)).toContain('month must be YYYY-MM');
    const none = await h.call('GET', '/sites/44/operator-reports/2025-01', { as: 'sup44' });
    expect(none.status).toBe(404);
    expect(none.body.reason).toBe('no-such-operator-report');
    // Site 85 has its own (none).
    expect((await h.call('GET', '/sites/85/operator-reports', { as: 'sup85' })).body.months).toEqual([]);
  });

  it('are still there for another API process on the same Redis', async () => {
    const other = await startHarness({ redisUrl: inject('redisUrl') });
    try {
      const mine = await h.call('GET', '/sites/44/operator-reports', { as: 'sup44' });
      const theirs = await other.call('GET', '/sites/44/operator-reports', { as: 'sup44' });
      expect(theirs.status).toBe(200);
      expect(theirs.body).toEqual(mine.body);
      expect(theirs.body.months.map((m: { month: string }) => m.month)).toEqual(['2026-03', '2026-02']);
    } finally {
      await other.stop();
    }
  });
});
