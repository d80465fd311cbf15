// The agent's desk and the call path through REST: log in, be offered a call, answer, qualify,
// transfer, bring in the doctor, hang up with a disposition; who may act on which call; engine
// refusals as 409/422 problems that change nothing; the callback worklist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let n = 0;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const arrive = async (extra: Record<string, unknown> = {}) => {
  const callId = `c-${++n}`;
  const r = await h.runtimes.get('44')!.dispatch({
    type: 'arriveCall',
    callId,
    line: '15',
    callerNumber: '0612345678',
    callerName: 'Jeanne Dupont',
    ...extra,
  });
  expect(r.ok).toBe(true);
  return callId;
};
const state = () => h.runtimes.get('44')!.state;

describe('agent desk', () => {
  it('logs in, pauses with a reason, becomes ready, shows its desk, logs out', async () => {
    const login = await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    expect(login.status).toBe(200);
    expect(login.body.agent).toMatchObject({ id: 'arm-2', status: 'available' });
    expect(login.body.events.map((e: { type: string }) => e.type)).toContain('AgentLoggedIn');

    const again = await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      reason: 'already-logged-in',
      type: 'urn:sas-acd:problem:already-logged-in',
    });

    const noReason = await h.call('POST', '/sites/44/agent/pause', { as: 'arm2', body: { reason: '  ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('body.reason');
    expect(state().data.agents['arm-2']!.status).toBe('available');

    const pause = await h.call('POST', '/sites/44/agent/pause', {
      as: 'arm2',
      body: { reason: 'formation' },
    });
    expect(pause.body.agent).toMatchObject({ status: 'paused', pauseReason: 'formation' });
    const ready = await h.call('POST', '/sites/44/agent/ready', { as: 'arm2' });
    expect(ready.body.agent.status).toBe('available');

    const desk = await h.call('GET', '/sites/44/agent', { as: 'arm2' });
    expect(desk.status).toBe(200);
    expect(desk.body).toMatchObject({
      agent: { id: 'arm-2' },
      call: null,
      stats: { answered: 0, date: '2026-03-02' },
    });

    const out = await h.call('POST', '/sites/44/agent/logout', { as: 'arm2' });
    expect(out.body.agent.status).toBe('logged-out');
  });

  it("refuses without a token (401), outside the user's sites (403), for a user with no agent (403)", async () => {
    expect((await h.call('POST', '/sites/44/agent/login')).status).toBe(401);
    const other = await h.call('POST', '/sites/85/agent/login', { as: 'arm1' });
    expect(other.status).toBe(403);
    expect(other.body.reason).toBe('site-forbidden');
    const admin = await h.call('GET', '/sites/44/agent', { as: 'admin' });
    expect(admin.status).toBe(403);
    expect(admin.body.reason).toBe('role-forbidden');
    const sup85 = await h.call('GET', '/sites/85/agent', { as: 'sup85' });
    expect(sup85.status).toBe(403);
    expect(sup85.body.reason).toBe('no-agent');
  });
});

describe('the call path', () => {
  it('answer, qualify P1, transfer to N2 AMU, doctor conference, hang up with a disposition', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm1' });
    const callId = await arrive();
    expect(state().data.calls[callId]!.pending?.offer?.agentId).toBe('arm-1');

    // Only the agent it is offered to answers it.
    const stranger = await h.call('POST', `/sites/44/calls/${callId}/answer`, { as: 'arm5' });
    expect(stranger.status).toBe(403);
    expect(stranger.body.reason).toBe('not-your-call');
    const answer = await h.call('POST', `/sites/44/calls/${callId}/answer`, { as: 'arm1' });
    expect(answer.status).toBe(200);
    expect(answer.body.call.parties).toEqual([expect.objectContaining({ agentId: 'arm-1', queueId: 'n1' })]);
    expect(answer.body.call.callerNumber).toBe('0612345678');

    // The desk shows the call; another agent cannot see it.
    expect((await h.call('GET', '/sites/44/agent', { as: 'arm1' })).body.call.id).toBe(callId);
    expect((await h.call('GET', `/sites/44/calls/${callId}`, { as: 'arm1' })).status).toBe(200);
    expect((await h.call('GET', `/sites/44/calls/${callId}`, { as: 'arm5' })).status).toBe(403);
    expect((await h.call('GET', `/sites/44/calls/${callId}`, { as: 'sup44' })).status).toBe(200);
    expect((await h.call('GET', `/sites/44/calls/nope`, { as: 'sup44' })).status).toBe(404);

    // Transfer before qualification: refused by the engine (409), nothing changes.
    const before = JSON.stringify(state().data.calls[callId]);
    const early = await h.call('POST', `/sites/44/calls/${callId}/transfer`, { as: 'arm1', body: {} });
    expect(early.status).toBe(409);
    expect(early.body.reason).toBe('not-qualified');
    expect(early.body.detail).toMatch(/Qualifiez.*qualify/);
    expect(JSON.stringify(state().data.calls[callId])).toBe(before);

    // Validation names the field; an agent acting on another agent's call is refused.
    const bad = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'arm1',
      body: { qualification: 'P9' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.qualification']);
    const badPhone = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'arm1',
      body: { qualification: 'P1', phone: 'call me' },
    });
    expect(badPhone.body.errors[0].field).toBe('body.phone');
    const notMine = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'arm5',
      body: { qualification: 'P1' },
    });
    expect(notMine.status).toBe(403);
    expect(notMine.body.reason).toBe('not-your-call');
    const impersonate = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'arm5',
      body: { qualification: 'P1', agentId: 'arm-1' },
    });
    expect(impersonate.status).toBe(403);
    expect(JSON.stringify(state().data.calls[callId])).toBe(before);

    const q = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'arm1',
      body: { qualification: 'P1', name: 'Jeanne Dupont', phone: '06 12 34 56 78' },
    });
    expect(q.status).toBe(200);
    expect(q.body.call).toMatchObject({
      qualification: 'P1',
      drm: { name: 'Jeanne Dupont', phone: '06 12 34 56 78' },
    });

    // An unknown target queue is refused as invalid (422).
    const unknown = await h.call('POST', `/sites/44/calls/${callId}/transfer`, {
      as: 'arm1',
      body: { to: 'nowhere' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.reason).toBe('unknown-queue');

    await h.call('POST', '/sites/44/agent/login', { as: 'arm5' });
    const t = await h.call('POST', `/sites/44/calls/${callId}/transfer`, {
      as: 'arm1',
      body: { mode: 'blind' },
    });
    expect(t.status).toBe(200);
    expect(t.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['CallTransferred', 'CallQueued']),
    );
    // arm-1 has left the call: it may no longer act on it.
    expect((await h.call('POST', `/sites/44/calls/${callId}/hangup`, { as: 'arm1', body: {} })).status).toBe(
      403,
    );

    // N2 AMU ARM (no auto-answer) answers through REST, brings in the doctor.
    expect(state().data.calls[callId]!.pending?.offer?.agentId).toBe('arm-5');
    expect((await h.call('POST', `/sites/44/calls/${callId}/answer`, { as: 'arm5' })).status).toBe(200);
    await h.call('POST', '/sites/44/agent/login', { as: 'mru1' });
    const doc = await h.call('POST', `/sites/44/calls/${callId}/doctor`, { as: 'arm5', body: {} });
    expect(doc.status).toBe(200);
    expect(doc.body.call.waiting).toMatchObject({
      queueId: 'reg-amu',
      kind: 'conference',
      offeredTo: 'mru-1',
    });
    expect((await h.call('POST', `/sites/44/calls/${callId}/answer`, { as: 'mru1' })).status).toBe(200);

    // Two agents on the call: a supervisor must say for whom it acts.
    const who = await h.call('POST', `/sites/44/calls/${callId}/hangup`, { as: 'sup44', body: {} });
    expect(who.status).toBe(403);
    expect(who.body.reason).toBe('agent-required');
    const leave = await h.call('POST', `/sites/44/calls/${callId}/hangup`, {
      as: 'sup44',
      body: { agentId: 'arm-5' },
    });
    expect(leave.status).toBe(200);
    expect(leave.body.call.parties.map((p: { agentId: string }) => p.agentId)).toEqual(['mru-1']);

    const badDisposition = await h.call('POST', `/sites/44/calls/${callId}/hangup`, {
      as: 'mru1',
      body: { disposition: 'lunch' },
    });
    expect(badDisposition.status).toBe(422);
    expect(badDisposition.body.reason).toBe('unknown-disposition');
    const end = await h.call('POST', `/sites/44/calls/${callId}/hangup`, {
      as: 'mru1',
      body: { disposition: 'envoi-moyens' },
    });
    expect(end.status).toBe(200);
    expect(end.body.call).toBeNull();
    expect(end.body.events.map((e: { type: string }) => e.type)).toContain('CallEnded');

    const stats = await h.call('GET', '/sites/44/agent', { as: 'arm1' });
    expect(stats.body.stats).toMatchObject({ answered: 1, qualified: 1, transferred: 1 });
    expect(stats.body.stats.talkSeconds).toBeGreaterThanOrEqual(0);
    for (const u of ['arm5', 'mru1']) await h.call('POST', '/sites/44/agent/logout', { as: u });
  });

  it('a supervisor of the site acts on the call of its only agent; a supervisor of another site may not', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    const callId = await arrive();
    // arm-1 is in wrap-up after the previous call: arm-2 gets this one.
    expect(state().data.calls[callId]!.pending?.offer?.agentId).toBe('arm-2');
    h.runtimes.get('44')!.dispatch({ type: 'answerOffer', callId, agentId: 'arm-2' });
    const other = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'sup85',
      body: { qualification: 'DR' },
    });
    expect(other.status).toBe(403);
    expect(other.body.reason).toBe('site-forbidden');
    const q = await h.call('POST', `/sites/44/calls/${callId}/qualify`, {
      as: 'sup44',
      body: { qualification: 'DR' },
    });
    expect(q.status).toBe(200);
    const dr = await h.call('POST', `/sites/44/calls/${callId}/transfer`, { as: 'arm2', body: {} });
    expect(dr.status).toBe(422);
    expect(dr.body.reason).toBe('dr-not-transferred');
    const end = await h.call('POST', `/sites/44/calls/${callId}/hangup`, {
      as: 'arm2',
      body: { disposition: 'autre' },
    });
    expect(end.status).toBe(200);
  });
});

describe('callbacks', () => {
  it('a waiting MG caller accepts a callback; an agent claims it once and completes it', async () => {
    const callId = await arrive({ line: 'sdis', queue: 'n2-mg' });
    expect(state().data.calls[callId]!.pending?.queueId).toBe('n2-mg');
    expect(
      (await h.call('POST', `/sites/44/calls/${callId}/callback`, { as: 'arm1', body: {} })).status,
    ).toBe(403);
    const accept = await h.call('POST', `/sites/44/calls/${callId}/callback`, { as: 'sup44', body: {} });
    expect(accept.status).toBe(200);
    expect(accept.body.call).toBeNull();

    const list = await h.call('GET', '/sites/44/callbacks?status=open', { as: 'osnp1' });
    expect(list.status).toBe(200);
    const task = list.body.tasks.find((t: { callId: string }) => t.callId === callId);
    expect(task).toMatchObject({ queueId: 'n2-mg', claimedBy: null });
    // An ARM may not claim an MG (OSNP) task: it does not see it, nor the caller's number.
    const armList = await h.call('GET', '/sites/44/callbacks', { as: 'arm1' });
    expect(armList.status).toBe(200);
    expect(armList.body.tasks.map((t: { id: string }) => t.id)).not.toContain(task.id);
    const supList = await h.call('GET', '/sites/44/callbacks', { as: 'sup44' });
    expect(supList.body.tasks.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(
      (await h.call('GET', '/sites/44/callbacks?status=later', { as: 'osnp1' })).body.errors[0].field,
    ).toBe('query.status');

    // Claiming needs the agent logged in (engine: 409), then works once.
    const early = await h.call('POST', `/sites/44/callbacks/${task.id}/claim`, { as: 'osnp1', body: {} });
    expect(early.status).toBe(409);
    await h.call('POST', '/sites/44/agent/login', { as: 'osnp1' });
    await h.call('POST', '/sites/44/agent/pause', { as: 'osnp1', body: { reason: 'rappels' } });
    const claim = await h.call('POST', `/sites/44/callbacks/${task.id}/claim`, { as: 'osnp1', body: {} });
    expect(claim.status).toBe(200);
    expect(claim.body.task.claimedBy).toBe('osnp-1');
    const arm = await h.call('POST', `/sites/44/callbacks/${task.id}/complete`, {
      as: 'arm1',
      body: { outcome: 'rappelé' },
    });
    expect(arm.status).toBe(409);
    expect(arm.body.reason).toBe('task-not-claimed-by-agent');
    expect(
      (await h.call('POST', `/sites/44/callbacks/${task.id}/complete`, { as: 'osnp1', body: {} })).status,
    ).toBe(400);
    const done = await h.call('POST', `/sites/44/callbacks/${task.id}/complete`, {
      as: 'osnp1',
      body: { outcome: 'rappelé' },
    });
    expect(done.status).toBe(200);
    expect(
      (await h.call('POST', `/sites/44/callbacks/${task.id}/claim`, { as: 'osnp1', body: {} })).status,
    ).toBe(404);
  });
});
