// Urgency in the queue order (annex 1: "P2 ... peut être mise en attente sans risque pour le
// patient"): P0 > P1 > P2 wherever they share a queue, then the line's priority, then the original
// arrival. Checked on the waiting list alone (any mix of keys) and through the engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Qualification } from '../../../src/core/model.js';
import { URGENCY, urgencyOf } from '../../../src/core/urgency.js';
import { WaitingList, type WaitingEntry } from '../../../src/core/waiting-list.js';
import { TestSite, exampleConfig } from './harness.js';

const manual = () =>
  exampleConfig((c) => {
    for (const a of c.agents as {
      autoAnswer?: boolean;
      wrapUpSeconds?: number;
      ringNoAnswerSeconds?: number;
    }[]) {
      a.autoAnswer = false;
      a.wrapUpSeconds = 0;
      a.ringNoAnswerSeconds = 0;
    }
  });

/** The order the rule states, written independently of the list's comparator. */
const byRule = (a: WaitingEntry, b: WaitingEntry) =>
  b.urgency - a.urgency || b.priority - a.priority || a.arrivedAt - b.arrivedAt || a.seq - b.seq;

const entry = fc.record({
  urgency: fc.constantFrom(URGENCY.P0, URGENCY.P1, URGENCY.P2),
  priority: fc.integer({ min: 0, max: 9 }),
  arrivedAt: fc.integer({ min: 0, max: 50 }),
});

describe('the waiting list order', () => {
  it('is urgency, then line priority, then original arrival, after any inserts and removals', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (keys, drops) => {
          const list = new WaitingList();
          const all = keys.map((k, i) => ({ ...k, callId: `c${i}`, seq: i }));
          for (const e of all) list.insert(e);
          const gone = new Set(drops.filter((d) => d < all.length).map((d) => `c${d}`));
          for (const e of all) if (gone.has(e.callId)) expect(list.remove(e)).toBe(true);
          const expected = all.filter((e) => !gone.has(e.callId)).sort(byRule);
          expect(list.entries.map((e) => e.callId)).toEqual(expected.map((e) => e.callId));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ranks P0 > P1 = not qualified > P2 > DR, and a call sent from MG to AMU as a P1 at least', () => {
    const u = (qualification: Qualification | null, reorientedToAmu = false) =>
      urgencyOf({ qualification, reorientedToAmu });
    expect(u('P0')).toBeGreaterThan(u('P1'));
    expect(u(null)).toBe(u('P1'));
    expect(u('P1')).toBeGreaterThan(u('P2'));
    expect(u('P2')).toBeGreaterThan(u('DR'));
    expect(u('P2', true)).toBe(u('P1'));
    expect(u('P0', true)).toBe(u('P0'));
  });
});

/**
 * Drives calls through N1 to the AMU doctors' queue with nobody there: a P1 via the N2 AMU ARM, a
 * P2 directly (no GP regulator logged in: routing.p2WithoutGpRegulator = reg-amu). Then one doctor
 * logs in and takes them one by one; returns the order.
 */
function doctorOrder(calls: { id: string; line: string; q: 'P1' | 'P2'; gapS: number }[]): string[] {
  const s = new TestSite(manual());
  s.login('arm-1', 'arm-5');
  for (const c of calls) {
    s.advance(c.gapS);
    s.call(c.id, c.line);
    s.ok({ type: 'answerOffer', callId: c.id, agentId: 'arm-1' });
    s.ok({ type: 'qualifyCall', callId: c.id, agentId: 'arm-1', qualification: c.q });
    s.ok({ type: 'transferCall', callId: c.id, agentId: 'arm-1' });
    if (c.q === 'P1') {
      s.ok({ type: 'answerOffer', callId: c.id, agentId: 'arm-5' });
      s.ok({ type: 'transferCall', callId: c.id, agentId: 'arm-5' }); // to reg-amu
    }
    expect(s.callState(c.id)!.pending!.queueId).toBe('reg-amu');
  }
  s.login('mru-1');
  const order: string[] = [];
  while (s.agent('mru-1').callId) {
    const id = s.agent('mru-1').callId!;
    order.push(id);
    s.ok({ type: 'answerOffer', callId: id, agentId: 'mru-1' });
    s.ok({ type: 'hangUp', callId: id, agentId: 'mru-1' });
  }
  return order;
}

describe('urgency through the engine', () => {
  it('offers the AMU doctor a P1 before a P2 that arrived earlier on a higher-priority line', () => {
    // p2 on the professionals' line (priority 5) at 10:00:00, p1 on the 15 (priority 1) at 10:00:30.
    const order = doctorOrder([
      { id: 'p2', line: 'pro', q: 'P2', gapS: 0 },
      { id: 'p1', line: '15', q: 'P1', gapS: 30 },
    ]);
    expect(order).toEqual(['p1', 'p2']);
  });

  it('serves any mix of P1 and P2 calls by urgency, then line priority, then arrival', () => {
    const lines = { '15': 1, '116117': 1, pro: 5, atsu: 3 } as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            line: fc.constantFrom(...(Object.keys(lines) as (keyof typeof lines)[])),
            q: fc.constantFrom('P1' as const, 'P2' as const),
            gapS: fc.integer({ min: 0, max: 20 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (specs) => {
          const calls = specs.map((c, i) => ({ ...c, id: `c${i}` }));
          const expected = calls
            .map((c, i) => ({ id: c.id, u: c.q === 'P1' ? 2 : 1, p: lines[c.line], i }))
            .sort((a, b) => b.u - a.u || b.p - a.p || a.i - b.i)
            .map((c) => c.id);
          expect(doctorOrder(calls)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lets a call sent from MG to AMU (the patient worsened) wait as a P1, ahead of a P2', () => {
    const s = new TestSite(manual());
    s.login('arm-1', 'osnp-1', 'mrg-1');
    s.call('early-p2', 'pro'); // will wait in reg-amu as a P2
    s.ok({ type: 'answerOffer', callId: 'early-p2', agentId: 'arm-1' });
    s.ok({ type: 'qualifyCall', callId: 'early-p2', agentId: 'arm-1', qualification: 'P2' });
    s.ok({ type: 'transferCall', callId: 'early-p2', agentId: 'arm-1', to: 'reg-amu' });
    s.advance(10);
    s.call('worse', '15');
    s.ok({ type: 'answerOffer', callId: 'worse', agentId: 'arm-1' });
    s.ok({ type: 'qualifyCall', callId: 'worse', agentId: 'arm-1', qualification: 'P2' });
    s.ok({ type: 'transferCall', callId: 'worse', agentId: 'arm-1' }); // to n2-mg: osnp-1
    s.ok({ type: 'answerOffer', callId: 'worse', agentId: 'osnp-1' });
    s.ok({ type: 'transferCall', callId: 'worse', agentId: 'osnp-1', to: 'reg-amu' }); // MG → AMU
    s.login('mru-1');
    expect(s.agent('mru-1').callId).toBe('worse');
  });
});
