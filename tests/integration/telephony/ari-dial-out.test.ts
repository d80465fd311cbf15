// Outside calls through the real ari-client against sim-pbx: click-to-dial rings the agent's phone
// and the number and bridges them; a dial-out from a call joins that call's bridge (external
// conference); a failed dial-out (number unreachable, busy) or a far end that hangs up always
// returns the agent to a defined state, never "on call"; the answered-call count is untouched.
// An outside transfer in one command (dialOut with handOver): the agent leaves once the number
// answers, the caller stays with the number; a number that fails leaves the caller with the agent.
// Every test ends with no channel and no bridge left on the PBX.
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

beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
  const config = exampleConfig();
  adapter = ariAdapter(sim, {
    endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
    // The outside world: a number is a phone registered as ext-<number> on sim-pbx.
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

async function bridgeMembers(name: string): Promise<string[]> {
  const r = await fetch(`${sim.ariUrl}/ari/bridges?api_key=${sim.user}:${sim.password}`);
  const bridges = (await r.json()) as { name: string; channels: string[] }[];
  return bridges.find((b) => b.name === name)?.channels ?? [];
}

const agent = (id: string) => site.state.data.agents[id]!;
const answered = () => events.filter((e) => e.type === 'CallConnected').length;
const clean = async () => {
  await site.settled();
  await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
};

describe('outside calls on Asterisk (ARI, sim-pbx)', () => {
  it('click-to-dial: the agent and the number are bridged; the agent hangs up; counted as outbound only', async () => {
    await phone('arm-1');
    const far = await phone('ext-0601020304');
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const r = await site.dispatch({
      type: 'dialOut',
      callId: 'out-1',
      agentId: 'arm-1',
      number: '0601020304',
      purpose: 'click-to-dial',
    });
    expect(r.ok).toBe(true);
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'out-1' });
    await until(() => far.messages.some((m) => m.type === 'invite'), 'the number rings');
    const members = await (async () => {
      for (const start = Date.now(); Date.now() - start < 5000;) {
        const m = await bridgeMembers('call-out-1');
        if (m.length === 2) return m;
        await new Promise((res) => setTimeout(res, 10));
      }
      return bridgeMembers('call-out-1');
    })();
    expect(members).toHaveLength(2);
    expect(members).toContain('out-1');
    expect((await site.dispatch({ type: 'hangUp', callId: 'out-1', agentId: 'arm-1' })).ok).toBe(true);
    expect(agent('arm-1').status).not.toBe('on-call');
    expect(answered()).toBe(0);
    expect(events.filter((e) => e.type === 'OutboundCallPlaced')).toHaveLength(1);
    await clean();
  });

  it('a number that cannot be reached frees the agent at once; nothing stays on the PBX', async () => {
    await phone('arm-1');
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await site.dispatch({
      type: 'dialOut',
      callId: 'out-2',
      agentId: 'arm-1',
      number: '0999999999',
      purpose: 'click-to-dial',
    });
    await until(() => !site.state.data.calls['out-2'], 'the dial-out ended');
    expect(agent('arm-1').status).not.toBe('on-call');
    expect(agent('arm-1').callId).toBeNull();
    await clean();
  });

  it('a busy number, and a far end that hangs up after answering, both free the agent', async () => {
    await phone('arm-1');
    const busy = await phone('ext-0611111111', null);
    busy.on('invite', (m: { channelId?: string }) => busy.reject(String(m.channelId), 486));
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await site.dispatch({
      type: 'dialOut',
      callId: 'out-3',
      agentId: 'arm-1',
      number: '0611111111',
      purpose: 'click-to-dial',
    });
    await until(() => !site.state.data.calls['out-3'], 'the busy dial-out ended');
    expect(agent('arm-1').status).not.toBe('on-call');
    await clean();

    await site.dispatch({ type: 'agentReady', agentId: 'arm-1' });
    const far = await phone('ext-0622222222');
    await until(() => agent('arm-1').status === 'available', 'arm-1 available');
    await site.dispatch({
      type: 'dialOut',
      callId: 'out-4',
      agentId: 'arm-1',
      number: '0622222222',
      purpose: 'click-to-dial',
    });
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');
    for (const start = Date.now(); Date.now() - start < 5000;) {
      if ((await bridgeMembers('call-out-4')).length === 2) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    expect(await bridgeMembers('call-out-4')).toHaveLength(2);
    far.hangup(String(invite.channelId));
    await until(() => !site.state.data.calls['out-4'], 'the far end hung up');
    expect(agent('arm-1').status).not.toBe('on-call');
    await clean();
  });

  it("an agent's phone that refuses the click-to-dial ends it: the number is hung up, the agent is free", async () => {
    const mine = await phone('arm-1', null);
    mine.on('invite', (m: { channelId?: string }) => mine.reject(String(m.channelId), 486));
    const far = await phone('ext-0644444444', null); // rings, never answers
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await site.dispatch({
      type: 'dialOut',
      callId: 'out-6',
      agentId: 'arm-1',
      number: '0644444444',
      purpose: 'click-to-dial',
    });
    await until(() => !site.state.data.calls['out-6'], 'the dial-out ended');
    expect(agent('arm-1').status).not.toBe('on-call');
    expect(events.find((e) => e.type === 'CallEnded' && e.callId === 'out-6')).toMatchObject({ by: 'agent' });
    expect(far.messages.filter((m) => m.type === 'invite').length).toBeLessThanOrEqual(1);
    await clean();
  });

  it('a dial-out from a call joins that call (external conference) and ends with it', async () => {
    await phone('arm-1');
    const far = await phone('ext-0633333333');
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    const { callId: simId, channelId } = (await r.json()) as { callId: string; channelId: string };
    await until(() => site.state.data.calls[channelId]?.parties.length, 'the caller and arm-1 connected');
    const before = answered();
    expect(
      (
        await site.dispatch({
          type: 'dialOut',
          callId: 'out-5',
          agentId: 'arm-1',
          number: '0633333333',
          purpose: 'external-conference',
          parentCallId: channelId,
        })
      ).ok,
    ).toBe(true);
    await until(() => far.messages.some((m) => m.type === 'invite'), 'the number rings');
    let members: string[] = [];
    for (const start = Date.now(); members.length < 3 && Date.now() - start < 5000;) {
      members = await bridgeMembers(`call-${channelId}`);
      await new Promise((res) => setTimeout(res, 10));
    }
    expect(members).toEqual(expect.arrayContaining([channelId, 'out-5']));
    expect(members).toHaveLength(3);
    expect(answered()).toBe(before);
    await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[channelId] && !site.state.data.calls['out-5'], 'both ended');
    await clean();
  });
});

describe('outside transfer in one command on Asterisk (ARI, sim-pbx)', () => {
  async function connectedCall(): Promise<{ simId: string; channelId: string }> {
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    const call = (await r.json()) as { callId: string; channelId: string };
    await until(
      () => site.state.data.calls[call.channelId]?.parties.length,
      'the caller and arm-1 connected',
    );
    return { simId: call.callId, channelId: call.channelId };
  }
  async function members(name: string, n: number): Promise<string[]> {
    let m: string[] = [];
    for (const start = Date.now(); Date.now() - start < 5000; await new Promise((r) => setTimeout(r, 10))) {
      m = await bridgeMembers(name);
      if (m.length === n) break;
    }
    return m;
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

  it('the number answers: the agent leaves, the caller talks to the number; its hang-up ends the call', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0118000000');
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { channelId } = await connectedCall();
    const before = answered();
    const agentLeg = await until(
      () => mine.messages.find((m) => m.type === 'invite'),
      "arm-1's phone rang for the call",
    );
    expect((await transfer(channelId, 'out-t1', '0118000000')).ok).toBe(true);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rings');
    await until(() => agent('arm-1').status !== 'on-call', 'arm-1 left the call');
    expect(site.state.data.calls[channelId]!.parties).toEqual([]);
    expect(
      events.find((e) => e.type === 'AgentLeftCall' && e.callId === channelId && e.agentId === 'arm-1'),
    ).toMatchObject({ reason: 'transfer' });
    // The caller and the number, alone in the call's bridge; the agent's leg is gone. Two members may
    // for a moment be the caller and the agent (the agent's leg leaves as the number's joins).
    const want = [channelId, 'out-t1'].sort();
    let m: string[] = [];
    for (const start = Date.now(); Date.now() - start < 5000; await new Promise((r) => setTimeout(r, 10))) {
      m = (await bridgeMembers(`call-${channelId}`)).sort();
      if (m.join() === want.join()) break;
    }
    expect(m).toEqual(want);
    expect(m).not.toContain(String(agentLeg.channelId));
    expect(answered()).toBe(before);
    expect(
      events.filter((e) => e.type === 'OutboundCallPlaced' && e.purpose === 'external-transfer'),
    ).toHaveLength(1);
    far.hangup(String(invite.channelId));
    await until(
      () => !site.state.data.calls[channelId] && !site.state.data.calls['out-t1'],
      'both calls ended with the number',
    );
    expect(events.filter((e) => e.type === 'CallEnded' && e.callId === channelId)).toHaveLength(1);
    await clean();
  });

  it('a busy number ends only the outbound call: the caller is never cut and stays with the agent', async () => {
    await phone('arm-1');
    const busy = await phone('ext-0115000000', null);
    busy.on('invite', (m: { channelId?: string }) => busy.reject(String(m.channelId), 486));
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, channelId } = await connectedCall();
    expect((await transfer(channelId, 'out-t2', '0115000000')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-t2'], 'the busy outbound call ended');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: channelId });
    expect(site.state.data.calls[channelId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect(await members(`call-${channelId}`, 2)).toContain(channelId);
    // An unreachable number: the same, at once.
    expect((await transfer(channelId, 'out-t3', '0999999999')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-t3'], 'the unreachable outbound call ended');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: channelId });
    expect(events.some((e) => e.type === 'CallEnded' && e.callId === channelId)).toBe(false);
    await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    await clean();
  });

  it('the caller hangs up after the transfer: the number is hung up too; a second transfer is refused meanwhile', async () => {
    await phone('arm-1');
    const far = await phone('ext-0601010101', 300);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, channelId } = await connectedCall();
    expect((await transfer(channelId, 'out-t4', '0601010101')).ok).toBe(true);
    const again = await transfer(channelId, 'out-t5', '0602020202');
    expect(again).toMatchObject({ ok: false, reason: 'transfer-in-progress' });
    await until(() => far.messages.some((m) => m.type === 'invite'), 'the number rings');
    await until(() => agent('arm-1').status !== 'on-call', 'arm-1 left the call');
    await members(`call-${channelId}`, 2);
    await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(
      () => !site.state.data.calls[channelId] && !site.state.data.calls['out-t4'],
      'both calls ended with the caller',
    );
    await clean();
  });
});
