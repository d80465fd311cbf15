// Cancelling a blind outside transfer that rings (cancelOutsideTransfer) through the real
// ari-client against sim-pbx: the number's phone stops ringing, the caller stays bridged with the
// agent, who may hang up or transfer again; nothing is counted as answered; a cancel sent before
// the number's originate has come back leaves no ringing leg behind. Every test ends with no
// channel and no bridge left on the PBX.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import type { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { ariAdapter, startAriSite, until } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

let sim: SimPbx;
let adapter: AriAdapter;
let site: SiteShell;
let events: Event[];
const phones: PhoneClient[] = [];
// Waits on real processes: a wide bound for a loaded CI machine.
const wait = <T>(find: Parameters<typeof until<T>>[0], what: string) => until(find, what, 20_000);

beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
  const config = exampleConfig();
  adapter = ariAdapter(sim, {
    endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
    outboundEndpoint: (n) => `PJSIP/ext-${n}`,
  });
  ({ site, events } = await startAriSite(adapter, { config }));
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

async function channels(): Promise<string[]> {
  const r = await fetch(`${sim.ariUrl}/ari/channels?api_key=${sim.user}:${sim.password}`);
  return ((await r.json()) as { id: string }[]).map((c) => c.id);
}

async function bridgeMembers(name: string): Promise<string[]> {
  const r = await fetch(`${sim.ariUrl}/ari/bridges?api_key=${sim.user}:${sim.password}`);
  const bridges = (await r.json()) as { name: string; channels: string[] }[];
  return bridges.find((b) => b.name === name)?.channels ?? [];
}

async function connectedCall(): Promise<{ simId: string; channelId: string }> {
  const r = await fetch(`${sim.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
  });
  const call = (await r.json()) as { callId: string; channelId: string };
  await wait(() => site.state.data.calls[call.channelId]?.parties.length, 'the caller and arm-1 connected');
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
const cancel = (parent: string, agentId = 'arm-1') =>
  site.dispatch({ type: 'cancelOutsideTransfer', callId: parent, agentId });
const agent = (id: string) => site.state.data.agents[id]!;
const clean = async () => {
  await site.settled();
  await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
};

describe('cancelling a blind outside transfer on Asterisk (ARI, sim-pbx)', () => {
  it('the number stops ringing, the caller stays bridged with the agent, who then hangs up', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0118000000', null); // rings, never answers
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { channelId: caller } = await connectedCall();
    const agentLeg = await wait(() => mine.messages.find((m) => m.type === 'invite'), "arm-1's phone rang");
    expect((await transfer(caller, 'out-c1', '0118000000')).ok).toBe(true);
    const invite = await wait(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');
    expect(await cancel(caller, 'mru-1')).toMatchObject({ ok: false, reason: 'agent-not-on-call' });

    const r = await cancel(caller);
    expect(r).toMatchObject({ ok: true });
    await wait(
      () => far.messages.some((m) => m.type === 'cancelled' && m.channelId === invite.channelId),
      "the number's phone told the call was withdrawn",
    );
    await wait(async () => !(await channels()).includes('out-c1'), "the number's channel gone");
    expect(site.state.data.calls['out-c1']).toBeUndefined();
    expect(events.find((e) => e.type === 'CallEnded' && e.callId === 'out-c1')).toMatchObject({
      by: 'agent',
      answered: false,
    });
    // The caller is as before the transfer: with arm-1, both in the call's bridge, never cut.
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: caller });
    expect(site.state.data.calls[caller]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect((await bridgeMembers(`call-${caller}`)).sort()).toEqual(
      [caller, String(agentLeg.channelId)].sort(),
    );
    expect(events.some((e) => e.type === 'CallEnded' && e.callId === caller)).toBe(false);
    expect(events.filter((e) => e.type === 'CallConnected')).toHaveLength(1); // the caller's answer only
    expect(await cancel(caller)).toMatchObject({ ok: false, reason: 'no-transfer-ringing' });

    // The agent's keys are back: its hang-up ends the call.
    expect((await site.dispatch({ type: 'hangUp', callId: caller, agentId: 'arm-1' })).ok).toBe(true);
    await wait(() => !site.state.data.calls[caller], 'the call ended by the agent');
    await clean();
  });

  it('a cancel at once, before the number was reached, leaves no leg ringing; a new transfer works', async () => {
    await phone('arm-1');
    const far = await phone('ext-0115000000', null);
    const partner = await phone('ext-0240000085', 0);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, channelId: caller } = await connectedCall();
    const placed = transfer(caller, 'out-c2', '0115000000');
    expect((await placed).ok).toBe(true);
    expect((await cancel(caller)).ok).toBe(true);
    await site.settled();
    await wait(async () => !(await channels()).includes('out-c2'), "the number's channel gone");
    // Whatever reached the number's phone was withdrawn.
    for (const m of far.messages.filter((x) => x.type === 'invite'))
      await wait(
        () => far.messages.some((x) => x.type === 'cancelled' && x.channelId === m.channelId),
        'the invite withdrawn',
      );
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: caller });

    expect((await transfer(caller, 'out-c3', '0240000085')).ok).toBe(true);
    await wait(() => agent('arm-1').status !== 'on-call', 'arm-1 left once the partner answered');
    expect(partner.messages.some((m) => m.type === 'invite')).toBe(true);
    await wait(
      async () => (await bridgeMembers(`call-${caller}`)).sort().join() === [caller, 'out-c3'].sort().join(),
      'the caller with the partner',
    );
    await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await wait(() => !site.state.data.calls[caller] && !site.state.data.calls['out-c3'], 'both calls ended');
    await clean();
  });
});
