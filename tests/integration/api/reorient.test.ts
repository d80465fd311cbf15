// Reorientation through REST: from an N2 step to the other branch, the caller kept, MG → AMU with
// the reorientation priority; refused from N1 and towards the same branch, changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const state = () => h.runtimes.get('44')!.state;

describe('POST /sites/{s}/calls/{c}/reorient', () => {
  it('sends an MG call to the AMU at the reorientation priority; refuses from N1 and to the same branch', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm1' });
    const arrived = await h.runtimes
      .get('44')!
      .dispatch({ type: 'arriveCall', callId: 'r1', line: '15', callerNumber: null });
    expect(arrived.ok).toBe(true);
    expect((await h.call('POST', '/sites/44/calls/r1/answer', { as: 'arm1' })).status).toBe(200);
    await h.call('POST', '/sites/44/calls/r1/qualify', { as: 'arm1', body: { qualification: 'P2' } });

    const before = JSON.stringify(state().data.calls.r1);
    const fromN1 = await h.call('POST', '/sites/44/calls/r1/reorient', { as: 'arm1', body: { to: 'amu' } });
    expect(fromN1.status).toBe(409);
    expect(fromN1.body.reason).toBe('not-a-reorientation');
    expect(JSON.stringify(state().data.calls.r1)).toBe(before);

    // The OSNP first (longest idle gets the call), and a GP regulator on duty, else P2 goes to the
    // AMU doctors (routing.p2WithoutGpRegulator).
    await h.call('POST', '/sites/44/agent/login', { as: 'osnp1' });
    expect((await h.runtimes.get('44')!.dispatch({ type: 'agentLogin', agentId: 'mrg-1' })).ok).toBe(true);
    const transfer = await h.call('POST', '/sites/44/calls/r1/transfer', { as: 'arm1', body: {} });
    expect(transfer.status).toBe(200);
    expect(state().data.calls.r1!.pending?.queueId).toBe('n2-mg');
    const osnpAnswer = await h.call('POST', '/sites/44/calls/r1/answer', { as: 'osnp1' });
    expect(osnpAnswer.status, JSON.stringify(osnpAnswer.body) + JSON.stringify(state().data.calls.r1)).toBe(
      200,
    );

    const bad = await h.call('POST', '/sites/44/calls/r1/reorient', { as: 'osnp1', body: { to: 'samu' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.to');
    const same = await h.call('POST', '/sites/44/calls/r1/reorient', { as: 'osnp1', body: { to: 'mg' } });
    expect(same.status).toBe(409);
    const stranger = await h.call('POST', '/sites/44/calls/r1/reorient', { as: 'arm5', body: { to: 'amu' } });
    expect(stranger.status).toBe(403);

    const priorityBefore = state().data.calls.r1!.priority;
    const ok = await h.call('POST', '/sites/44/calls/r1/reorient', { as: 'osnp1', body: { to: 'amu' } });
    expect(ok.status).toBe(200);
    expect(ok.body.events.map((e: { type: string }) => e.type)).toContain('CallTransferred');
    const call = state().data.calls.r1!;
    expect(call.pending?.queueId).toBe('n2-amu');
    expect(call.priority).toBe(Math.max(priorityBefore, 8)); // routing.reorientationPriority of the example site
    expect(call.parties).toEqual([]); // blind by default: the OSNP left, the caller waits (not cut)
  });
});
