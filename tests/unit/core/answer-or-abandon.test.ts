// Answer or abandon: the bridge decides (docs/engine.md). The ARI adapter tells a first answer once
// the caller shares the bridge with the agent (src/telephony/ari/answer-on-bridge.ts), so a caller
// who hangs up between the agent's pick-up and the bridge reaches the engine before the answer.
// The engine's side of that contract: the hang-up is an abandon, counted once by the indicators and
// the call records, and the answer told after it is refused and changes nothing.
import { describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { createIndicators } from '../../../src/core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../../src/core/indicators/reducer.js';
import { allRecords, applyCdrEvent, createCdrBook } from '../../../src/core/indicators/cdr.js';
import { TestSite, exampleConfig } from './harness.js';

/** The example site with phones answered by hand: the harness reports no answer by itself. */
const byHand = () =>
  exampleConfig((c) => {
    for (const a of c.agents as { autoAnswer?: boolean }[]) a.autoAnswer = false;
  });

function counted(events: Event[]): { answered: number; abandoned: number } {
  const acc = createIndicators(exampleConfig());
  for (const e of events) applyIndicatorEvent(acc, e);
  const sum = { answered: 0, abandoned: 0 };
  for (const slot of acc.intervals.values())
    for (const fig of Object.values(slot)) {
      sum.answered += fig.calls.answered;
      sum.abandoned += fig.calls.abandoned;
    }
  return sum;
}

function record(events: Event[]) {
  const book = createCdrBook(exampleConfig());
  for (const e of events) applyCdrEvent(book, e);
  return allRecords(book).find((r) => r.callId === 'c1')!;
}

describe('a caller who hangs up between the agent picking up and the bridge', () => {
  it('told before the answer: an abandon, counted once; the late answer is refused', () => {
    const s = new TestSite(byHand());
    s.login('arm-1');
    s.call('c1');
    expect(s.state.data.calls.c1?.pending?.offer?.agentId).toBe('arm-1');
    s.ok({ type: 'callerHungUp', callId: 'c1' });
    const before = JSON.stringify(s.state);
    const late = s.try({ type: 'answerOffer', callId: 'c1', agentId: 'arm-1' });
    expect(late.ok).toBe(false);
    expect(!late.ok && late.reason).toBe('unknown-call');
    expect(JSON.stringify(s.state)).toBe(before);

    const ended = s.log.filter((e) => e.type === 'CallEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ outcome: 'abandoned', answered: false, by: 'caller' });
    expect(s.log.some((e) => e.type === 'CallConnected')).toBe(false);
    expect(counted(s.log)).toEqual({ answered: 0, abandoned: 1 });
    expect(record(s.log)).toMatchObject({ abandoned: true, firstAnsweredAt: null });
  });

  it('told after the answer (the caller was in the bridge with the agent): answered once, no abandon', () => {
    const s = new TestSite(byHand());
    s.login('arm-1');
    s.call('c1');
    s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-1' });
    s.ok({ type: 'callerHungUp', callId: 'c1' });
    expect(s.log.filter((e) => e.type === 'CallEnded')).toMatchObject([{ answered: true, by: 'caller' }]);
    expect(counted(s.log)).toEqual({ answered: 1, abandoned: 0 });
    expect(record(s.log).abandoned).toBe(false);
  });
});
