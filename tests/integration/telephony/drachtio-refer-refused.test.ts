// A partner SAS redirect (REFER after answer) that the caller's side refuses, as a real FreeSWITCH
// does for a one-legged call ("Cannot Blind Transfer 1 Legged calls": a final "403" NOTIFY at once,
// before the REFER's 202). Through the real drachtio-srf and drachtio-fsmrf against sim-fs, the
// engine running for real: the caller is never cut, comes back (redirectFailed) under a new id into
// its queue with its music, is not sent to that partner again, and is answered by the next agent.
// Every test ends with nothing left on the PBX.
/* eslint-disable @typescript-eslint/no-explicit-any -- a raw JSON config patched */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import type { FsRecordingAvailable } from '../../../src/telephony/drachtio/call-recording.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
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
    recordingsDir: '/tmp/sas-acd-refer-refused', // sim-fs writes no file
    recording: { enabled: () => true, format: () => 'wav', nameOf: (id) => `rec-${id.slice(-16)}` },
    onRecording: (r) => recordings.push(r),
  });
  ({ site, events } = await startFsSite(adapter));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await lab.close();
});

async function expectClean(): Promise<void> {
  await site.settled();
  await expectCleanFs(lab);
}

/** A caller on line 15 whose side refuses REFERs, waiting with its queue's music. */
async function waitingCaller(): Promise<{ simId: string; callId: string }> {
  const t = lab.sim.injectCall({ line: '15', callerNumber: '0612345678', refusesRefer: true });
  const callId = engineCallId(t.sipCallId);
  await until(() => site.state.data.calls[callId]?.pending, 'the caller waiting');
  await until(() => lab.sim.hears(t.callId).music, 'the caller hears music');
  return { simId: t.callId, callId };
}

const ended = (callId: string) => events.filter((e) => e.type === 'CallEnded' && e.callId === callId);

describe('a partner redirect the caller side refuses (drachtio, sim-fs)', () => {
  it('a supervisor redirect: the caller stays, back in its queue with music, then answered by the next agent', async () => {
    const { simId, callId } = await waitingCaller();
    expect((await site.dispatch({ type: 'redirectCall', callId, partnerId: '85' })).ok).toBe(true);
    const back = `${callId}_r1`;
    await until(() => site.state.data.calls[back]?.pending, 'the caller back in its queue');
    expect(ended(callId)).toMatchObject([{ outcome: 'redirected' }]);
    expect(events.find((e) => e.type === 'CallArrived' && e.callId === back)).toMatchObject({
      returnedFrom: { partnerId: '85', callId },
      callerNumber: '0612345678',
    });
    expect(site.state.data.calls[back]!.pending!.queueId).toBe('n1');
    const timeline = lab.sim.calls.get(simId)!.timeline;
    expect(timeline.refusedReferTo).toEqual(['partner-sas-85@127.0.0.1:5096'].map((u) => `sip:${u}`));
    expect(timeline.referredTo).toBeNull();
    // Never cut: still up on the trunk and hearing its music after the engine's hang-up of the old id.
    await site.settled();
    expect(timeline.endedAtMs).toBeNull();
    await until(() => lab.sim.hears(simId).music, 'the music again');

    // The next agent answers it; one arrival answered, one end per id.
    const arm = await PhoneClient.register(lab.endpointsWsUrl, 'PJSIP/arm-1');
    arm.autoAnswer(0);
    phones.push(arm);
    await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
    await until(() => lab.sim.hears(simId).phones.includes('PJSIP/arm-1'), 'the caller hears arm-1');
    // Told once the caller is with arm-1 (answer-on-join.ts): waited for, not read at the bridge.
    await until(() => site.state.data.calls[back]?.parties.length, 'the answer told');
    expect(site.state.data.calls[back]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    await fetch(`${lab.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[back], 'the call ended with the caller');
    expect(ended(back)).toMatchObject([{ by: 'caller', outcome: expect.not.stringMatching('abandoned') }]);
    expect(ended(callId)).toHaveLength(1);
    // One recording for the answered call, under its own id, closed once the caller left.
    await until(() => recordings.length === 1, 'the recording closed');
    expect(recordings[0]!.callId).toBe(back);
    await expectClean();
  });

  it('an overflow after the wait: redirected once, kept waiting (no loop), an abandon once the caller hangs up', async () => {
    // n1 overflows to the partner after 1 s of wait.
    await site.dispatch({
      type: 'replaceConfig',
      config: exampleConfig((c: Record<string, any>) => {
        c.queues[0].overflow.partner = { partnerId: '85', afterSeconds: 1 };
      }),
    });
    const { simId, callId } = await waitingCaller();
    const back = `${callId}_r1`;
    await until(() => site.state.data.calls[back]?.pending, 'the caller back after the refused overflow');
    expect(ended(callId)).toMatchObject([{ outcome: 'redirected' }]);
    // Never again towards that partner: its overflow deadline is not armed for the returned caller.
    expect(site.state.data.calls[back]!.pending).toMatchObject({ queueId: 'n1', partnerAt: null });
    await until(() => lab.sim.hears(simId).music, 'the music again');
    await fetch(`${lab.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => !site.state.data.calls[back], 'the caller hung up');
    expect(ended(back)).toMatchObject([{ by: 'caller', outcome: 'abandoned' }]);
    expect(events.filter((e) => e.type === 'CallRedirected')).toHaveLength(1);
    expect(lab.sim.calls.get(simId)!.timeline.refusedReferTo).toHaveLength(1);
    await expectClean();
  });
});
