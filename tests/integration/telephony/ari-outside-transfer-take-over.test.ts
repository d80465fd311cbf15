// An outside transfer across a take-over of the PBX (fail-over: the old leader dies, kill -9 like,
// a new adapter connects and re-adopts from the engine's plan), through the real ari-client against
// sim-pbx. Handed over (the caller and the number alone in the call's bridge, no agent, no queue):
// the call is kept as it is, not lost (never hung up), not doubled (no new arrival, no second
// outbound call), and ends once when the number hangs up. Ringing (the number not answered yet):
// the new leader follows the ringing leg, so its answer completes the transfer; nothing is left on
// the PBX at the end of either.
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
import { ariAdapter, startAriSite, until } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

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

const transfer = (parent: string, id: string, number: string) =>
  site.dispatch({
    type: 'dialOut',
    callId: id,
    agentId: 'arm-1',
    number,
    purpose: 'external-transfer',
    parentCallId: parent,
    handOver: true,
  });

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

describe('outside transfer across a take-over (ARI, sim-pbx)', () => {
  it('handed over: the caller and the number stay together, nothing doubled, one end when the number hangs up', async () => {
    await phone('arm-1');
    const far = await phone('ext-0118000000');
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { channelId } = await connectedCall();
    expect((await transfer(channelId, 'out-h1', '0118000000')).ok).toBe(true);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');
    const pair = [channelId, 'out-h1'].sort().join();
    await until(
      async () => (await members(`call-${channelId}`)).join() === pair,
      'caller and number bridged',
    );
    await until(() => site.state.data.agents['arm-1']!.status !== 'on-call', 'arm-1 left');

    const adopt = await takeOver();
    const report = await adopt();
    // At most the agent's leg, if its hang-up died with the old leader, is a stray (hung up now).
    expect(report).toMatchObject({ arrived: 0, gone: 0 });
    expect(report.strays).toBeLessThanOrEqual(1);
    await until(
      async () =>
        ((await (await ari('channels')).json()) as { id: string }[])
          .map((c) => c.id)
          .sort()
          .join() === pair,
      'the caller and the number alone on the PBX',
    );
    // Still one call with its outside leg, in the engine and on the PBX, and the PBX agrees with the
    // plan (the periodic reconciliation would change nothing).
    expect(site.state.data.calls[channelId]).toMatchObject({ parties: [] });
    expect(site.state.data.calls['out-h1']).toBeDefined();
    await new Promise((r) => setTimeout(r, 300)); // a wrong adoption would hang up or re-queue by now
    expect(await members(`call-${channelId}`)).toEqual([channelId, 'out-h1'].sort());
    const drift = findDrift(
      telephonyPlan(site.state, Date.now()),
      await adapter.listPbx(),
      sim.app,
      () => false,
    );
    expect([...drift.keys()]).toEqual([]);
    expect(site.state.data.calls[channelId]).toMatchObject({ parties: [] });
    expect(site.state.data.calls[channelId]!.pending ?? null).toBeNull();
    expect(count('CallEnded')).toBe(0);
    expect(count('CallArrived')).toBe(1);
    expect(count('OutboundCallPlaced')).toBe(1);

    far.hangup(String(invite.channelId));
    await until(
      () => !site.state.data.calls[channelId] && !site.state.data.calls['out-h1'],
      'both calls ended with the number',
    );
    expect(count('CallEnded', channelId)).toBe(1);
    expect(count('CallEnded', 'out-h1')).toBe(1);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('ringing: the number answers after the take-over and the transfer completes; the caller is never cut', async () => {
    await phone('arm-1');
    const far = await phone('ext-0601010101', null);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, channelId } = await connectedCall();
    expect((await transfer(channelId, 'out-r1', '0601010101')).ok).toBe(true);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');

    const adopt = await takeOver();
    const report = await adopt();
    expect(report).toMatchObject({ strays: 0, arrived: 0 });
    expect(site.state.data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: channelId });
    far.answer(String(invite.channelId));
    await until(() => site.state.data.agents['arm-1']!.status !== 'on-call', 'arm-1 left after the answer');
    const pair = [channelId, 'out-r1'].sort().join();
    await until(
      async () => (await members(`call-${channelId}`)).join() === pair,
      'caller and number bridged',
    );
    expect(count('CallEnded')).toBe(0);
    expect(count('CallArrived')).toBe(1);
    expect(count('OutboundCallPlaced')).toBe(1);

    await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(
      () => !site.state.data.calls[channelId] && !site.state.data.calls['out-r1'],
      'both calls ended with the caller',
    );
    expect(count('CallEnded', channelId)).toBe(1);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('answered while nobody held the PBX: the new leader bridges the number and completes the transfer', async () => {
    await phone('arm-1');
    const far = await phone('ext-0602020202', null);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { channelId } = await connectedCall();
    expect((await transfer(channelId, 'out-a1', '0602020202')).ok).toBe(true);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');

    const adopt = await takeOver();
    far.answer(String(invite.channelId)); // nobody hears it: no process holds the Stasis application
    await until(
      async () =>
        ((await (await ari('channels')).json()) as { id: string; state: string }[]).find(
          (c) => c.id === 'out-a1',
        )?.state === 'Up',
      'the number answered on the PBX',
    );
    expect(site.state.data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: channelId });
    const report = await adopt();
    expect(report).toMatchObject({ arrived: 0, gone: 0 });
    await until(
      () => site.state.data.agents['arm-1']!.status !== 'on-call',
      'arm-1 left: the transfer completed',
    );
    const pair = [channelId, 'out-a1'].sort().join();
    await until(
      async () => (await members(`call-${channelId}`)).join() === pair,
      'caller and number bridged',
    );
    expect(
      events.filter((e) => e.type === 'AgentLeftCall' && e.callId === channelId && e.agentId === 'arm-1'),
    ).toHaveLength(1);
    expect(count('CallEnded')).toBe(0);
    expect(count('OutboundCallPlaced')).toBe(1);

    far.hangup(String(invite.channelId));
    await until(
      () => !site.state.data.calls[channelId] && !site.state.data.calls['out-a1'],
      'both calls ended with the number',
    );
    expect(count('CallEnded', channelId)).toBe(1);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
