/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Supervisor listen-in through the API (docs/supervision.md): only the room supervisor; bad input
// and states that do not allow it get a clear 4xx and change nothing; every start and end is in the
// audit log (GET /sites/{s}/listen-ins); a PBX that cannot listen in (FreeSWITCH) answers 501. The
// telephony side (snoop, whisper, barge, clean-up) is tests/integration/telephony/ari-listen-in.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
const site = () => h.runtimes.get('44')!;
const state = () => site().state;

async function liveCall(callId: string, agentId: string): Promise<void> {
  await site().dispatch({ type: 'agentLogin', agentId });
  await site().dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: '0611223344' });
  await site().dispatch({ type: 'answerOffer', callId, agentId }); // what telephony reports
  expect(state().data.calls[callId]!.parties.map((p) => p.agentId)).toEqual([agentId]);
}

describe('supervisor listen-in API', () => {
  it('a supervisor listens, whispers or barges; refusals are clear and change nothing; audited', async () => {
    const from = h.now();
    await liveCall('c1', 'arm-1');
    await liveCall('c2', 'arm-2');
    const before = JSON.stringify(state().data);
    const post = (callId: string, as: string, body: unknown) =>
      h.call('POST', `/sites/44/calls/${callId}/listen`, { as, body });

    // Who: an ARM, a doctor, an admin are refused (403); a supervisor of another site too.
    for (const as of ['arm1', 'mru1', 'admin'])
      expect((await post('c1', as, { mode: 'listen' })).status).toBe(403);
    const other = await post('c1', 'sup85', { mode: 'listen' });
    expect(other.status).toBe(403);
    expect(other.body.reason).toBe('site-forbidden');
    // What: a bad mode, an unknown field, an unknown call, an agent not on the call.
    const bad = await post('c1', 'sup44', { mode: 'spy' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.mode');
    expect((await post('c1', 'sup44', { mode: 'listen', volume: 11 })).status).toBe(400);
    expect((await post('c1', 'sup44', {})).status).toBe(400);
    const unknown = await post('nope', 'sup44', { mode: 'listen' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toMatch(/inconnu/);
    const notOn = await post('c1', 'sup44', { mode: 'listen', agentId: 'arm-2' });
    expect([notOn.status, notOn.body.reason]).toEqual([409, 'agent-not-on-call']);
    expect((await h.call('DELETE', '/sites/44/calls/c1/listen', { as: 'sup44' })).status).toBe(409);
    expect(JSON.stringify(state().data)).toBe(before);

    const r = await post('c1', 'sup44', { mode: 'whisper' });
    expect(r.status).toBe(201);
    expect(r.body.listeners).toEqual([
      { supervisorId: 'sup-1', agentId: 'arm-1', mode: 'whisper', since: expect.any(Number) },
    ]);
    expect(r.body.events.map((e: any) => e.type)).toEqual(['ListenStarted']);
    // The agent is told (the site's policy by default): its desk's call carries who listens.
    const desk = await h.call('GET', '/sites/44/agent', { as: 'arm1' });
    expect(desk.body.call.listeners).toEqual([
      expect.objectContaining({ supervisorId: 'sup-1', mode: 'whisper' }),
    ]);
    const listening = JSON.stringify(state().data);
    const again = await post('c1', 'sup44', { mode: 'barge' });
    expect([again.status, again.body.reason]).toEqual([409, 'already-listening']);
    expect(again.body.detail).toMatch(/écoutez déjà/);
    const busy = await post('c2', 'sup44', { mode: 'listen' });
    expect([busy.status, busy.body.reason]).toEqual([409, 'supervisor-busy']);
    expect(JSON.stringify(state().data)).toBe(listening);

    const stop = await h.call('DELETE', '/sites/44/calls/c1/listen', { as: 'sup44' });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ callId: 'c1', listeners: [] });
    expect(stop.body.events.map((e: any) => e.type)).toEqual(['ListenEnded']);

    // Barge on c2, then c2 ends: the listen-in ends with it; a late request says the call ended.
    expect((await post('c2', 'sup44', { mode: 'barge' })).status).toBe(201);
    await h.call('POST', '/sites/44/calls/c2/hangup', { as: 'arm2', body: {} });
    expect(state().data.calls.c2).toBeUndefined();
    const gone = await post('c2', 'sup44', { mode: 'listen' });
    expect([gone.status, gone.body.reason]).toEqual([410, 'call-ended']);
    expect((await h.call('DELETE', '/sites/44/calls/c2/listen', { as: 'sup44' })).status).toBe(410);

    // The audit log: who, which call, which agent, how, from when to when, why it ended.
    const audit = await h.call('GET', `/sites/44/listen-ins?from=${from}&to=${h.now() + 1000}`, {
      as: 'sup44',
    });
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        callId: 'c1',
        supervisorId: 'sup-1',
        agentId: 'arm-1',
        mode: 'whisper',
        reason: 'stopped',
      }),
      expect.objectContaining({
        callId: 'c2',
        supervisorId: 'sup-1',
        agentId: 'arm-2',
        mode: 'barge',
        reason: 'call-ended',
      }),
    ]);
    for (const e of audit.body.entries) expect(e.endedAt).toBeGreaterThanOrEqual(e.startedAt);
    expect(
      (await h.call('GET', `/sites/44/listen-ins?from=${from}&to=${h.now()}`, { as: 'admin' })).status,
    ).toBe(200);
    expect(
      (await h.call('GET', `/sites/44/listen-ins?from=${from}&to=${h.now()}`, { as: 'arm1' })).status,
    ).toBe(403);
    expect((await h.call('GET', `/sites/44/listen-ins?from=10&to=5`, { as: 'sup44' })).status).toBe(422);
    await h.call('POST', '/sites/44/calls/c1/hangup', { as: 'arm1', body: {} });
  });
});

describe('on a PBX that cannot listen in (FreeSWITCH)', () => {
  let fs: Harness;
  beforeAll(async () => {
    fs = await startHarness({ pbxCanListenIn: false });
  });
  afterAll(() => fs.stop());

  it('answers 501 and changes nothing', async () => {
    const s = fs.runtimes.get('44')!;
    await s.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await s.dispatch({ type: 'arriveCall', callId: 'f1', line: '15', callerNumber: '0611223344' });
    await s.dispatch({ type: 'answerOffer', callId: 'f1', agentId: 'arm-1' });
    const before = JSON.stringify(s.state.data);
    const r = await fs.call('POST', '/sites/44/calls/f1/listen', { as: 'sup44', body: { mode: 'listen' } });
    expect([r.status, r.body.reason]).toEqual([501, 'listen-not-supported']);
    expect(r.body.detail).toMatch(/FreeSWITCH/);
    expect(JSON.stringify(s.state.data)).toBe(before);
  });
});

describe('discreet listening (listenIn.showToAgent: false)', () => {
  let d: Harness;
  beforeAll(async () => {
    d = await startHarness();
    const s = d.runtimes.get('44')!;
    const config = { ...s.state.data.config, listenIn: { showToAgent: false } };
    expect((await s.dispatch({ type: 'replaceConfig', config })).ok).toBe(true);
  });
  afterAll(() => d.stop());

  it("the agent's views carry no listener; the supervisor's answer still shows it", async () => {
    const s = d.runtimes.get('44')!;
    await s.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await s.dispatch({ type: 'arriveCall', callId: 'd1', line: '15', callerNumber: '0611223344' });
    await s.dispatch({ type: 'answerOffer', callId: 'd1', agentId: 'arm-1' });
    const r = await d.call('POST', '/sites/44/calls/d1/listen', { as: 'sup44', body: { mode: 'listen' } });
    expect(r.status).toBe(201);
    expect(r.body.listeners).toHaveLength(1);
    const desk = await d.call('GET', '/sites/44/agent', { as: 'arm1' });
    expect(desk.body.call.id).toBe('d1');
    expect(desk.body.call).not.toHaveProperty('listeners');
    const call = await d.call('GET', '/sites/44/calls/d1', { as: 'arm1' });
    expect(call.body).not.toHaveProperty('listeners');
  });
});
