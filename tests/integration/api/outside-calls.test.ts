/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Click-to-dial through the API, from the panel and from the LRM: an outbound call placed by
// purpose (never an answered call), bad numbers refused with the field named and nothing changed,
// a busy agent refused; the agent hangs up and is free again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRef } from '../../../src/lrm/call-ref.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
const state = () => h.runtimes.get('44')!.state;

describe('click-to-dial', () => {
  it('from the panel: placed, counted as outbound, the agent hangs up and is free', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    const before = JSON.stringify(state().data);
    const bad = await h.call('POST', '/sites/44/agent/dial', { as: 'arm2', body: { number: 'pizza' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.number');
    const badPurpose = await h.call('POST', '/sites/44/agent/dial', {
      as: 'arm2',
      body: { number: '0601020304', purpose: 'gossip' },
    });
    expect(badPurpose.status).toBe(400);
    expect(JSON.stringify(state().data)).toBe(before);

    const r = await h.call('POST', '/sites/44/agent/dial', {
      as: 'arm2',
      body: { number: '06 01 02 03 04' },
    });
    expect(r.status).toBe(201);
    expect(r.body.call).toMatchObject({ direction: 'outbound', callerNumber: '0601020304' });
    expect(r.body.events.map((e: any) => e.type)).toEqual(['OutboundCallPlaced']);
    expect(state().data.agents['arm-2']).toMatchObject({ status: 'on-call', callId: r.body.call.id });
    // On a call already: a second dial alone is refused, nothing changes.
    const again = await h.call('POST', '/sites/44/agent/dial', {
      as: 'arm2',
      body: { number: '0601020304' },
    });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('agent-busy');
    const end = await h.call('POST', `/sites/44/calls/${r.body.call.id}/hangup`, { as: 'arm2', body: {} });
    expect(end.status).toBe(200);
    expect(state().data.agents['arm-2']!.status).not.toBe('on-call');
    expect(end.body.events.map((e: any) => e.type)).not.toContain('CallConnected');
  });

  it('from the LRM, for a named agent; refused for an unknown agent', async () => {
    const unknown = await h.call('POST', '/sites/44/lrm/dial', {
      as: 'lrm44',
      body: { agentId: 'nobody', number: '0601020304' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.reason).toBe('unknown-agent');
    await h.call('POST', '/sites/44/agent/ready', { as: 'arm2' });
    const r = await h.call('POST', '/sites/44/lrm/dial', {
      as: 'lrm44',
      body: { agentId: 'arm-2', number: '+33 6 01 02 03 04', purpose: 'callback' },
    });
    expect(r.status).toBe(201);
    expect(r.body.callRef).toMatch(/^SAS44-/);
    expect(state().data.calls[r.body.call.id]).toMatchObject({
      purpose: 'callback',
      callerNumber: '+33601020304',
    });
    const end = await h.call('POST', `/sites/44/lrm/calls/${r.body.callRef}/end`, { as: 'lrm44', body: {} });
    expect(end.status).toBe(200);
    expect(end.body.call).toBeNull();
  });
});

describe('outside transfer in one command (POST /sites/{s}/agent/transfer-outside)', () => {
  it('placed from the call with the agent handing over; refusals are clear and change nothing', async () => {
    const s = h.runtimes.get('44')!;
    await s.dispatch({ type: 'agentLogin', agentId: 'arm-2' }); // refused if logged in already
    await s.dispatch({ type: 'agentReady', agentId: 'arm-2' });
    await s.dispatch({ type: 'arriveCall', callId: 'tx1', line: '15', callerNumber: '0611223344' });
    await s.dispatch({ type: 'answerOffer', callId: 'tx1', agentId: 'arm-2' });
    const post = (as: string, body: unknown) =>
      h.call('POST', '/sites/44/agent/transfer-outside', { as, body });
    const before = JSON.stringify(state().data);
    expect((await post('arm2', { callId: 'tx1', number: 'pizza' })).status).toBe(400);
    expect((await post('arm2', { number: '18' })).status).toBe(400);
    expect((await post('arm2', { callId: 'nope', number: '18' })).status).toBe(404);
    expect((await post('lrm44', { callId: 'tx1', number: '18' })).status).toBe(403);
    const notMine = await post('arm1', { callId: 'tx1', number: '18' });
    expect(notMine.status).toBe(409);
    expect(notMine.body.reason).toBe('agent-not-on-call');
    expect(JSON.stringify(state().data)).toBe(before);

    const r = await post('arm2', { callId: 'tx1', number: '18' });
    expect(r.status).toBe(201);
    expect(r.body.call).toMatchObject({ direction: 'outbound', callerNumber: '18' });
    expect(state().data.calls[r.body.call.id]).toMatchObject({
      purpose: 'external-transfer',
      parentCallId: 'tx1',
      handOverFrom: 'arm-2',
    });
    // Until the number answers, the agent stays with the caller; a second transfer is refused.
    expect(state().data.calls['tx1']!.parties.map((p) => p.agentId)).toEqual(['arm-2']);
    const again = await post('arm2', { callId: 'tx1', number: '115' });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('transfer-in-progress');
    // What telephony reports when the number answers: the agent leaves the caller to it.
    expect((await s.dispatch({ type: 'outsideAnswered', callId: r.body.call.id })).ok).toBe(true);
    expect(state().data.calls['tx1']!.parties).toEqual([]);
    expect(state().data.agents['arm-2']!.status).not.toBe('on-call');
    // The number hangs up: the caller, alone, is hung up; the call ends once.
    await s.dispatch({ type: 'callerHungUp', callId: r.body.call.id });
    expect(state().data.calls['tx1']).toBeUndefined();
  });

  it('from the LRM: /lrm/dial with fromCallRef and transfer', async () => {
    const s = h.runtimes.get('44')!;
    await s.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await s.dispatch({ type: 'agentReady', agentId: 'arm-1' });
    await s.dispatch({ type: 'arriveCall', callId: 'tx3', line: '15', callerNumber: '0611223355' });
    await s.dispatch({ type: 'answerOffer', callId: 'tx3', agentId: 'arm-1' });
    expect(state().data.calls['tx3']!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    const r = await h.call('POST', '/sites/44/lrm/dial', {
      as: 'lrm44',
      body: { agentId: 'arm-1', number: '115', fromCallRef: callRef('44', 'tx3'), transfer: true },
    });
    expect(r.status).toBe(201);
    expect(state().data.calls[r.body.call.id]).toMatchObject({
      purpose: 'external-transfer',
      parentCallId: 'tx3',
      handOverFrom: 'arm-1',
    });
  });

  it('cancelled while it rings (POST .../transfer-outside/cancel): the caller back with the agent; refusals clear', async () => {
    // The LRM's transfer of tx3 above still rings (nothing answered it).
    const cancel = (as: string, body: unknown) =>
      h.call('POST', '/sites/44/agent/transfer-outside/cancel', { as, body });
    const out = state().data.calls['tx3']!.dialOuts![0]!;
    const before = JSON.stringify(state().data);
    expect((await cancel('arm1', {})).status).toBe(400);
    expect((await cancel('arm1', { callId: 'nope' })).status).toBe(404);
    expect((await cancel('lrm44', { callId: 'tx3' })).status).toBe(403);
    const notMine = await cancel('arm2', { callId: 'tx3' });
    expect(notMine.status).toBe(409);
    expect(notMine.body.reason).toBe('agent-not-on-call');
    expect(JSON.stringify(state().data)).toBe(before);

    const r = await cancel('arm1', { callId: 'tx3' });
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: any) => e.type)).toEqual(['OutsideTransferCancelled', 'CallEnded']);
    expect(r.body.call).toMatchObject({ id: 'tx3' });
    expect(state().data.calls[out]).toBeUndefined();
    expect(state().data.calls['tx3']!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect(state().data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: 'tx3' });

    const again = await cancel('arm1', { callId: 'tx3' });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('no-transfer-ringing');
    expect(again.body.detail).toContain('no outside transfer of call tx3 is ringing');
    expect((await h.call('POST', '/sites/44/calls/tx3/hangup', { as: 'arm1', body: {} })).status).toBe(200);
  });

  it('answers 501 on a PBX that cannot bridge an outside leg (FreeSWITCH), and changes nothing', async () => {
    const fs = await startHarness({ pbxCanBridgeOutside: false });
    try {
      const s = fs.runtimes.get('44')!;
      await fs.call('POST', '/sites/44/agent/login', { as: 'arm2' });
      await s.dispatch({ type: 'arriveCall', callId: 'tx2', line: '15', callerNumber: '0611223344' });
      await s.dispatch({ type: 'answerOffer', callId: 'tx2', agentId: 'arm-2' });
      const before = JSON.stringify(s.state.data);
      const r = await fs.call('POST', '/sites/44/agent/transfer-outside', {
        as: 'arm2',
        body: { callId: 'tx2', number: '18' },
      });
      expect(r.status).toBe(501);
      expect(r.body.reason).toBe('outside-transfer-not-supported');
      const lrm = await fs.call('POST', '/sites/44/lrm/dial', {
        as: 'lrm44',
        body: { agentId: 'arm-2', number: '18', fromCallRef: callRef('44', 'tx2'), transfer: true },
      });
      expect(lrm.status).toBe(501);
      expect(JSON.stringify(s.state.data)).toBe(before);
    } finally {
      await fs.stop();
    }
  });
});
