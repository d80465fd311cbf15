// A call received from a partner SAS keeps its origin (report P59–P60) and is never sent back to
// it: not by a wait or length overflow, an unstaffed rule, a line switch, nor a supervisor.
// A level asked by telephony that the line may not enter is its entry queue, the call kept.
/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
import { describe, expect, it } from 'vitest';
import { stasisOptions } from '../../../src/telephony/ari/stasis-args.js';
import { TestSite, exampleConfig } from './harness.js';

const redirected = (s: TestSite, callId: string) =>
  s.events('CallRedirected').filter((e) => e.callId === callId);

describe('a call received from a partner SAS', () => {
  it('never overflows back to it after a wait, while our own calls do', () => {
    // n2-mg overflows to partner 85 after 900 s (example site).
    const s = new TestSite();
    s.login('arm-1', 'mrg-1');
    for (const [id, origin] of [
      ['own', undefined],
      ['from85', '85'],
    ] as const) {
      s.call(id, '15', origin ? { originSite: origin } : {});
      s.advance(5); // arm-1 auto-answers
      s.ok({ type: 'qualifyCall', callId: id, agentId: 'arm-1', qualification: 'P2' });
      s.ok({ type: 'transferCall', callId: id, agentId: 'arm-1', to: 'n2-mg' });
      s.ok({ type: 'agentPause', agentId: 'mrg-1', reason: 'pause' });
      s.advance(6);
    }
    s.advance(1000);
    expect(redirected(s, 'own')).toHaveLength(1);
    expect(redirected(s, 'from85')).toEqual([]);
    expect(s.callState('from85')!.pending!.queueId).toBe('n2-mg');
  });

  it('is not redirected back by an unstaffed rule or a length overflow: it waits here', () => {
    const s = new TestSite(
      exampleConfig((c: Record<string, any>) => {
        c.queues[0].whenUnstaffed = { action: 'partner', partnerId: '85' };
      }),
    );
    s.call('own');
    s.call('from85', '15', { originSite: '85' });
    expect(redirected(s, 'own')).toHaveLength(1);
    expect(redirected(s, 'from85')).toEqual([]);
    expect(s.callState('from85')!.pending!.queueId).toBe('n1');
    const l = new TestSite(
      exampleConfig((c: Record<string, any>) => {
        c.queues[0].overflow.partner = { partnerId: '85', whenWaitingAtLeast: 1 };
      }),
    );
    l.call('first'); // nobody logged in: waits, the queue is now 1 long
    l.call('own');
    l.call('from85', '15', { originSite: '85' });
    expect(redirected(l, 'own')).toHaveLength(1);
    expect(redirected(l, 'from85')).toEqual([]);
  });

  it('is not switched back by a line switch (bascule), nor by a supervisor', () => {
    const s = new TestSite();
    s.ok({ type: 'switchLine', line: '15', partnerId: '85' });
    s.call('own');
    s.call('from85', '15', { originSite: '85' });
    expect(redirected(s, 'own')).toHaveLength(1);
    expect(redirected(s, 'from85')).toEqual([]);
    expect(s.try({ type: 'redirectCall', callId: 'from85', partnerId: '85' })).toMatchObject({
      ok: false,
      reason: 'back-to-origin',
    });
  });
});

describe('a level asked by telephony', () => {
  it('is the line entry queue when the line may not enter it (the call kept), refused otherwise', () => {
    const s = new TestSite();
    expect(s.try({ type: 'arriveCall', callId: 'a', line: '15', queue: 'n2-mg' })).toMatchObject({
      ok: false,
      reason: 'queue-not-allowed-for-line',
    });
    s.call('b', '15', { queue: 'n2-mg', orEntryQueue: true });
    expect(s.callState('b')!.pending!.queueId).toBe('n1');
    s.call('c', 'sdis', { queue: 'n2-mg', orEntryQueue: true });
    expect(s.callState('c')!.pending!.queueId).toBe('n2-mg');
  });

  it('is read from the Stasis arguments, anything else ignored', () => {
    expect(stasisOptions(['queue=n2-mg'])).toEqual({ queue: 'n2-mg', ignored: [] });
    expect(stasisOptions(['origin=85', ''])).toEqual({ originSite: '85', ignored: [] });
    expect(stasisOptions(['colour=red', 'queue=', '=x', 'queue=a b'])).toEqual({
      ignored: ['colour=red', 'queue=', '=x', 'queue=a b'],
    });
  });
});
