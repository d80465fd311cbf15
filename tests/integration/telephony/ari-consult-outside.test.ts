// The consultative outside transfer through the real ari-client against sim-pbx (docs/lrm.md): the
// caller waits in its call's bridge with music while the agent talks to the number in the outbound
// call's own bridge; then complete (the caller and the number together, the agent released),
// three-way, cancel, and every other way out: the number busy or unreachable, the number hanging
// up, the caller hanging up, the agent's phone dropping, a completion refused before the answer.
// Asserted on the PBX side too (bridge members, the music), and each test ends with no channel and
// no bridge left; each call ends once; the answered count never moves, one outbound call is counted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import type { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
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
const phones: PhoneClient[] = [];

beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
  const config = exampleConfig();
  adapter = ariAdapter(sim, {
    endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
    outboundEndpoint: (n) => `PJSIP/ext-${n}`, // a number is a phone registered as ext-<number>
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

/** A bridge as sim-pbx holds it: its members and the music it plays (null: none). */
function bridge(name: string): { channels: string[]; moh: string | null } | undefined {
  const b = [...sim.pbx.bridges.values()].find((x) => x.name === name);
  return b ? { channels: [...b.channels].sort(), moh: b.moh } : undefined;
}

/** Waits until the bridge named `name` has exactly these members (and, when given, this music). */
async function bridgeIs(name: string, members: string[], moh?: string | null): Promise<void> {
  const want = [...members].sort().join();
  await until(
    () => {
      const b = bridge(name);
      return b && b.channels.join() === want && (moh === undefined || b.moh === moh);
    },
    `${name} = [${want}]${moh === undefined ? '' : ` music ${moh}`}`,
  );
}

const agent = (id: string) => site.state.data.agents[id]!;
const answered = () => events.filter((e) => e.type === 'CallConnected').length;
const ended = (id: string) => events.filter((e) => e.type === 'CallEnded' && e.callId === id).length;
const clean = async () => {
  await site.settled();
  await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
};

/** A caller connected to arm-1; its sim id, its channel, and arm-1's leg channel. */
async function connectedCall(mine: PhoneClient): Promise<{ simId: string; channelId: string; leg: string }> {
  await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
  const r = await fetch(`${sim.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
  });
  const call = (await r.json()) as { callId: string; channelId: string };
  await until(() => site.state.data.calls[call.channelId]?.parties.length, 'the caller and arm-1 connected');
  const invite = await until(() => mine.messages.find((m) => m.type === 'invite'), "arm-1's phone rang");
  const leg = String(invite.channelId);
  await bridgeIs(`call-${call.channelId}`, [call.channelId, leg]);
  return { simId: call.callId, channelId: call.channelId, leg };
}

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

const hangUpCaller = (simId: string) => fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });

describe('consultative outside transfer on Asterisk (ARI, sim-pbx)', () => {
  it('complete: music while the agent consults; then the caller and the number together, the agent released', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0118000000');
    const { channelId, leg } = await connectedCall(mine);
    const before = answered();
    expect((await consult(channelId, 'out-c1', '0118000000')).ok).toBe(true);
    // The caller alone in its bridge with the queue's music; the agent and the number in theirs.
    await bridgeIs(`call-${channelId}`, [channelId], 'default');
    await bridgeIs('call-out-c1', [leg, 'out-c1']);
    await until(() => site.state.data.calls['out-c1']?.consultAnsweredAt !== undefined, 'answer told');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: channelId });
    const done = await site.dispatch({ type: 'completeConsultation', callId: channelId, agentId: 'arm-1' });
    expect(done.ok).toBe(true);
    await bridgeIs(`call-${channelId}`, [channelId, 'out-c1'], null);
    await until(() => !bridge('call-out-c1'), 'the consult bridge destroyed');
    await until(() => !sim.pbx.channels.has(leg), "the agent's leg hung up");
    expect(agent('arm-1').status).not.toBe('on-call');
    expect(answered()).toBe(before);
    expect(events.filter((e) => e.type === 'OutboundCallPlaced')).toHaveLength(1);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rang');
    far.hangup(String(invite.channelId));
    await until(() => !site.state.data.calls[channelId] && !site.state.data.calls['out-c1'], 'both ended');
    expect([ended(channelId), ended('out-c1')]).toEqual([1, 1]);
    await clean();
  });

  it('three-way: the number and the agent join the caller, the music stops; the agent ends it all', async () => {
    const mine = await phone('arm-1');
    await phone('ext-0115000000');
    const { channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c2', '0115000000')).ok).toBe(true);
    await bridgeIs('call-out-c2', [leg, 'out-c2']);
    await until(() => site.state.data.calls['out-c2']?.consultAnsweredAt !== undefined, 'answer told');
    const r = await site.dispatch({
      type: 'completeConsultation',
      callId: channelId,
      agentId: 'arm-1',
      mode: 'conference',
    });
    expect(r.ok).toBe(true);
    await bridgeIs(`call-${channelId}`, [channelId, leg, 'out-c2'], null);
    await until(() => !bridge('call-out-c2'), 'the consult bridge destroyed');
    expect((await site.dispatch({ type: 'hangUp', callId: channelId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => !site.state.data.calls[channelId] && !site.state.data.calls['out-c2'], 'both ended');
    expect([ended(channelId), ended('out-c2')]).toEqual([1, 1]);
    await clean();
  });

  it('cancel: the number is hung up, the agent back with the caller, the music stopped', async () => {
    const mine = await phone('arm-1');
    await phone('ext-0601010101');
    const { simId, channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c3', '0601010101')).ok).toBe(true);
    await bridgeIs('call-out-c3', [leg, 'out-c3']);
    expect(
      (await site.dispatch({ type: 'cancelConsultation', callId: channelId, agentId: 'arm-1' })).ok,
    ).toBe(true);
    await bridgeIs(`call-${channelId}`, [channelId, leg], null);
    await until(
      () => !sim.pbx.channels.has('out-c3') && !bridge('call-out-c3'),
      'the number and its bridge gone',
    );
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: channelId });
    expect(ended(channelId)).toBe(0);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    await clean();
  });

  it('a busy, then an unreachable number: the agent back with the caller each time, never cut', async () => {
    const mine = await phone('arm-1');
    const busy = await phone('ext-0611111111', null);
    busy.on('invite', (m: { channelId?: string }) => busy.reject(String(m.channelId), 486));
    const { simId, channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c4', '0611111111')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c4'], 'the busy outbound call ended');
    await bridgeIs(`call-${channelId}`, [channelId, leg], null);
    expect(events.find((e) => e.type === 'ConsultationEnded' && e.outCallId === 'out-c4')).toMatchObject({
      reason: 'outside-ended',
    });
    expect((await consult(channelId, 'out-c5', '0999999999')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c5'], 'the unreachable outbound call ended');
    await bridgeIs(`call-${channelId}`, [channelId, leg], null);
    await until(() => !bridge('call-out-c5') && !bridge('call-out-c4'), 'no consult bridge left');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: channelId });
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    await clean();
  });

  it('the number hangs up mid-consultation: the agent back with the caller', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0622222222');
    const { simId, channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c6', '0622222222')).ok).toBe(true);
    await bridgeIs('call-out-c6', [leg, 'out-c6']);
    const invite = await until(() => far.messages.find((m) => m.type === 'invite'), 'the number rang');
    far.hangup(String(invite.channelId));
    await until(() => !site.state.data.calls['out-c6'], 'the outbound call ended');
    await bridgeIs(`call-${channelId}`, [channelId, leg], null);
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: channelId });
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    expect([ended(channelId), ended('out-c6')]).toEqual([1, 1]);
    await clean();
  });

  it('the caller hangs up mid-consultation: its call ends once, the agent goes on with the number', async () => {
    const mine = await phone('arm-1');
    await phone('ext-0633333333');
    const { simId, channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c7', '0633333333')).ok).toBe(true);
    await bridgeIs('call-out-c7', [leg, 'out-c7']);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[channelId], "the caller's call ended");
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'out-c7' });
    // Still talking: the agent's leg was not released with the caller's call.
    await bridgeIs('call-out-c7', [leg, 'out-c7']);
    expect(ended(channelId)).toBe(1);
    expect((await site.dispatch({ type: 'hangUp', callId: 'out-c7', agentId: 'arm-1' })).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c7'], 'the outbound call ended');
    expect(agent('arm-1').status).not.toBe('on-call');
    await clean();
  });

  it("the agent's phone drops mid-consultation: the number is hung up, the caller waits in the queue again", async () => {
    const mine = await phone('arm-1');
    await phone('ext-0644444444');
    const { simId, channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c8', '0644444444')).ok).toBe(true);
    await bridgeIs('call-out-c8', [leg, 'out-c8']);
    mine.hangup(leg);
    await until(() => site.state.data.calls[channelId]?.pending, 'the caller back in its queue');
    await until(() => !sim.pbx.channels.has('out-c8') && !bridge('call-out-c8'), 'the number hung up');
    expect(agent('arm-1').status).toBe('paused');
    expect(events.find((e) => e.type === 'ConsultationEnded')).toMatchObject({ reason: 'leg-lost' });
    // Never handed to the number: it waits in the holding bridge, no longer in its call's.
    await until(() => bridge('queue-n1')?.channels.includes(channelId), 'the caller on hold in n1');
    expect(bridge(`call-${channelId}`)?.moh ?? null).toBeNull();
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    expect([ended(channelId), ended('out-c8')]).toEqual([1, 1]);
    await clean();
  });

  it('complete is refused before the number answers (nothing changes); cancel while it rings', async () => {
    const mine = await phone('arm-1');
    const far = await phone('ext-0655555555', null); // rings, never answers
    const { simId, channelId, leg } = await connectedCall(mine);
    expect((await consult(channelId, 'out-c9', '0655555555')).ok).toBe(true);
    await until(() => far.messages.some((m) => m.type === 'invite'), 'the number rings');
    await bridgeIs('call-out-c9', [leg]);
    const refused = await site.dispatch({
      type: 'completeConsultation',
      callId: channelId,
      agentId: 'arm-1',
    });
    expect(refused).toMatchObject({ ok: false, reason: 'consultation-not-answered' });
    expect(site.state.data.calls['out-c9']?.consultFrom).toBe('arm-1');
    expect(
      (await site.dispatch({ type: 'cancelConsultation', callId: channelId, agentId: 'arm-1' })).ok,
    ).toBe(true);
    await bridgeIs(`call-${channelId}`, [channelId, leg], null);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[channelId], 'the caller hung up');
    await clean();
  });
});
