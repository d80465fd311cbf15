/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// The consultative outside transfer through the API (docs/lrm.md, docs/api.md): start, complete
// (transfer or three-way), cancel; every bad request (malformed, unknown call, not the agent's
// call, before the answer, none under way, the LRM's token) answers a clear 4xx and changes
// nothing; a PBX without it (FreeSWITCH) answers 501 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
const site = () => h.runtimes.get('44')!;
const state = () => site().state;

/** A call answered by arm-2 (logged in and ready). */
async function answeredCall(callId: string): Promise<void> {
  const s = site();
  await s.dispatch({ type: 'agentLogin', agentId: 'arm-2' }); // refused if logged in already
  await s.dispatch({ type: 'agentReady', agentId: 'arm-2' });
  await s.dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: '0611223344' });
  await s.dispatch({ type: 'answerOffer', callId, agentId: 'arm-2' });
  expect(state().data.calls[callId]!.parties.map((p) => p.agentId)).toEqual(['arm-2']);
}

const post = (path: string, as: string, body: unknown) =>
  h.call('POST', `/sites/44/agent/consult-outside${path}`, { as, body });

describe('consultative outside transfer (API)', () => {
  it('start, refusals that change nothing, complete: the caller handed over, the agent free', async () => {
    await answeredCall('cx1');
    const before = JSON.stringify(state().data);
    expect((await post('', 'arm2', { callId: 'cx1', number: 'pizza' })).status).toBe(400);
    expect((await post('', 'arm2', { number: '18' })).status).toBe(400);
    expect((await post('', 'arm2', { callId: 'cx1', number: '18', purpose: 'gossip' })).status).toBe(400);
    expect((await post('', 'arm2', { callId: 'nope', number: '18' })).status).toBe(404);
    expect((await post('', 'lrm44', { callId: 'cx1', number: '18' })).status).toBe(403);
    const notMine = await post('', 'arm1', { callId: 'cx1', number: '18' });
    expect([notMine.status, notMine.body.reason]).toEqual([409, 'agent-not-on-call']);
    const none = await post('/complete', 'arm2', { callId: 'cx1' });
    expect([none.status, none.body.reason]).toEqual([409, 'no-consultation']);
    expect((await post('/cancel', 'arm2', { callId: 'cx1' })).body.reason).toBe('no-consultation');
    expect(JSON.stringify(state().data)).toBe(before);

    const r = await post('', 'arm2', { callId: 'cx1', number: '18' });
    expect(r.status).toBe(201);
    const outId = r.body.call.id as string;
    expect(state().data.calls[outId]).toMatchObject({
      purpose: 'external-transfer',
      parentCallId: 'cx1',
      consultFrom: 'arm-2',
    });
    // The panel's view of the caller's call says a consultation is ringing.
    const view = await h.call('GET', '/sites/44/calls/cx1', { as: 'arm2' });
    expect(view.body.consultation).toMatchObject({ outCallId: outId, number: '18', answered: false });

    const mid = JSON.stringify(state().data);
    const early = await post('/complete', 'arm2', { callId: 'cx1' });
    expect([early.status, early.body.reason]).toEqual([409, 'consultation-not-answered']);
    expect(early.body.title ?? early.body.detail).toBeTruthy();
    const badMode = await post('/complete', 'arm2', { callId: 'cx1', mode: 'both' });
    expect(badMode.status).toBe(400);
    const twice = await post('', 'arm2', { callId: 'cx1', number: '115' });
    expect([twice.status, twice.body.reason]).toEqual([409, 'consultation-in-progress']);
    const blind = await h.call('POST', '/sites/44/agent/transfer-outside', {
      as: 'arm2',
      body: { callId: 'cx1', number: '115' },
    });
    expect([blind.status, blind.body.reason]).toEqual([409, 'consultation-in-progress']);
    const hang = await h.call('POST', '/sites/44/calls/cx1/hangup', { as: 'arm2', body: {} });
    expect([hang.status, hang.body.reason]).toEqual([409, 'consultation-in-progress']);
    expect(JSON.stringify(state().data)).toBe(mid);

    // What telephony reports when the number answers; then the agent hands over.
    expect((await site().dispatch({ type: 'outsideAnswered', callId: outId })).ok).toBe(true);
    expect((await h.call('GET', '/sites/44/calls/cx1', { as: 'arm2' })).body.consultation.answered).toBe(
      true,
    );
    const done = await post('/complete', 'arm2', { callId: 'cx1' });
    expect(done.status).toBe(200);
    expect(done.body.events.map((e: any) => e.type)).toContain('ConsultationCompleted');
    expect(done.body.call.parties).toEqual([]);
    expect(done.body.call.consultation).toBeUndefined();
    expect(state().data.agents['arm-2']!.status).not.toBe('on-call');
    await site().dispatch({ type: 'callerHungUp', callId: outId });
    expect(state().data.calls['cx1']).toBeUndefined();
  });

  it('cancel takes the caller back; three-way keeps all three', async () => {
    await answeredCall('cx2');
    const r = await post('', 'arm2', { callId: 'cx2', number: '0601020304' });
    expect(r.status).toBe(201);
    const back = await post('/cancel', 'arm2', { callId: 'cx2' });
    expect(back.status).toBe(200);
    expect(back.body.call.parties.map((p: any) => p.agentId)).toEqual(['arm-2']);
    expect(state().data.calls[r.body.call.id]).toBeUndefined();

    const again = await post('', 'arm2', { callId: 'cx2', number: '115' });
    expect(again.status).toBe(201);
    await site().dispatch({ type: 'outsideAnswered', callId: again.body.call.id });
    const three = await post('/complete', 'arm2', { callId: 'cx2', mode: 'conference' });
    expect(three.status).toBe(200);
    expect(three.body.call.parties.map((p: any) => p.agentId)).toEqual(['arm-2']);
    expect(state().data.calls[again.body.call.id]).toMatchObject({ parentCallId: 'cx2' });
    const end = await h.call('POST', '/sites/44/calls/cx2/hangup', { as: 'arm2', body: {} });
    expect(end.status).toBe(200);
    expect(state().data.calls['cx2']).toBeUndefined();
    expect(state().data.calls[again.body.call.id]).toBeUndefined();
  });

  it('answers 501 on a PBX adapter without it, and changes nothing', async () => {
    const fs = await startHarness({ pbxCanConsultOutside: false });
    try {
      const s = fs.runtimes.get('44')!;
      await fs.call('POST', '/sites/44/agent/login', { as: 'arm2' });
      await s.dispatch({ type: 'arriveCall', callId: 'cx3', line: '15', callerNumber: '0611223344' });
      await s.dispatch({ type: 'answerOffer', callId: 'cx3', agentId: 'arm-2' });
      const before = JSON.stringify(s.state.data);
      for (const path of ['', '/complete', '/cancel']) {
        const r = await fs.call('POST', `/sites/44/agent/consult-outside${path}`, {
          as: 'arm2',
          body: path ? { callId: 'cx3' } : { callId: 'cx3', number: '18' },
        });
        expect([r.status, r.body.reason]).toEqual([501, 'consult-outside-not-supported']);
      }
      expect(JSON.stringify(s.state.data)).toBe(before);
    } finally {
      await fs.stop();
    }
  });
});
