// Rules of the 15 that live in the core since the shell issue: each test is named after its rule
// (docs/engine.md, "The rules of the 15, where they live").
import { describe, expect, it } from 'vitest';
import { exampleConfig, TestSite } from './harness.js';

function atN2Mg(s: TestSite) {
  s.login('arm-1', 'osnp-1', 'mrg-1', 'arm-5');
  s.call('c1');
  s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P2' });
  s.ok({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' });
  s.ok({ type: 'answerOffer', callId: 'c1', agentId: 'osnp-1' });
}

describe('reorientation', () => {
  it('MG→AMU reorientation keeps the arrival: the call goes to the AMU N2 queue at the reorientation priority', () => {
    const s = new TestSite();
    atN2Mg(s);
    const arrivedAt = s.callState('c1')!.arrivedAt;
    s.advance(30);
    const r = s.ok({ type: 'reorientCall', callId: 'c1', agentId: 'osnp-1', to: 'amu' });
    expect(r.events[0]).toMatchObject({
      type: 'CallTransferred',
      toQueueId: 'n2-amu',
      reorientation: 'mg-to-amu',
    });
    expect(r.events.find((e) => e.type === 'CallQueued')).toMatchObject({
      reason: 'reorientation',
      priority: 8,
    });
    expect(s.callState('c1')!.arrivedAt).toBe(arrivedAt);
  });

  it('reorientation goes from an N2 step to the other branch only: refused from N1 and towards the same branch, nothing changed', () => {
    const s = new TestSite();
    atN2Mg(s);
    const before = JSON.stringify(s.state.data);
    expect(s.try({ type: 'reorientCall', callId: 'c1', agentId: 'osnp-1', to: 'mg' })).toMatchObject({
      ok: false,
      reason: 'not-a-reorientation',
    });
    s.call('c2');
    const n1 = s.try({ type: 'reorientCall', callId: 'c2', agentId: 'arm-1', to: 'amu' });
    expect(n1.ok).toBe(false);
    expect(JSON.stringify(s.state.data.calls.c1)).toBe(JSON.stringify(JSON.parse(before).calls.c1));
  });
});

describe('P0 and the doctor', () => {
  it('P0 keeps the call and brings the doctor in at once when the site policy is "at-once"', () => {
    const s = new TestSite(
      exampleConfig((c) => ((c.routing as Record<string, unknown>).p0Doctor = 'at-once')),
    );
    s.login('arm-1', 'mru-1');
    s.call('c1');
    const q = s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    expect(q.events.map((e) => e.type)).toContain('CallKept');
    expect(q.events.find((e) => e.type === 'CallQueued')).toMatchObject({
      queueId: 'reg-amu',
      kind: 'conference',
    });
    expect(s.callState('c1')!.pending?.offer?.agentId).toBe('mru-1');
  });

  it('P0 keeps the call and waits for the doctor key when the site policy is "on-key" (the default)', () => {
    const s = new TestSite();
    s.login('arm-1', 'mru-1');
    s.call('c1');
    const q = s.ok({ type: 'qualifyCall', callId: 'c1', agentId: 'arm-1', qualification: 'P0' });
    expect(q.events.some((e) => e.type === 'CallQueued')).toBe(false);
    expect(s.callState('c1')!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
  });
});
