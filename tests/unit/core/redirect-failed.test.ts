// A partner SAS that does not take a caller (the REFER refused): the caller comes back as a new
// arrival, into the queue it was sent from, and is never sent to that partner again (a switched line
// or a length overflow would otherwise send it back at once, for ever).
/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import { TestSite, exampleConfig } from './harness.js';

type Redirect = Extract<Effect, { type: 'redirectToPartner' }>;
const redirects = (effects: readonly Effect[]) =>
  effects.filter((e): e is Redirect => e.type === 'redirectToPartner');

/** What the PBX adapter reports for a refused redirect: the caller back under a new id. */
const refused = (s: TestSite, r: Redirect, callId = `${r.callId}_r1`) =>
  s.ok({
    type: 'redirectFailed',
    callId,
    redirectedCallId: r.callId,
    partnerId: r.partnerId,
    line: '15',
    callerNumber: '0611223344',
    callerName: null,
    queue: r.queueId ?? null,
  });

describe('a redirect the partner SAS refused', () => {
  it('brings a caller overflowed after its wait back into the queue it waited in, for good', () => {
    // n2-mg overflows to partner 85 after 900 s (example site).
    const s = new TestSite();
    s.login('arm-1', 'mrg-1');
    s.call('c1');
    s.advance(5); // arm-1 auto-answers
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P2' });
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1', to: 'n2-mg' });
    s.ok({ type: 'agentPause', agentId: 'mrg-1', reason: 'pause' });
    const effects: Effect[] = [];
    const target = s.now + 901_000;
    while (s.now < target) {
      s.now += 1000;
      effects.push(...s.ok({ type: 'timerFired' }).effects);
    }
    const [r] = redirects(effects);
    expect(r).toMatchObject({ callId: 'c1', partnerId: '85', queueId: 'n2-mg' });
    expect(s.callState('c1')).toBeUndefined(); // ended here as 'redirected'

    const back = refused(s, r!);
    expect(back.events[0]).toMatchObject({
      type: 'CallArrived',
      callId: 'c1_r1',
      returnedFrom: { partnerId: '85', callId: 'c1' },
    });
    expect(s.callState('c1_r1')!.pending!.queueId).toBe('n2-mg');
    expect(back.effects).toContainEqual(expect.objectContaining({ type: 'holdCaller', callId: 'c1_r1' }));
    s.advance(2000);
    expect(s.events('CallRedirected').filter((e) => e.callId === 'c1_r1')).toEqual([]);
    expect(s.callState('c1_r1')!.pending!.queueId).toBe('n2-mg');
    // The next agent free is offered it.
    s.ok({ type: 'agentReady', agentId: 'mrg-1' });
    expect(s.events('CallOffered').filter((e) => e.callId === 'c1_r1')).toMatchObject([{ agentId: 'mrg-1' }]);
  });

  it('keeps a caller of a switched line here, while the line still sends new callers to the partner', () => {
    const s = new TestSite();
    s.ok({ type: 'switchLine', line: '15', partnerId: '85' });
    const [r] = redirects(s.call('a').effects);
    expect(r).toMatchObject({ callId: 'a', partnerId: '85' });
    expect(r!.queueId).toBeUndefined();
    refused(s, r!);
    expect(s.callState('a_r1')!.pending!.queueId).toBe('n1'); // the line's entry queue
    expect(redirects(s.call('b').effects)).toHaveLength(1); // the switch holds for others
  });

  it('keeps a caller here that an unstaffed rule or a length overflow sent away', () => {
    const s = new TestSite(
      exampleConfig((c: Record<string, any>) => {
        c.queues[0].whenUnstaffed = { action: 'partner', partnerId: '85' };
      }),
    );
    const [r] = redirects(s.call('a').effects);
    expect(r).toMatchObject({ partnerId: '85', queueId: 'n1' });
    const back = refused(s, r!);
    expect(redirects(back.effects)).toEqual([]);
    expect(s.callState('a_r1')!.pending!.queueId).toBe('n1');
  });

  it('is refused without the redirected call, for a call still here, or for a known new id', () => {
    const s = new TestSite();
    s.call('here');
    const base = { type: 'redirectFailed', partnerId: '85', line: '15' } as const;
    expect(s.try({ ...base, callId: 'x', redirectedCallId: '' })).toMatchObject({
      ok: false,
      reason: 'bad-call-id',
    });
    expect(s.try({ ...base, callId: 'x', redirectedCallId: 'here' })).toMatchObject({
      ok: false,
      reason: 'duplicate-call',
    });
    expect(s.try({ ...base, callId: 'here', redirectedCallId: 'gone' })).toMatchObject({
      ok: false,
      reason: 'duplicate-call',
    });
    expect(s.callState('x')).toBeUndefined();
  });

  it('never loops: every caller a partner refuses stays here, sent to it at most once (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0.5, 1),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        (share, refusals) => {
          const s = new TestSite();
          s.ok({ type: 'switchLine', line: '15', partnerId: '85', share });
          let sent = 0;
          for (const [i, refuses] of refusals.entries()) {
            const queue = redirects(s.call(`c${i}`).effects);
            for (const r of queue) {
              sent += 1;
              if (!refuses) continue;
              const back = refused(s, r);
              // Back here, waiting, and not sent anywhere again.
              expect(redirects(back.effects)).toEqual([]);
              expect(s.callState(`${r.callId}_r1`)!.pending).not.toBeNull();
            }
          }
          const sentTwice = s.events('CallRedirected').filter((e) => e.callId.endsWith('_r1')).length;
          expect(sentTwice).toBe(0);
          expect(sent).toBeLessThanOrEqual(refusals.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
