// The consultative outside transfer, engine side (docs/lrm.md, src/core/consultation.ts): the
// agent consults a number with the caller on hold, then hands the caller over, makes it a
// three-way call or takes the caller back; every way out leaves each call ended once, the agent in a
// defined state, and a caller never handed to the number without the agent's word.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import { LEG_LOST_PAUSE_REASON } from '../../../src/core/rules/lost-leg.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { indicate } from '../indicators/drive.js';
import { TestSite, exampleConfig } from './harness.js';

/** arm-1 answers by itself, no wrap-up. */
function site(): TestSite {
  return new TestSite(
    exampleConfig((c) => {
      for (const a of c.agents as { id: string; wrapUpSeconds?: number }[]) a.wrapUpSeconds = 0;
    }),
  );
}

/** c1 answered by arm-1, who consults the fire brigade (o1). */
function consulting(): TestSite {
  const s = site();
  s.login('arm-1');
  s.call('c1');
  expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
  const r = s.ok({
    type: 'dialOut',
    callId: 'o1',
    agentId: 'arm-1',
    number: '18',
    purpose: 'external-transfer',
    parentCallId: 'c1',
    consult: true,
  });
  expect(r.effects).toContainEqual(
    expect.objectContaining({ type: 'dialOut', callId: 'o1', parentCallId: 'c1', consult: true }),
  );
  expect(s.events('OutboundCallPlaced').at(-1)).toMatchObject({ consult: true, parentCallId: 'c1' });
  return s;
}

const consultationEffects = (effects: Effect[]) =>
  effects.filter((f) => f.type === 'consultation').map((f) => (f as { action: string }).action);

function endedOnce(s: TestSite, ...ids: string[]): void {
  for (const id of ids) expect(s.events('CallEnded').filter((e) => e.callId === id)).toHaveLength(1);
}

describe('consultative outside transfer (engine)', () => {
  it('complete: the number takes the caller once it answered, the agent is free, one outbound call counted', () => {
    const s = consulting();
    expect(s.try({ type: 'completeConsultation', callId: 'c1', agentId: 'arm-1' })).toMatchObject({
      ok: false,
      reason: 'consultation-not-answered',
    });
    const answered = s.ok({ type: 'outsideAnswered', callId: 'o1' });
    expect(answered.events.map((e) => e.type)).toEqual(['ConsultationAnswered']);
    // The caller stays with its agent (on hold) while they talk.
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect(s.ok({ type: 'outsideAnswered', callId: 'o1' }).events).toEqual([]); // told again: nothing
    const done = s.ok({ type: 'completeConsultation', callId: 'c1', agentId: 'arm-1' });
    expect(done.events.map((e) => e.type)).toEqual([
      'ConsultationCompleted',
      'AgentLeftCall',
      'AgentBecameAvailable',
    ]);
    expect(done.events[1]).toMatchObject({ reason: 'transfer', callId: 'c1' });
    expect(consultationEffects(done.effects)).toEqual(['complete']);
    expect(done.effects.map((f) => f.type)).toEqual(['consultation', 'releaseAgent']);
    expect(s.callState('o1')).toMatchObject({ handOverFrom: 'arm-1' });
    expect(s.callState('o1')!.consultFrom).toBeUndefined();
    expect(s.agent('arm-1').status).toBe('available');
    // From here it is a blind transfer after its answer: either side hanging up ends both, once.
    s.ok({ type: 'callerHungUp', callId: 'o1' });
    endedOnce(s, 'c1', 'o1');
    expect(s.events('OutboundCallPlaced')).toHaveLength(1);
    expect(s.events('CallConnected').filter((e) => e.firstAnswer)).toHaveLength(1);
    const acc = indicate(s.state.data.config, s.log); // the indicators take the new events
    expect(acc).toBeDefined();
  });

  it('conference: all three together, the agent stays, the outbound call a plain conference leg', () => {
    const s = consulting();
    s.ok({ type: 'outsideAnswered', callId: 'o1' });
    const r = s.ok({ type: 'completeConsultation', callId: 'c1', agentId: 'arm-1', mode: 'conference' });
    expect(r.events.map((e) => e.type)).toEqual(['ConsultationCompleted']);
    expect(consultationEffects(r.effects)).toEqual(['conference']);
    expect(s.callState('o1')!.handOverFrom).toBeUndefined();
    expect(s.callState('o1')!.consultFrom).toBeUndefined();
    expect(s.agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'c1' });
    s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' });
    endedOnce(s, 'c1', 'o1');
  });

  it('cancel: the number is hung up, the agent is back with the caller', () => {
    const s = consulting();
    s.ok({ type: 'outsideAnswered', callId: 'o1' });
    const r = s.ok({ type: 'cancelConsultation', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.map((e) => e.type)).toEqual(['ConsultationEnded', 'CallEnded']);
    expect(r.events[0]).toMatchObject({ reason: 'cancelled', outCallId: 'o1' });
    expect(r.effects).toEqual([
      { type: 'consultation', callId: 'c1', outCallId: 'o1', agentId: 'arm-1', action: 'resume' },
      { type: 'hangUp', callId: 'o1', reason: 'normal' },
    ]);
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect(s.callState('c1')!.dialOuts).toBeUndefined();
    expect(s.try({ type: 'cancelConsultation', callId: 'c1', agentId: 'arm-1' })).toMatchObject({
      reason: 'no-consultation',
    });
    // Another consultation may follow.
    s.ok({
      type: 'dialOut',
      callId: 'o2',
      agentId: 'arm-1',
      number: '115',
      purpose: 'external-transfer',
      parentCallId: 'c1',
      consult: true,
    });
  });

  it('the number busy, unanswered or hanging up: the agent is back with the caller (music stops)', () => {
    for (const answeredFirst of [false, true]) {
      const s = consulting();
      if (answeredFirst) s.ok({ type: 'outsideAnswered', callId: 'o1' });
      const r = s.ok({ type: 'callerHungUp', callId: 'o1' });
      expect(r.events[0]).toMatchObject({ type: 'ConsultationEnded', reason: 'outside-ended' });
      expect(consultationEffects(r.effects)).toEqual(['resume']);
      expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
      expect(s.agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'c1' });
      endedOnce(s, 'o1');
      expect(s.events('CallEnded').filter((e) => e.callId === 'c1')).toHaveLength(0);
    }
  });

  it('the caller hangs up: the call ends once, the agent goes on with the number as its own call', () => {
    const s = consulting();
    s.ok({ type: 'outsideAnswered', callId: 'o1' });
    const r = s.ok({ type: 'callerHungUp', callId: 'c1' });
    expect(r.events.map((e) => e.type)).toEqual(['AgentLeftCall', 'ConsultationKept', 'CallEnded']);
    // The leg is re-keyed before the release for the caller's call, which must not cut it.
    expect(r.effects.map((f) => f.type)).toEqual(['consultation', 'releaseAgent']);
    expect(consultationEffects(r.effects)).toEqual(['keep']);
    expect(s.agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'o1' });
    expect(s.callState('o1')).toMatchObject({ parties: [expect.objectContaining({ agentId: 'arm-1' })] });
    expect(s.callState('o1')!.parentCallId).toBeUndefined();
    endedOnce(s, 'c1');
    // Not offered a new call while still talking to the number.
    s.call('c2');
    expect(s.callState('c2')!.pending).not.toBeNull();
    s.ok({ type: 'hangUp', callId: 'o1', agentId: 'arm-1' });
    endedOnce(s, 'o1');
    expect(s.callState('c2')!.parties.map((p) => p.agentId)).toEqual(['arm-1']); // free: served next
  });

  it("the agent's phone drops: the number is hung up, the caller back in its queue, never handed over", () => {
    const s = consulting();
    s.ok({ type: 'outsideAnswered', callId: 'o1' });
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.map((e) => e.type)).toEqual([
      'ConsultationEnded',
      'CallEnded',
      'AgentLeftCall',
      'AgentPaused',
      'CallQueued',
    ]);
    expect(r.events[0]).toMatchObject({ reason: 'leg-lost' });
    expect(consultationEffects(r.effects)).toEqual(['drop']);
    expect(r.effects).toContainEqual({ type: 'hangUp', callId: 'o1', reason: 'normal' });
    expect(r.effects.some((f) => f.type === 'holdCaller' && f.callId === 'c1')).toBe(true);
    expect(s.callState('c1')!.pending).not.toBeNull();
    expect(s.agent('arm-1')).toMatchObject({ status: 'paused', pauseReason: LEG_LOST_PAUSE_REASON });
    endedOnce(s, 'o1');
  });

  it('refusals change nothing', () => {
    const s = consulting();
    const before = JSON.stringify(s.state.data);
    const refused = [
      [{ type: 'completeConsultation', callId: 'c1', agentId: 'arm-1' }, 'consultation-not-answered'],
      [
        { type: 'completeConsultation', callId: 'c1', agentId: 'arm-1', mode: 'both' },
        'bad-consultation-mode',
      ],
      [{ type: 'completeConsultation', callId: 'nope', agentId: 'arm-1' }, 'unknown-call'],
      [{ type: 'cancelConsultation', callId: 'c1', agentId: 'arm-2' }, 'agent-not-on-call'],
      [{ type: 'hangUp', callId: 'c1', agentId: 'arm-1' }, 'consultation-in-progress'],
      [{ type: 'transferCall', callId: 'c1', agentId: 'arm-1' }, 'consultation-in-progress'],
      [{ type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' }, 'consultation-in-progress'],
      [
        {
          type: 'dialOut',
          callId: 'o2',
          agentId: 'arm-1',
          number: '15',
          purpose: 'external-transfer',
          parentCallId: 'c1',
          consult: true,
        },
        'consultation-in-progress',
      ],
      [
        {
          type: 'dialOut',
          callId: 'o3',
          agentId: 'arm-1',
          number: '15',
          purpose: 'external-transfer',
          parentCallId: 'c1',
          handOver: true,
        },
        'consultation-in-progress',
      ],
    ] as const;
    for (const [cmd, reason] of refused)
      expect(s.try(cmd as never), JSON.stringify(cmd)).toMatchObject({ ok: false, reason });
    expect(JSON.stringify(s.state.data)).toBe(before);
    const fresh = site();
    fresh.login('arm-1');
    fresh.call('c9');
    const base = { type: 'dialOut', agentId: 'arm-1', number: '18', purpose: 'external-transfer' } as const;
    expect(fresh.try({ ...base, callId: 'o9', consult: true })).toMatchObject({
      reason: 'no-call-to-transfer',
    });
    expect(
      fresh.try({ ...base, callId: 'o9', parentCallId: 'c9', consult: true, handOver: true }),
    ).toMatchObject({ reason: 'bad-command' });
    expect(fresh.try({ type: 'completeConsultation', callId: 'c9', agentId: 'arm-1' })).toMatchObject({
      reason: 'no-consultation',
    });
  });

  it('the plan a take-over reads names the consulting agent on the outbound call', () => {
    const s = consulting();
    const plans = telephonyPlan(s.state, s.now);
    expect(plans.find((p) => p.callId === 'o1')).toMatchObject({ parentCallId: 'c1', consultFrom: 'arm-1' });
    expect(plans.find((p) => p.callId === 'c1')).toMatchObject({ agents: ['arm-1'], hold: null });
  });
});
