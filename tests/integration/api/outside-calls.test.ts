/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Click-to-dial through the API, from the panel and from the LRM: an outbound call placed by
// purpose (never an answered call), bad numbers refused with the field named and nothing changed,
// a busy agent refused; the agent hangs up and is free again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
