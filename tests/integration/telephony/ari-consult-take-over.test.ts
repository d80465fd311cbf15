// A consultative outside transfer across a take-over of the PBX (fail-over: the old leader dies
// without a goodbye, a new adapter connects and re-adopts from the engine's plan), through the real
// ari-client against sim-pbx. The caller waits on music in its call's bridge, the agent and the
// number talk in the outbound call's bridge: the new leader keeps both as they are (nothing hung
// up, re-queued, re-bridged or doubled, and the periodic reconciliation finds nothing to heal),
// then completes or cancels through them. The number answering after the take-over, or while
// nobody held the PBX, joins the agent, never the caller. Nothing is left on the PBX at the end.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { findDrift } from '../../../src/telephony/ari/reconcile.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { ariAdapter, startAriSite, untilWithin } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

const until = untilWithin(20_000); // generous: the machine is shared

let sim: SimPbx;
let adapter: AriAdapter;
let site: SiteShell;
let events: Event[];
let pbxDown = false;
const phones: PhoneClient[] = [];
const config = exampleConfig();

function newAdapter(): AriAdapter {
  return ariAdapter(sim, {
    endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
    outboundEndpoint: (n) => `PJSIP/ext-${n}`,
  });
}

beforeEach(async () => {
  pbxDown = false;
  sim = await startSimPbx({ port: 0 });
  adapter = newAdapter();
  ({ site, events } = await startAriSite(adapter, {
    config,
    effects: (f) => (pbxDown ? Promise.resolve() : adapter.execute(f)),
  }));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await adapter.stop();
  await site.stop();
  await sim.close();
});

async function phone(endpoint: string, answerAfterMs: number | null = 0): Promise<PhoneClient> {
  const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${endpoint}`);
  if (answerAfterMs !== null) p.autoAnswer(answerAfterMs);
  phones.push(p);
  return p;
}

const ari = (path: string, method = 'GET') =>
  fetch(`${sim.ariUrl}/ari/${path}${path.includes('?') ? '&' : '?'}api_key=${sim.user}:${sim.password}`, {
    method,
  });
async function members(name: string): Promise<string[]> {
  const bridges = (await (await ari('bridges')).json()) as { name: string; channels: string[] }[];
  return (bridges.find((b) => b.name === name)?.channels ?? []).slice().sort();
}

async function connectedCall(): Promise<{ simId: string; channelId: string }> {
  const r = await fetch(`${sim.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
  });
  const call = (await r.json()) as { callId: string; channelId: string };
  await until(() => site.state.data.calls[call.channelId]?.parties.length, 'the caller and arm-1 connected');
  return { simId: call.callId, channelId: call.channelId };
}

/** The old leader dies (no goodbye to the PBX); returns how the new one re-adopts. */
async function takeOver() {
  await adapter.stop();
  pbxDown = true;
  return async () => {
    adapter = newAdapter();
    await adapter.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
    pbxDown = false;
    return adapter.adopt(telephonyPlan(site.state, Date.now()));
  };
}

const count = (type: Event['type'], callId?: string) =>
  events.filter((e) => e.type === type && (callId === undefined || ('callId' in e && e.callId === callId)))
    .length;

const consult = (parent: string, id: string, number: string) =>
  site.dispatch({
    type: 'dialOut',
    callId: id,
    agentId: 'arm-1',
    number,
    purpose: 'external-transfer',
    parentCallId: parent,
    consult: true,
  });

/** The agent's leg on the call (the invite its phone got). */
const legOf = async (mine: PhoneClient) =>
  String((await until(() => mine.messages.find((m) => m.type === 'invite'), "arm-1's phone rang")).channelId);

const noDrift = async () => [
  ...findDrift(telephonyPlan(site.state, Date.now()), await adapter.listPbx(), sim.app, () => false).keys(),
];

const musicOn = (name: string) => [...sim.pbx.bridges.values()].find((b) => b.name === name)?.moh ?? null;

describe('consultative outside transfer across a take-over (ARI, sim-pbx)', () => {
  it('mid-consultation: the new leader keeps the caller on music and the agent with the number; complete then works', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0118000000');
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { channelId } = await connectedCall();
    const leg = await legOf(mine);
    expect((await consult(channelId, 'out-k1', '0118000000')).ok).toBe(true);
    const pair = [leg, 'out-k1'].sort().join();
    await until(async () => (await members('call-out-k1')).join() === pair, 'agent and number bridged');
    await until(() => site.state.data.calls['out-k1']?.consultAnsweredAt !== undefined, 'answer told');

    const adopt = await takeOver();
    const report = await adopt();
    expect(report).toMatchObject({ arrived: 0, gone: 0, strays: 0, rejoined: 0, held: 0 });
    expect(await noDrift()).toEqual([]);
    expect(await members(`call-${channelId}`)).toEqual([channelId]);
    expect(await members('call-out-k1')).toEqual([leg, 'out-k1'].sort());
    expect(musicOn(`call-${channelId}`)).toBe('default');
    expect(count('CallArrived')).toBe(1);
    expect(count('OutboundCallPlaced')).toBe(1);
    expect(count('CallEnded')).toBe(0);

    expect(
      (await site.dispatch({ type: 'completeConsultation', callId: channelId, agentId: 'arm-1' })).ok,
    ).toBe(true);
    const handed = [channelId, 'out-k1'].sort().join();
    await until(
      async () => (await members(`call-${channelId}`)).join() === handed,
      'caller and number bridged',
    );
    await until(() => musicOn(`call-${channelId}`) === null, 'the music stopped');
    await until(() => site.state.data.agents['arm-1']!.status !== 'on-call', 'arm-1 released');
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rang');
    far.hangup(String(invite.channelId));
    await until(() => !site.state.data.calls[channelId] && !site.state.data.calls['out-k1'], 'both ended');
    expect([count('CallEnded', channelId), count('CallEnded', 'out-k1')]).toEqual([1, 1]);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('ringing at the take-over: its answer joins the agent, not the caller; cancel takes the caller back', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0601010101', null);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, channelId } = await connectedCall();
    const leg = await legOf(mine);
    expect((await consult(channelId, 'out-k2', '0601010101')).ok).toBe(true);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');
    await until(async () => (await members('call-out-k2')).join() === leg, 'the agent in the consult bridge');

    const adopt = await takeOver();
    expect(await adopt()).toMatchObject({ arrived: 0, gone: 0, strays: 0 });
    far.answer(String(invite.channelId));
    await until(() => site.state.data.calls['out-k2']?.consultAnsweredAt !== undefined, 'answer told');
    const pair = [leg, 'out-k2'].sort().join();
    await until(async () => (await members('call-out-k2')).join() === pair, 'agent and number bridged');
    expect(await members(`call-${channelId}`)).toEqual([channelId]);
    expect(site.state.data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: channelId });

    expect(
      (await site.dispatch({ type: 'cancelConsultation', callId: channelId, agentId: 'arm-1' })).ok,
    ).toBe(true);
    const back = [channelId, leg].sort().join();
    await until(async () => (await members(`call-${channelId}`)).join() === back, 'the agent back');
    await until(() => musicOn(`call-${channelId}`) === null, 'the music stopped');
    await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    expect([count('CallEnded', channelId), count('CallEnded', 'out-k2')]).toEqual([1, 1]);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('answered while nobody held the PBX: the new leader puts the number with the agent and tells the answer', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0602020202', null);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { channelId } = await connectedCall();
    const leg = await legOf(mine);
    expect((await consult(channelId, 'out-k3', '0602020202')).ok).toBe(true);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');
    await until(async () => (await members('call-out-k3')).join() === leg, 'the agent in the consult bridge');

    const adopt = await takeOver();
    far.answer(String(invite.channelId)); // nobody hears it: no process holds the Stasis application
    await until(
      async () =>
        ((await (await ari('channels')).json()) as { id: string; state: string }[]).find(
          (c) => c.id === 'out-k3',
        )?.state === 'Up',
      'the number answered on the PBX',
    );
    expect(await adopt()).toMatchObject({ arrived: 0, gone: 0, strays: 0 });
    await until(() => site.state.data.calls['out-k3']?.consultAnsweredAt !== undefined, 'answer told again');
    const pair = [leg, 'out-k3'].sort().join();
    await until(async () => (await members('call-out-k3')).join() === pair, 'agent and number bridged');
    expect(await members(`call-${channelId}`)).toEqual([channelId]);
    expect(site.state.data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: channelId });
    expect(
      (await site.dispatch({ type: 'completeConsultation', callId: channelId, agentId: 'arm-1' })).ok,
    ).toBe(true);
    const handed = [channelId, 'out-k3'].sort().join();
    await until(
      async () => (await members(`call-${channelId}`)).join() === handed,
      'caller and number bridged',
    );
    far.hangup(String(invite.channelId));
    await until(() => !site.state.data.calls[channelId] && !site.state.data.calls['out-k3'], 'both ended');
    expect(count('OutboundCallPlaced')).toBe(1);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
