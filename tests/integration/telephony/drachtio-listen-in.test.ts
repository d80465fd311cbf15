// Supervisor listen / whisper / barge on FreeSWITCH (docs/supervision.md), through the real
// drachtio-srf and drachtio-fsmrf against sim-fs, the engine running for real: the supervisor's phone
// is called as an agent leg is and, once answered, its FreeSWITCH channel eavesdrops on the agent's
// (eavesdrop; whisper: eavesdrop_whisper_bleg, into what the agent hears only; barge: three_way, heard
// by both). The supervisor's keys never change the mix (eavesdrop_enable_dtmf=false). The listen-in
// ends when the supervisor stops, when its phone hangs up or refuses, when the agent's leg is
// transferred and when the call ends; every test ends with nothing left on the PBX.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { PhoneClient, type PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
  fsPhone,
  injectFsCall,
  silent,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(8000);

let lab: SimFsServer;
let adapter: DrachtioAdapter;
let site: SiteShell;
let events: Event[];
const phones: PhoneClient[] = [];

const newAdapter = () => drachtioAdapter(lab, { dialogWatchMs: 200 });

beforeEach(async () => {
  lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  site = await SiteShell.start({
    config: exampleConfig(),
    logger: silent,
    effects: (f) => adapter.execute(f),
  });
  events = [];
  site.onEvents((e) => events.push(...e));
  adapter = newAdapter();
  await adapter.start((cmd, at) => void site.dispatch(cmd, at));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await lab.close();
});

const phone = (endpoint: string, answerAfterMs: number | null = 20) =>
  fsPhone(lab, phones, `PJSIP/${endpoint}`, answerAfterMs);

async function agent(id: string): Promise<PhoneClient> {
  const p = await phone(id);
  expect((await site.dispatch({ type: 'agentLogin', agentId: id })).ok).toBe(true);
  return p;
}

const inject = () => injectFsCall(lab);

const connected = (callId: string, agentId: string) =>
  events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);
const ends = () => events.filter((e) => e.type === 'ListenEnded');
const eavesdrops = async () =>
  (
    (await (await fetch(`${lab.url}/sim/eavesdrops`)).json()) as {
      eavesdrops: { listener: string; target: string; targetHears: boolean; peerHears: boolean }[];
    }
  ).eavesdrops;

async function clean(): Promise<void> {
  await site.settled();
  await expectCleanFs(lab);
  expect(lab.sim.eavesdrops()).toEqual([]);
}

describe('supervisor listen-in on FreeSWITCH (drachtio adapter, sim-fs)', () => {
  it('whisper: eavesdrop on the agent leg heard by the agent only; keys change nothing; stop ends it', async () => {
    await agent('arm-1');
    const sup = await phone('sup-1');
    const { simId, callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    const r = await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'whisper' });
    expect(r.ok).toBe(true);
    await until(() => sup.messages.some((m) => m.type === 'invite'), "the supervisor's phone rings");
    await until(() => lab.sim.eavesdrops().length === 1, 'eavesdropping');
    expect(await eavesdrops()).toEqual([
      { listener: 'PJSIP/sup-1', target: 'PJSIP/arm-1', targetHears: true, peerHears: false },
    ]);
    // The call itself is untouched: the caller shares media with the agent only.
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']);
    // The supervisor presses 3 (FreeSWITCH's "talk to both" key): dtmf is off, the mix stays.
    const supPort = lab.sim.phones.get('PJSIP/sup-1')!.mediaPort;
    expect(lab.sim.media.dtmf(supPort, '3')).toBe(true);
    await new Promise((res) => setTimeout(res, 150)); // the key's event is 10 ms after the press
    expect(lab.sim.eavesdrops()[0]).toMatchObject({ targetHears: true, peerHears: false });

    expect((await site.dispatch({ type: 'stopListening', callId, supervisorId: 'sup-1' })).ok).toBe(true);
    await until(
      () => lab.sim.eavesdrops().length === 0 && lab.sim.phones.get('PJSIP/sup-1')!.activeLegs === 0,
      'the supervisor hung up',
    );
    expect(ends()).toEqual([
      expect.objectContaining({ reason: 'stopped', mode: 'whisper', agentId: 'arm-1' }),
    ]);
    expect(site.state.data.calls[callId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']);
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });

  it('listen ends when the agent leg is transferred: no eavesdrop or supervisor leg stays', async () => {
    await agent('arm-1');
    await agent('arm-5');
    await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'listen' });
    await until(() => lab.sim.eavesdrops().length === 1, 'listening');
    expect(lab.sim.eavesdrops()[0]).toEqual({
      listener: 'PJSIP/sup-1',
      target: 'PJSIP/arm-1',
      targetHears: false,
      peerHears: false,
    });
    await site.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P1' });
    expect((await site.dispatch({ type: 'transferCall', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => connected(callId, 'arm-5'), 'N2 connected');
    await site.settled();
    await until(
      () => lab.sim.eavesdrops().length === 0 && lab.sim.phones.get('PJSIP/sup-1')!.activeLegs === 0,
      'listen-in gone',
    );
    expect(ends()).toEqual([expect.objectContaining({ reason: 'agent-left', agentId: 'arm-1' })]);
    expect(site.state.data.calls[callId]!.listeners).toBeUndefined();
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-5' });
    await clean();
  });

  it('barge: three_way on the agent leg, heard by both; the caller hanging up ends everything', async () => {
    await agent('arm-1');
    await phone('sup-1');
    const { simId, callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'barge' });
    await until(() => lab.sim.eavesdrops().length === 1, 'barging');
    expect(lab.sim.eavesdrops()[0]).toEqual({
      listener: 'PJSIP/sup-1',
      target: 'PJSIP/arm-1',
      targetHears: true,
      peerHears: true,
    });
    expect((await fetch(`${lab.url}/sim/calls/${simId}/hangup`, { method: 'POST' })).status).toBe(204);
    await until(() => events.some((e) => e.type === 'CallEnded'), 'call ended');
    await site.settled();
    expect(ends()).toEqual([expect.objectContaining({ reason: 'call-ended', mode: 'barge' })]);
    expect(events.filter((e) => e.type === 'CallConnected')).toHaveLength(1); // the supervisor is no answer
    await clean();
  });

  it("the supervisor's phone hanging up ends the listen-in, reported once; one that refuses too", async () => {
    await agent('arm-1');
    const sup = await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'listen' });
    await until(() => lab.sim.eavesdrops().length === 1, 'listening');
    const invite = sup.messages.find((m: PhoneMessage) => m.type === 'invite')!;
    sup.hangup(String(invite.channelId));
    await until(() => ends().length === 1, 'the end reported');
    expect(ends()[0]).toMatchObject({ reason: 'supervisor-hung-up' });
    await until(() => lab.sim.eavesdrops().length === 0, 'eavesdrop gone');

    sup.removeAllListeners('invite');
    sup.on('invite', (m: PhoneMessage) => sup.reject(String(m.channelId)));
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'whisper' });
    await until(() => ends().length === 2, 'the second end reported');
    expect(ends()[1]).toMatchObject({ reason: 'unreachable', mode: 'whisper' });
    expect(site.state.data.calls[callId]!.listeners).toBeUndefined();
    expect(site.state.data.agents['arm-1']!.status).toBe('on-call'); // the call went on throughout
    await site.settled();
    expect(ends()).toHaveLength(2); // each end once
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });

  it('a process taking over keeps a listen-in the engine has, and ends it cleanly; never an arrival', async () => {
    await agent('arm-1');
    await phone('sup-1');
    const { simId, callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'whisper' });
    await until(() => lab.sim.eavesdrops().length === 1, 'listening');
    await site.settled();
    await adapter.stop(); // the old process goes; the call and the eavesdrop stay on FreeSWITCH
    adapter = newAdapter();
    await adapter.start((cmd, at) => void site.dispatch(cmd, at));
    const report = await adapter.adopt(telephonyPlan(site.state, Date.now()));
    expect(report).toMatchObject({ callers: 1, legs: 1, arrived: 0, strays: 0, gone: 0 });
    expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(1);
    expect(lab.sim.eavesdrops()).toEqual([
      { listener: 'PJSIP/sup-1', target: 'PJSIP/arm-1', targetHears: true, peerHears: false },
    ]);
    expect(ends()).toEqual([]);
    await site.dispatch({ type: 'stopListening', callId, supervisorId: 'sup-1' });
    await site.settled();
    await until(
      () => lab.sim.eavesdrops().length === 0 && lab.sim.phones.get('PJSIP/sup-1')!.activeLegs === 0,
      'listen-in gone',
    );
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']); // the call went on
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });

  it('after a take-over, a listen-in whose phone went meanwhile is reported ended, its leg removed', async () => {
    await agent('arm-1');
    const sup = await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'listen' });
    await until(() => lab.sim.eavesdrops().length === 1, 'listening');
    await site.settled();
    await adapter.stop();
    await until(() => lab.sim.drachtio.appCount === 0, 'the app gone from drachtio');
    // The supervisor hangs up while no process holds drachtio: drachtio answers 481 and forgets.
    const invite = sup.messages.find((m: PhoneMessage) => m.type === 'invite')!;
    sup.hangup(String(invite.channelId));
    adapter = newAdapter();
    await adapter.start((cmd, at) => void site.dispatch(cmd, at));
    await adapter.adopt(telephonyPlan(site.state, Date.now()));
    await until(() => ends().length === 1, 'the listen-in reported ended');
    expect(ends()[0]).toMatchObject({ supervisorId: 'sup-1', reason: 'unreachable' });
    await until(() => lab.sim.eavesdrops().length === 0, 'its FreeSWITCH leg hung up');
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });
});
