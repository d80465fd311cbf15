// The operator's monthly report reconciled with the calls presented and answered (in-memory site
// of the API harness, its history): the gap per month and number; a bad file refused whole with
// every bad line named, and nothing changed; a desk's token refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command as EngineCommand } from '../../../src/core/commands.js';
import { startHarness, type Harness } from './harness.js';

describe("operator's monthly report", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const runtime = h.runtimes.get('44')!;
    const ok = async (c: EngineCommand) => {
      const r = await runtime.dispatch(c);
      if (!r.ok) throw new Error(`${c.type}: ${r.reason}`);
    };
    // March 2026 (the harness's clock): two calls on 15, one answered; one on 116117, abandoned.
    await ok({ type: 'agentLogin', agentId: 'arm-2' });
    await ok({ type: 'arriveCall', callId: 'o-a', line: '15', callerNumber: '0612345678' });
    await ok({ type: 'answerOffer', callId: 'o-a', agentId: 'arm-2' });
    await ok({ type: 'callerHungUp', callId: 'o-a' });
    await ok({ type: 'agentPause', agentId: 'arm-2', reason: 'formation' });
    await ok({ type: 'arriveCall', callId: 'o-b', line: '15', callerNumber: '0612345679' });
    await ok({ type: 'callerHungUp', callId: 'o-b' });
    await ok({ type: 'arriveCall', callId: 'o-c', line: '116117', callerNumber: '0612345670' });
    await ok({ type: 'callerHungUp', callId: 'o-c' });
  });
  afterAll(() => h.stop());

  it('shows per month and number the calls addressed, presented, answered and the gap', async () => {
    const csv = [
      'month;number;calls;source',
      '2026-03;15;5;Orange, relevé mensuel',
      '2026-03;116 117;1;Orange, relevé mensuel',
      '2026-02;15;7;Orange, relevé mensuel',
    ].join('\n');
    const res = await h.call('POST', '/sites/44/operator-report', { as: 'sup44', body: { csv } });
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([
      {
        month: '2026-03',
        number: '15',
        line: '15',
        calls: 5,
        source: 'Orange, relevé mensuel',
        presented: 2,
        answered: 1,
        gap: 3,
        gapShare: 0.6,
        answeredShare: 0.2,
      },
      expect.objectContaining({
        month: '2026-03',
        line: '116117',
        calls: 1,
        presented: 1,
        answered: 0,
        gap: 0,
      }),
      // A month the ACD did not see: everything is gap (and the history says what it misses).
      expect.objectContaining({ month: '2026-02', line: '15', calls: 7, presented: 0, gap: 7, gapShare: 1 }),
    ]);
  });

  it('refuses a bad file whole, naming every bad line, and changes nothing', async () => {
    const before = JSON.stringify(h.runtimes.get('44')!.state.data);
    const csv = [
      'month,number,calls,source',
      '2026-13,15,5,Orange',
      '2026-03,18,5,Orange',
      '2026-03,15,-1,Orange',
      '2026-03,15,4,',
      '2026-03,15,4,Orange',
      '2026-03,15,4,Orange',
    ].join('\n');
    const res = await h.call('POST', '/sites/44/operator-report', { as: 'sup44', body: { csv } });
    expect(res.status).toBe(422);
    const messages = (res.body.errors as { message: string }[]).map((e) => e.message);
    expect(messages).toEqual([
      'line 2: month must be YYYY-MM, got "2026-13"',
      'line 3: "18" is none of the site\'s lines (15, 116117, sdis, pro, atsu)',
      'line 4: calls must be a whole number, got "-1"',
      'line 5: source is required (where the figure comes from)',
      'line 7: a second figure for 15 in 2026-03',
    ]);
    const header = await h.call('POST', '/sites/44/operator-report', {
      as: 'sup44',
      body: { csv: 'mois;numero;appels\n2026-03;15;5' },
    });
    expect(header.status).toBe(422);
    expect(header.body.errors[0].message).toBe('line 1: the header must be month,number,calls,source');
    expect((await h.call('POST', '/sites/44/operator-report', { as: 'sup44', body: {} })).status).toBe(400);
    expect(JSON.stringify(h.runtimes.get('44')!.state.data)).toBe(before);
  });

  it('is for supervisors: a desk is refused (403)', async () => {
    const res = await h.call('POST', '/sites/44/operator-report', {
      as: 'arm1',
      body: { csv: 'month;number;calls;source\n2026-03;15;5;Orange' },
    });
    expect(res.status).toBe(403);
  });
});
