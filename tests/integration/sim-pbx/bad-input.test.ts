// Bad input to the trunk, fault and endpoint APIs gets a clear error and changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import type { SimPbx } from '../../../simulator/pbx/server.js';
import { Phone, getJson, post } from './helpers.js';
import type { Msg } from './helpers.js';

let sim: SimPbx;
beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
});
afterEach(async () => {
  await sim.close();
});

const calls = async () => ((await getJson(`${sim.url}/sim/calls`)).body as { calls: unknown[] }).calls;

describe('trunk API', () => {
  it.each([
    [{}, /line: /],
    [{ line: '' }, /line: must be a dialled number/],
    [{ line: '15', patienceSec: -3 }, /patienceSec: /],
    [{ line: '15', patienceSec: 'soon' }, /patienceSec: /],
    [{ line: '15', patiencePerWait: true }, /patiencePerWait needs patienceSec/],
    [{ line: '15', patienceSec: 5, patiencePerWait: 'yes' }, /patiencePerWait: /],
    [{ line: '15', colour: 'blue' }, /colour/],
    [{ line: '15', withheld: true, callerNumber: '0612' }, /withheld caller id cannot also carry/],
    [{ line: '15', endpoint: 'trunk' }, /endpoint: must look like PJSIP\/<trunk>/],
  ])('rejects %j', async (body, message) => {
    const r = await post(`${sim.url}/sim/calls`, body);
    expect(r.status).toBe(400);
    expect(String(r.body.error)).toMatch(message);
    expect(await calls()).toEqual([]);
    expect(sim.pbx.channels.size).toBe(0);
  });

  it('rejects malformed JSON', async () => {
    const res = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"line": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/malformed JSON body/);
    expect(await calls()).toEqual([]);
  });

  it('404 for an unknown call, 409 for one already ended', async () => {
    expect((await post(`${sim.url}/sim/calls/call-99/hangup`, {})).status).toBe(404);
    expect((await getJson(`${sim.url}/sim/calls/call-99`)).status).toBe(404);
    const made = await post(`${sim.url}/sim/calls`, { line: '15', withheld: true });
    expect(made.status).toBe(201);
    expect(made.body.route).toBe('fallback'); // no app connected
    expect(made.body.caller).toEqual({ name: 'Anonymous', number: 'anonymous', withheld: true });
    expect((await post(`${sim.url}/sim/calls/${String(made.body.callId)}/hangup`, {})).status).toBe(204);
    const again = await post(`${sim.url}/sim/calls/${String(made.body.callId)}/hangup`, {});
    expect(again.status).toBe(409);
    const truth = (await getJson(`${sim.url}/sim/calls/${String(made.body.callId)}`)).body as Record<
      string,
      unknown
    >;
    expect(truth.endedBy).toBe('caller');
  });

  it('fault switches refuse bad values and keep their state', async () => {
    const r = await post(`${sim.url}/sim/faults`, { eventDelayMs: -1, failNextOriginate: true });
    expect(r.status).toBe(400);
    expect(String(r.body.error)).toMatch(/eventDelayMs/);
    expect((await getJson(`${sim.url}/sim/faults`)).body).toEqual({
      eventDelayMs: 0,
      failNextOriginate: false,
      ariOutageLeftMs: 0,
      ariRefused: 0,
      ariStallsLeft: 0,
      ariStalled: [],
      ariWebSocketStalls: { left: 0, held: 0, closedByClient: 0 },
      ariWebSockets: 0,
    });
    const wsStall = await post(`${sim.url}/sim/faults`, { stallAriWebSockets: -1 });
    expect(wsStall.status).toBe(400);
    expect(String(wsStall.body.error)).toMatch(/stallAriWebSockets/);
    const stall = await post(`${sim.url}/sim/faults`, {
      stallAriRequests: { count: 1, path: '(', then: 'later' },
    });
    expect(stall.status).toBe(400);
    expect(String(stall.body.error)).toMatch(/stallAriRequests\.path: not a regular expression/);
    expect(String(stall.body.error)).toMatch(/stallAriRequests\.then/);
    expect((await getJson(`${sim.url}/sim/faults`)).body).toMatchObject({
      ariStallsLeft: 0,
      ariWebSocketStalls: { left: 0 },
    });
  });
});

describe('endpoint WebSocket', () => {
  const lastError = async (phone: Phone, n: number): Promise<Msg> =>
    phone.waitFor(
      (m) => m.type === 'error' && phone.messages.filter((x) => x.type === 'error').indexOf(m) === n,
      'error',
    );

  it('answers each bad message with an error and registers nothing', async () => {
    const phone = await Phone.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    const raw = (m: Record<string, unknown>) => phone.send(m);
    phone.sendRaw('hello');
    expect((await lastError(phone, 0)).message).toBe('message is not JSON');
    raw({ type: 'register', endpoint: 'arm-2' });
    expect(String((await lastError(phone, 1)).message)).toMatch(/endpoint: must look like PJSIP\/<name>/);
    raw({ type: 'dance', endpoint: 'PJSIP/arm-1' });
    expect(String((await lastError(phone, 2)).message)).toMatch(/type/);
    raw({ type: 'answer', endpoint: 'PJSIP/arm-1', channelId: 'nope' });
    expect(String((await lastError(phone, 3)).message)).toMatch(/no call nope on PJSIP\/arm-1/);
    raw({ type: 'answer', endpoint: 'PJSIP/arm-9', channelId: 'nope' });
    expect(String((await lastError(phone, 4)).message)).toMatch(
      /PJSIP\/arm-9 is not registered on this connection/,
    );
    expect([...sim.pbx.endpoints.keys()]).toEqual(['PJSIP/arm-1']);

    const other = await Phone.register(sim.endpointsWsUrl, 'PJSIP/arm-2');
    other.send({ type: 'register', endpoint: 'PJSIP/arm-1' });
    expect(String((await lastError(other, 0)).message)).toMatch(/already registered by another connection/);
    expect([...sim.pbx.endpoints.keys()].sort()).toEqual(['PJSIP/arm-1', 'PJSIP/arm-2']);
    phone.close();
    other.close();
  });
});
