// The legs the ACD creates, from the engine's side: every agent leg is released when its part of
// the call ends, whoever ends it, and a lost agent leg never ends the call.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import { LEG_LOST_PAUSE_REASON } from '../../../src/core/rules/lost-leg.js';
import { TestSite, exampleConfig } from './harness.js';
import { indicate, valuesOf } from '../indicators/drive.js';

const releases = (effects: Effect[]) =>
  effects
    .filter((f) => f.type === 'releaseAgent' || f.type === 'cancelRing')
    .map((f) => `${f.type}:${(f as { agentId: string }).agentId}`)
    .sort();

/** arm-1 answers by itself; arm-5, arm-6 and mru-1 by hand, with no wrap-up. */
function site(): TestSite {
  return new TestSite(
    exampleConfig((c) => {
      for (const a of c.agents as { id: string; wrapUpSeconds?: number }[])
        if (a.id !== 'arm-1') a.wrapUpSeconds = 0;
    }),
  );
}

describe('every agent leg is released when its part of the call ends', () => {
  it('a caller hang-up releases every agent leg', () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    const r = s.ok({ type: 'callerHungUp', callId: 'c1' });
    expect(releases(r.effects)).toEqual(['releaseAgent:arm-1']);
    expect(r.effects.some((f) => f.type === 'hangUp')).toBe(false); // the caller is already gone
    expect(s.events('AgentLeftCall').at(-1)).toMatchObject({ agentId: 'arm-1', reason: 'caller-hangup' });
  });

  it('a caller hang-up releases the ARM and the doctor of a P0 conference', () => {
    const s = site();
    s.login('arm-1', 'mru-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    s.ok({ type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' });
    s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' });
    const r = s.ok({ type: 'callerHungUp', callId: 'c1' });
    expect(releases(r.effects)).toEqual(['releaseAgent:arm-1', 'releaseAgent:mru-1']);
    expect(s.agent('mru-1')).toMatchObject({ status: 'available', callId: null });
  });

  it('a caller hang-up cancels the ring of a doctor being brought in and releases the ARM', () => {
    const s = site();
    s.login('arm-1', 'mru-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    s.ok({ type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' });
    const r = s.ok({ type: 'callerHungUp', callId: 'c1' });
    expect(releases(r.effects)).toEqual(['cancelRing:mru-1', 'releaseAgent:arm-1']);
  });

  it('a caller hang-up during a warm transfer releases the agent who stayed and cancels the ring', () => {
    const s = site();
    s.login('arm-1', 'arm-5');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1', mode: 'warm' });
    const r = s.ok({ type: 'callerHungUp', callId: 'c1' });
    expect(releases(r.effects)).toEqual(['cancelRing:arm-5', 'releaseAgent:arm-1']);
  });

  it("an agent's hang-up releases its own leg and hangs up the caller", () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    const r = s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' });
    expect(releases(r.effects)).toEqual(['releaseAgent:arm-1']);
    expect(r.effects).toContainEqual({ type: 'hangUp', callId: 'c1', reason: 'normal' });
  });

  it('a dial-out ended by the called party releases the agent who placed it', () => {
    const s = site();
    s.login('arm-5');
    s.ok({ type: 'dialOut', callId: 'o1', agentId: 'arm-5', number: '0240000000', purpose: 'click-to-dial' });
    const r = s.ok({ type: 'callerHungUp', callId: 'o1' });
    expect(releases(r.effects)).toEqual(['releaseAgent:arm-5']);
    expect(s.agent('arm-5')).toMatchObject({ status: 'available', callId: null });
  });

  it('a dial-out placed from a call ends with it, whoever ends the call', () => {
    for (const end of ['caller', 'agent'] as const) {
      const s = site();
      s.login('arm-1');
      s.call('c1');
      s.ok({
        type: 'dialOut',
        callId: 'o1',
        agentId: 'arm-1',
        number: '0240000000',
        purpose: 'external-conference',
        parentCallId: 'c1',
      });
      const r = s.ok(
        end === 'caller'
          ? { type: 'callerHungUp', callId: 'c1' }
          : { type: 'hangUp', callId: 'c1', agentId: 'arm-1' },
      );
      expect(r.effects).toContainEqual({ type: 'hangUp', callId: 'o1', reason: 'normal' });
      expect(s.events('CallEnded').map((e) => e.callId)).toEqual(['c1', 'o1']);
      expect(s.state.data.calls).toEqual({});
    }
  });

  it('a dial-out that ends first leaves its call going on', () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    s.ok({
      type: 'dialOut',
      callId: 'o1',
      agentId: 'arm-1',
      number: '0240000000',
      purpose: 'external-conference',
      parentCallId: 'c1',
    });
    s.ok({ type: 'callerHungUp', callId: 'o1' });
    expect(s.callState('c1')!.dialOuts).toBeUndefined();
    const r = s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
  });
});

describe('a lost agent leg never ends the call', () => {
  it('a lost leg sends the caller back to the head of the queue of its step, qualification and DRM kept', () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1', name: 'Martin' });
    s.now += 1000;
    s.call('c2'); // arrives later, waits: arm-1 is busy
    const arrivedAt = s.callState('c1')!.arrivedAt;
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.map((e) => e.type)).toEqual(['AgentLeftCall', 'AgentPaused', 'CallQueued']);
    expect(r.events[0]).toMatchObject({ agentId: 'arm-1', reason: 'leg-lost' });
    expect(r.events[2]).toMatchObject({ queueId: 'n1', reason: 'leg-lost', kind: 'queue' });
    expect(r.effects).toContainEqual({ type: 'holdCaller', callId: 'c1', queueId: 'n1', music: 'default' });
    expect(r.effects.some((f) => f.type === 'hangUp')).toBe(false);
    expect(s.events('CallEnded')).toHaveLength(0);
    expect(s.agent('arm-1')).toMatchObject({ status: 'paused', pauseReason: LEG_LOST_PAUSE_REASON });
    const call = s.callState('c1')!;
    expect(call).toMatchObject({
      arrivedAt,
      qualification: 'P1',
      drm: { name: 'Martin', phone: '0611223344' },
    });
    // The next ARM gets the call whose leg dropped before the one that arrived after it.
    s.login('arm-2');
    expect(s.agent('arm-2').callId).toBe('c1');
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-2']);
    expect(
      s
        .events('CallConnected')
        .filter((e) => e.callId === 'c1')
        .map((e) => e.firstAnswer),
    ).toEqual([true, false]);
  });

  it('a lost leg on a P0 kept by the N1 ARM returns the call to the queue it is served in', () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.find((e) => e.type === 'CallQueued')).toMatchObject({ queueId: 'n2-amu' });
    expect(s.state.data.alarms['p0:c1']).toBeDefined(); // the P0 is still in progress
    expect(s.callState('c1')!.qualification).toBe('P0');
  });

  it('a lost leg in a conference leaves the others connected', () => {
    const s = site();
    s.login('arm-1', 'mru-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    s.ok({ type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' });
    s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' });
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'mru-1' });
    expect(r.events.map((e) => e.type)).toEqual(['AgentLeftCall', 'AgentPaused']);
    expect(r.effects).toEqual([{ type: 'releaseAgent', callId: 'c1', agentId: 'mru-1' }]);
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    // The ARM's phone drops too: now the caller is alone, and waits again.
    const r2 = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r2.events.find((e) => e.type === 'CallQueued')).toMatchObject({
      queueId: 'n2-amu',
      reason: 'leg-lost',
    });
    expect(s.events('CallEnded')).toHaveLength(0);
  });

  it('a lost leg during a warm transfer keeps the caller waiting in the target queue, held with music', () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P1' });
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1', mode: 'warm' });
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.map((e) => e.type)).toEqual(['AgentLeftCall', 'AgentPaused']);
    expect(r.effects).toContainEqual({
      type: 'holdCaller',
      callId: 'c1',
      queueId: 'n2-amu',
      music: 'default',
    });
    s.login('arm-5');
    const a = s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'arm-5' });
    expect(a.effects).toContainEqual({
      type: 'connectAgent',
      callId: 'c1',
      agentId: 'arm-5',
      conference: false,
    });
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-5']);
  });

  it('a lost leg while the doctor is being brought in: the doctor answers the caller alone, not a conference', () => {
    const s = site();
    s.login('arm-1', 'mru-1');
    s.call('c1');
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    s.ok({ type: 'bringInDoctor', callId: 'c1', agentId: 'arm-1' });
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r.effects).toContainEqual({
      type: 'holdCaller',
      callId: 'c1',
      queueId: 'reg-amu',
      music: 'default',
    });
    const a = s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'mru-1' });
    expect(a.effects).toContainEqual({
      type: 'connectAgent',
      callId: 'c1',
      agentId: 'mru-1',
      conference: false,
    });
  });

  it('a leg lost before its answer reached the engine is an unreachable offer', () => {
    const s = new TestSite(
      exampleConfig((c) => {
        for (const a of c.agents as { autoAnswer?: boolean }[]) a.autoAnswer = false;
      }),
    );
    s.login('arm-1');
    s.call('c1');
    const r = s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    expect(r.events.find((e) => e.type === 'CallOfferFailed')).toMatchObject({ reason: 'unreachable' });
    expect(s.agent('arm-1')).toMatchObject({ status: 'paused', pauseReason: 'injoignable' });
  });

  it('refuses a lost leg for an unknown call or an agent not on it, changing nothing', () => {
    const s = site();
    s.login('arm-1', 'arm-2');
    s.call('c1');
    const before = JSON.stringify(s.state.data);
    expect(s.try({ type: 'agentLegLost', callId: 'nope', agentId: 'arm-1' })).toMatchObject({
      ok: false,
      reason: 'unknown-call',
    });
    expect(s.try({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-2' })).toMatchObject({
      ok: false,
      reason: 'agent-not-on-call',
    });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });

  it('a call whose leg dropped is answered once and counted once, although answered again', () => {
    const s = site();
    s.login('arm-1');
    s.call('c1');
    s.advance(10);
    s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    s.advance(5);
    s.login('arm-2');
    s.advance(20);
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-2', qualification: 'DR' });
    s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-2' });
    expect(s.events('CallConnected').filter((e) => e.callId === 'c1')).toHaveLength(2);
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02');
    expect(v.sas).toMatchObject({
      'calls.arrived': 1,
      'calls.answered': 1,
      'calls.answeredWithin30s': 1,
      'calls.abandoned': 0,
      'files.dr': 1,
    });
    // One entry in n1, one answer there, with the first wait (0 s), not the return.
    expect(v.sas['queue.offered']).toEqual({ n1: 1 });
    expect(v.sas['queue.answered']).toEqual({ n1: 1 });
    // Talk time for both ARMs: 10 s, then 20 s.
    expect(v.sas['talk.meanS']).toEqual({ 'n1-arm': 15 });
  });
  it('a lost N1 leg hands the N1 orientation to the next ARM, timed from its answer', () => {
    const s = site();
    s.login('arm-1', 'arm-5');
    s.call('c1');
    s.advance(10);
    s.ok({ type: 'agentLegLost', callId: 'c1', agentId: 'arm-1' });
    s.login('arm-2');
    s.advance(20);
    s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-2', qualification: 'P1' });
    s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-2' });
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02');
    expect(v.sas['n1.oriented']).toBe(1);
    expect(v.sas['n1.byArm.orientationMeanS']).toEqual({ 'arm-2': 20 });
  });
});
