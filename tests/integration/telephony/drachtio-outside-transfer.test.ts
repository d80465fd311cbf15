// An outside transfer in one command (dialOut with handOver) on FreeSWITCH, through the real
// drachtio-srf and drachtio-fsmrf against sim-fs, the engine running for real, as
// ari-dial-out.test.ts does on Asterisk: the caller stays with the agent while the number rings; once
// it answers the agent leaves (wrap-up), the caller and the number talk in the call's conference,
// recorded on the caller's channel; a busy or unreachable number ends only the outbound call. Every
// test ends with nothing left on the PBX.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import type { FsRecordingAvailable } from '../../../src/telephony/drachtio/call-recording.js';
import { PhoneClient, type PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
  fsPhone,
  injectFsCall,
  startFsSite,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(8000);

let lab: SimFsServer;
let adapter: DrachtioAdapter;
let site: SiteShell;
let events: Event[];
let dir: string;
let recordings: FsRecordingAvailable[];
const phones: PhoneClient[] = [];

beforeEach(async () => {
  lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  dir = mkdtempSync(join(tmpdir(), 'sas-acd-fs-transfer-'));
  recordings = [];
  adapter = drachtioAdapter(lab, {
    // The outside world: a number is a phone registered as PJSIP/<number> on sim-fs.
    outboundUri: (number) => `sip:${number}@127.0.0.1:5060`,
    recordingsDir: dir,
    recording: { enabled: () => true, format: () => 'wav', nameOf: (id) => `rec-${id.slice(-12)}` },
    onRecording: (r) => recordings.push(r),
  });
  ({ site, events } = await startFsSite(adapter));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

const phone = (endpoint: string, answerMs: number | null = 0) => fsPhone(lab, phones, endpoint, answerMs);

const agent = (id: string) => site.state.data.agents[id]!;
const answered = () => events.filter((e) => e.type === 'CallConnected').length;

/** A caller on line 15 connected to arm-1. */
async function connectedCall(): Promise<{ simId: string; callId: string }> {
  const { simId, callId } = await injectFsCall(lab);
  await until(() => site.state.data.calls[callId]?.parties.length, 'the caller and arm-1 connected');
  await until(() => lab.sim.hears(simId).phones.includes('PJSIP/arm-1'), 'the caller hears arm-1');
  return { simId, callId };
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

async function expectClean(): Promise<void> {
  await site.settled();
  await expectCleanFs(lab);
}

describe('outside transfer in one command on FreeSWITCH (drachtio, sim-fs)', () => {
  it('the number answers: the agent leaves, the caller talks to the number, recorded; its hang-up ends the call', async () => {
    await phone('PJSIP/arm-1');
    // The number rings 300 ms: meanwhile the caller is still with the agent.
    const far = await phone('PJSIP/0118000000', 300);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, callId } = await connectedCall();
    const before = answered();
    expect((await transfer(callId, 'out-t1', '0118000000')).ok).toBe(true);
    await until(() => far.messages.some((m) => m.type === 'invite'), 'the number rings');
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']);
    await until(() => agent('arm-1').status !== 'on-call', 'arm-1 left the call');
    expect(site.state.data.calls[callId]!.parties).toEqual([]);
    expect(
      events.find((e) => e.type === 'AgentLeftCall' && e.callId === callId && e.agentId === 'arm-1'),
    ).toMatchObject({ reason: 'transfer' });
    // The caller and the number alone; the agent's phone released.
    await until(() => {
      const h = lab.sim.hears(simId).phones;
      return h.length === 1 && h[0] === 'PJSIP/0118000000';
    }, 'the caller hears the number only');
    expect(lab.sim.phones.get('PJSIP/arm-1')!.activeLegs).toBe(0);
    // Recorded across the hand-over: one recording on the caller's channel, still running.
    expect(lab.sim.media.liveRecordings()).toHaveLength(1);
    expect(answered()).toBe(before);
    expect(
      events.filter((e) => e.type === 'OutboundCallPlaced' && e.purpose === 'external-transfer'),
    ).toHaveLength(1);
    const leg = far.messages.find((m: PhoneMessage) => m.type === 'invite')!;
    far.hangup(String(leg.channelId));
    await until(
      () => !site.state.data.calls[callId] && !site.state.data.calls['out-t1'],
      'both calls ended with the number',
    );
    expect(events.filter((e) => e.type === 'CallEnded' && e.callId === callId)).toHaveLength(1);
    await until(() => recordings.length === 1, 'the recording closed');
    await expectClean();
  });

  it('a busy or unreachable number ends only the outbound call: the caller stays with the agent', async () => {
    await phone('PJSIP/arm-1');
    const busy = await phone('PJSIP/0115000000', null);
    busy.on('invite', (m: PhoneMessage) => busy.reject(String(m.channelId), 486));
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, callId } = await connectedCall();
    expect((await transfer(callId, 'out-t2', '0115000000')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-t2'], 'the busy outbound call ended');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']);
    // Nobody at that number: drachtio answers 503, the same at once.
    expect((await transfer(callId, 'out-t3', '0999999999')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-t3'], 'the unreachable outbound call ended');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    expect(lab.sim.hears(simId).phones).toEqual(['PJSIP/arm-1']);
    expect(events.some((e) => e.type === 'CallEnded' && e.callId === callId)).toBe(false);
    await fetch(`${lab.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    await expectClean();
  });

  it('the caller hangs up after the transfer: the number is hung up too; a second transfer is refused meanwhile', async () => {
    await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0601010101', 300);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const { simId, callId } = await connectedCall();
    expect((await transfer(callId, 'out-t4', '0601010101')).ok).toBe(true);
    expect(await transfer(callId, 'out-t5', '0602020202')).toMatchObject({
      ok: false,
      reason: 'transfer-in-progress',
    });
    await until(() => agent('arm-1').status !== 'on-call', 'arm-1 left the call');
    await until(() => lab.sim.hears(simId).phones.join() === 'PJSIP/0601010101', 'caller with the number');
    await fetch(`${lab.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(
      () => !site.state.data.calls[callId] && !site.state.data.calls['out-t4'],
      'both calls ended with the caller',
    );
    await until(() => far.messages.some((m) => m.type === 'hungup'), 'the number released');
    await expectClean();
  });
});
