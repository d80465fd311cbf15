// sim-pbx driven through the real ari-client: a caller held with music, an agent rung, answered and
// bridged, hang-ups with Asterisk 22's causes, abandon, ring timeout, unreachable endpoint.
import ari from 'ari-client';
import type { AriChannel, AriClient } from 'ari-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import type { SimPbx } from '../../../simulator/pbx/server.js';
import { EventLog, Phone, getJson, post, sleep, waitUntil } from './helpers.js';

let sim: SimPbx;
let client: AriClient;
let log: EventLog;
const phones: Phone[] = [];

beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
  client = await ari.connect(sim.ariUrl, 'asterisk', 'asterisk');
  log = new EventLog(client);
  await client.start('sasacd');
});

afterEach(async () => {
  client.stop();
  for (const p of phones.splice(0)) p.close();
  await sim.close();
});

async function injectCall(
  extra: Record<string, unknown> = {},
): Promise<{ callId: string; channelId: string }> {
  const r = await post(`${sim.url}/sim/calls`, {
    line: '15',
    callerNumber: '0612345678',
    callerName: 'Caller',
    ...extra,
  });
  expect(r.status).toBe(201);
  return { callId: String(r.body.callId), channelId: String(r.body.channelId) };
}

async function holdCaller(channelId: string) {
  const start = await log.waitFor(
    (e) => e.type === 'StasisStart' && e.channel?.id === channelId,
    'caller StasisStart',
  );
  expect(start.args).toEqual(['15']);
  expect(start.channel?.state).toBe('Ring');
  const caller = (await client.channels.get({ channelId })) as AriChannel;
  await caller.answer();
  const queue = client.Bridge();
  await queue.create({ type: 'holding', name: 'queue-15' });
  await queue.addChannel({ channel: channelId });
  await queue.startMoh({ mohClass: 'default' });
  await log.waitFor(
    (e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === channelId,
    'caller in queue',
  );
  return { caller, queue };
}

describe('sim-pbx through ari-client', () => {
  it('holds a caller, rings an agent, bridges them and hangs up with the right causes', async () => {
    const phone = await Phone.register(sim.endpointsWsUrl, 'PJSIP/arm-1', { context: 'from-agents' });
    phones.push(phone);
    const { callId, channelId } = await injectCall({ patienceSec: 60 });
    const { queue } = await holdCaller(channelId);
    const held = await client.bridges.get({ bridgeId: queue.id });
    expect(held.bridge_type).toBe('holding');
    expect(held.technology).toBe('holding_bridge');
    expect(held.channels).toEqual([channelId]); // the MOH announcer is not listed

    const agent = await client.channels.originate({
      endpoint: 'PJSIP/arm-1',
      app: 'sasacd',
      appArgs: 'agent,arm-1',
      callerId: '"SAMU 15" <15>',
      timeout: 20,
    });
    expect(agent.state).toBe('Down');
    expect(agent.dialplan.app_name).toBe('AppDial2');
    const legId = await phone.invited();
    expect(legId).toBe(agent.id);
    await log.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING', 'Dial RINGING');
    expect(log.events.some((e) => e.type === 'ChannelCreated')).toBe(false);
    expect(log.events.some((e) => e.type === 'StasisStart' && e.channel?.id === agent.id)).toBe(false);

    phone.answer(agent.id);
    const agentStart = await log.waitFor(
      (e) => e.type === 'StasisStart' && e.channel?.id === agent.id,
      'agent StasisStart',
    );
    expect(agentStart.args).toEqual(['agent', 'arm-1']);
    expect(agentStart.channel?.state).toBe('Up');
    expect(log.of(agent.id)).toEqual([
      'Dial:',
      'ChannelStateChange',
      'Dial:RINGING',
      'ChannelStateChange',
      'Dial:ANSWER',
      'ChannelVarset',
      'StasisStart',
    ]);

    const mixing = await client.bridges.create({ type: 'mixing', name: 'call-15' });
    await mixing.addChannel({ channel: channelId }); // an implicit move out of the holding bridge
    await mixing.addChannel({ channel: agent.id });
    await log.waitFor(
      (e) => e.type === 'ChannelConnectedLine' && e.channel?.id === channelId,
      'connected line',
    );
    const left = log.events.find((e) => e.type === 'ChannelLeftBridge' && e.channel?.id === channelId);
    expect(left?.bridge?.id).toBe(queue.id);
    const both = log.events.find((e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === agent.id);
    expect(both?.bridge?.channels).toEqual([channelId, agent.id]);
    expect(both?.bridge?.technology).toBe('simple_bridge');

    // the agent hangs up: ChannelDestroyed cause 16 for the originated leg
    phone.hangup(agent.id);
    const destroyed = await log.waitFor(
      (e) => e.type === 'ChannelDestroyed' && e.channel?.id === agent.id,
      'agent destroyed',
    );
    expect(destroyed.cause).toBe(16);
    expect(destroyed.cause_txt).toBe('Normal Clearing');
    const agentLeft = log.events.find((e) => e.type === 'ChannelLeftBridge' && e.channel?.id === agent.id);
    expect(agentLeft?.bridge?.technology).toBe('native_rtp');

    // the app hangs up the caller: cause 32 soft, StasisEnd, and no ChannelDestroyed
    await client.channels.hangup({ channelId });
    const hr = await log.waitFor(
      (e) => e.type === 'ChannelHangupRequest' && e.channel?.id === channelId,
      'caller hangup',
    );
    expect(hr.cause).toBe(32);
    expect(hr.soft).toBe(true);
    await log.waitFor((e) => e.type === 'StasisEnd' && e.channel?.id === channelId, 'caller StasisEnd');
    await mixing.destroy();
    await queue.destroy();
    await log.waitFor((e) => e.type === 'BridgeDestroyed', 'BridgeDestroyed');
    await sleep(30);
    expect(log.events.some((e) => e.type === 'ChannelDestroyed' && e.channel?.id === channelId)).toBe(false);
    // the caller moved out of queue-15: no BridgeDestroyed for it
    expect(log.events.filter((e) => e.type === 'BridgeDestroyed').map((e) => e.bridge?.name)).toEqual([
      'call-15',
    ]);

    const truth = (await getJson(`${sim.url}/sim/calls/${callId}`)).body as Record<string, unknown>;
    expect(truth.answeredBy).toBe('PJSIP/arm-1');
    expect(truth.endedBy).toBe('pbx');
    expect(truth.route).toBe('stasis');
  });

  it('abandon while held: StasisEnd and no ChannelDestroyed for the caller', async () => {
    // 2 s of patience: the caller must be held (answered, in the bridge) before it gives up; 0.2 s
    // ran out before the hold on a loaded machine.
    const { callId, channelId } = await injectCall({ patienceSec: 2 });
    const { queue } = await holdCaller(channelId);
    await log.waitFor((e) => e.type === 'StasisEnd' && e.channel?.id === channelId, 'StasisEnd on patience');
    expect(log.of(channelId).slice(-3)).toEqual(['ChannelHangupRequest', 'ChannelLeftBridge', 'StasisEnd']);
    const hr = log.events.find((e) => e.type === 'ChannelHangupRequest');
    expect(hr?.cause).toBeUndefined();
    const bridge = await client.bridges.get({ bridgeId: queue.id });
    expect(bridge.channels).toEqual([]);
    await queue.destroy();
    await log.waitFor((e) => e.type === 'BridgeDestroyed', 'BridgeDestroyed after an abandon inside');
    await sleep(20);
    expect(log.events.some((e) => e.type === 'ChannelDestroyed')).toBe(false);
    const truth = (await getJson(`${sim.url}/sim/calls/${callId}`)).body as Record<string, unknown>;
    expect(truth.endedBy).toBe('patience');
    expect(truth.answeredBy).toBeNull();
  });

  it('ring timeout: only ChannelDestroyed cause 19, then 404 on the gone leg', async () => {
    const phone = await Phone.register(sim.endpointsWsUrl, 'PJSIP/arm-2');
    phones.push(phone);
    const agent = await client.channels.originate({
      endpoint: 'PJSIP/arm-2',
      app: 'sasacd',
      appArgs: 'agent,arm-2',
      timeout: 1,
    });
    await phone.invited();
    const destroyed = await log.waitFor((e) => e.type === 'ChannelDestroyed', 'timeout');
    expect(destroyed.cause).toBe(19);
    expect(destroyed.tech_cause).toBe(480);
    expect(destroyed.channel?.state).toBe('Ringing');
    expect(log.of(agent.id)).toEqual(['Dial:', 'ChannelStateChange', 'Dial:RINGING', 'ChannelDestroyed']);
    await phone.waitFor((m) => m.type === 'cancelled', 'CANCEL to the phone');
    const gone = await getJson(`${sim.url}/ari/channels/${agent.id}`, {
      headers: { authorization: `Basic ${Buffer.from('asterisk:asterisk').toString('base64')}` },
    });
    expect(gone).toEqual({ status: 404, body: { message: 'Channel not found' } });
  });

  it('busy agent: 200, then Dial BUSY and cause 17', async () => {
    const phone = await Phone.register(sim.endpointsWsUrl, 'PJSIP/arm-busy', { autoRing: false });
    phones.push(phone);
    const agent = await client.channels.originate({ endpoint: 'PJSIP/arm-busy', app: 'sasacd', timeout: 10 });
    phone.reject(await phone.invited(), 486);
    const destroyed = await log.waitFor((e) => e.type === 'ChannelDestroyed', 'busy');
    expect(destroyed.cause).toBe(17);
    expect(log.of(agent.id)).toEqual(['Dial:', 'ChannelHangupRequest', 'Dial:BUSY', 'ChannelDestroyed']);
  });

  it('unreachable endpoint: synchronous 500 {"error":"Allocation failed"} and no event', async () => {
    const err = await client.channels.originate({ endpoint: 'PJSIP/arm-absent', app: 'sasacd' }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain('Allocation failed');
    const raw = await fetch(
      `${sim.url}/ari/channels?endpoint=PJSIP/nobody&app=sasacd&api_key=asterisk:asterisk`,
      {
        method: 'POST',
      },
    );
    expect(raw.status).toBe(500);
    expect(await raw.json()).toEqual({ error: 'Allocation failed' });
    await sleep(20);
    expect(log.events).toEqual([]);
  });

  it('without an app WebSocket, calls take the dialplan fallback; the reconnected client gets no replay', async () => {
    const { channelId } = await injectCall();
    await holdCaller(channelId);
    const before = log.events.length;
    const dropped = await post(`${sim.url}/sim/faults`, { dropAriWebSocket: true });
    expect(dropped.body.dropped).toBe(1);
    // at once: ari-client waits at least 100 ms before it reconnects
    const second = await injectCall();
    const truth = (await getJson(`${sim.url}/sim/calls/${second.callId}`)).body as Record<string, unknown>;
    expect(truth.route).toBe('fallback');
    expect(truth.answeredByPbxAtMs).not.toBeNull();

    await waitUntil(() => (sim.bus.isActive('sasacd') ? true : undefined), 'ari-client reconnecting', 5000);
    await sleep(30);
    expect(log.events.slice(before)).toEqual([]); // no replay, no StasisStart for the held caller
    const apps = await client.applications.list();
    expect(apps[0]?.channel_ids).toEqual([channelId]);
    const bridges = await client.bridges.list();
    expect(bridges.map((b) => b.channels)).toEqual([[channelId]]);
    await client.channels.hangup({ channelId });
    await log.waitFor(
      (e) => e.type === 'StasisEnd' && e.channel?.id === channelId,
      'StasisEnd after re-adoption',
    );
  });

  it('an ARI outage refuses the reconnections and REST for its length, then ari-client is back', async () => {
    const { channelId } = await injectCall();
    await holdCaller(channelId);
    const cut = await post(`${sim.url}/sim/faults`, { ariOutageMs: 1500 });
    expect(cut.body.dropped).toBe(1);
    // REST is cut too: the connection is reset (fetch here: ari-client's own REST layer,
    // swagger-client 2.0, never settles a request that gets no response at all).
    const auth = `Basic ${Buffer.from('asterisk:asterisk').toString('base64')}`;
    await expect(fetch(`${sim.url}/ari/channels`, { headers: { authorization: auth } })).rejects.toThrow();
    // ari-client retries after 100, 200, 400, 800 ms: refused until the outage ends
    await waitUntil(() => (sim.bus.refusedWhileDown >= 3 ? true : undefined), 'refusals', 5000);
    expect(sim.bus.isActive('sasacd')).toBe(false);
    await waitUntil(() => (sim.bus.isActive('sasacd') ? true : undefined), 'ari-client back', 15_000);
    expect((await getJson(`${sim.url}/sim/faults`)).body).toMatchObject({ ariOutageLeftMs: 0 });
    const apps = await client.applications.list();
    expect(apps[0]?.channel_ids).toEqual([channelId]); // the held caller is still there
  });

  it('fault switches: fail the next originate, delay events', async () => {
    const phone = await Phone.register(sim.endpointsWsUrl, 'PJSIP/arm-3');
    phones.push(phone);
    expect((await post(`${sim.url}/sim/faults`, { failNextOriginate: true })).status).toBe(200);
    await expect(client.channels.originate({ endpoint: 'PJSIP/arm-3', app: 'sasacd' })).rejects.toThrow(
      /Allocation failed/,
    );
    await post(`${sim.url}/sim/faults`, { eventDelayMs: 150 });
    const t0 = Date.now();
    await client.channels.originate({ endpoint: 'PJSIP/arm-3', app: 'sasacd' });
    await log.waitFor((e) => e.type === 'Dial', 'delayed Dial');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
