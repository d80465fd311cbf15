// The answer/abandon window on FreeSWITCH (src/telephony/drachtio/answer-on-join.ts), through the
// real drachtio-srf and drachtio-fsmrf against sim-fs, the engine running for real: a first answer
// is told to the engine only once the caller is bridged with the agent. sim-fs holds the bridge
// (`stallCommands` on `uuid_bridge`, a slow FreeSWITCH) so that the caller's hang-up falls between
// the agent's pick-up and the bridge: an abandon, once, never an answer. Nothing left on the PBX.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import type { FsRecordingAvailable } from '../../../src/telephony/drachtio/call-recording.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
  fsPhone,
  startFsSite,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(20_000);

let lab: SimFsServer;
let adapter: DrachtioAdapter;
let site: SiteShell;
let events: Event[];
let recordings: FsRecordingAvailable[];
const phones: PhoneClient[] = [];

beforeEach(async () => {
  lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  recordings = [];
  adapter = drachtioAdapter(lab, {
    recordingsDir: '/tmp/sas-acd-answer-on-join', // sim-fs writes no file
    recording: { enabled: () => true, format: () => 'wav', nameOf: (id) => `rec-${id.slice(-16)}` },
    onRecording: (r) => recordings.push(r),
  });
  ({ site, events } = await startFsSite(adapter));
  await fsPhone(lab, phones, 'PJSIP/arm-1');
});

afterEach(async () => {
  lab.sim.media.stallCommands = null;
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await lab.close();
});

async function expectClean(): Promise<void> {
  await site.settled();
  await expectCleanFs(lab);
}

/** sim-fs holds every uuid_bridge until released; `stalled` resolves when the first one is held. */
function stallBridges(): { stalled: Promise<void>; release: () => void } {
  let release!: () => void;
  let seen!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stalled = new Promise<void>((r) => (seen = r));
  lab.sim.media.stallCommands = (command) => {
    if (!command.startsWith('api uuid_bridge')) return null;
    seen();
    return gate;
  };
  return { stalled, release };
}

const of = (callId: string, type: Event['type']) =>
  events.filter((e) => e.type === type && 'callId' in e && e.callId === callId);

describe('the answer/abandon window on FreeSWITCH (drachtio, sim-fs)', () => {
  it('a first answer is told only once the caller is bridged with the agent', async () => {
    const bridge = stallBridges();
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const t = lab.sim.injectCall({ line: '15', callerNumber: '0612345678' });
    const callId = engineCallId(t.sipCallId);
    await bridge.stalled; // arm-1 picked up; the bridge is on its way
    await until(() => lab.sim.phones.get('PJSIP/arm-1')!.activeLegs === 1, 'arm-1 answered');
    expect(of(callId, 'CallConnected')).toEqual([]);
    expect(site.state.data.calls[callId]!.pending?.offer?.agentId).toBe('arm-1');
    bridge.release();
    await until(() => of(callId, 'CallConnected').length === 1, 'the answer told');
    await until(() => lab.sim.hears(t.callId).phones.includes('PJSIP/arm-1'), 'the caller hears arm-1');
    await site.settled();
    expect(lab.sim.hears(t.callId).phones).toEqual(['PJSIP/arm-1']); // connectAgent bridged nothing twice
    await fetch(`${lab.url}/sim/calls/${t.callId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[callId], 'the call ended');
    expect(of(callId, 'CallEnded')).toMatchObject([{ answered: true, by: 'caller' }]);
    await until(() => recordings.length === 1, 'its recording closed');
    await expectClean();
  });

  it('a caller who hangs up between the pick-up and the bridge is an abandon, once, never answered', async () => {
    const bridge = stallBridges();
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    const t = lab.sim.injectCall({ line: '15', callerNumber: '0612345678' });
    const callId = engineCallId(t.sipCallId);
    await bridge.stalled;
    await fetch(`${lab.url}/sim/calls/${t.callId}/hangup`, { method: 'POST' });
    await until(() => of(callId, 'CallEnded').length === 1, 'the call ended');
    bridge.release();
    await site.settled();
    expect(of(callId, 'CallEnded')).toMatchObject([{ outcome: 'abandoned', answered: false, by: 'caller' }]);
    expect(of(callId, 'CallConnected')).toEqual([]);
    // arm-1 is free again, its leg released; no recording of a call nobody talked in.
    await until(() => site.state.data.agents['arm-1']!.callId === null, 'arm-1 free');
    await until(() => lab.sim.phones.get('PJSIP/arm-1')!.activeLegs === 0, "arm-1's leg released");
    expect(recordings).toEqual([]);
    expect(lab.sim.media.liveRecordings()).toEqual([]);
    await expectClean();
  });
});
