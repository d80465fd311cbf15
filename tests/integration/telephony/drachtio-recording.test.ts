/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
// Call recording on FreeSWITCH (docs/recording.md): the site's switch `recording: {enabled, format}`
// with the drachtio adapter, through the real drachtio-srf and drachtio-fsmrf against sim-fs, the
// engine running for real. One file per call, on the caller's channel from the first agent answer to
// the end, through a transfer N1 → N2 (held, then bridged again); stopped at the end and reported
// once on FreeSWITCH's RECORD_STOP; followed by a process taking the call over; nothing with the
// switch off. Each test ends every call and then checks the PBX holds nothing more.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import { callRef } from '../../../src/lrm/call-ref.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import type { FsRecordingAvailable } from '../../../src/telephony/drachtio/call-recording.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function until<T>(find: () => T | undefined | null | false, what: string, ms = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let dir = '';
let lab: SimFsServer | null = null;
let adapter: DrachtioAdapter | null = null;
let site: SiteShell | null = null;
const phones: PhoneClient[] = [];
let events: Event[] = [];
let recordings: FsRecordingAvailable[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sas-acd-fs-recordings-'));
  events = [];
  recordings = [];
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site?.stop();
  await adapter?.stop();
  await lab?.close();
  site = null;
  adapter = null;
  lab = null;
  rmSync(dir, { recursive: true, force: true });
});

function newAdapter(siteId: string): DrachtioAdapter {
  const live = () => site!.state.data.config;
  return new DrachtioAdapter({
    drachtio: lab!.drachtio,
    freeswitch: lab!.esl,
    agentUri: (agentId) => `sip:${agentId}@127.0.0.1:5060`,
    partnerUri: (_p, destination) => `sip:${destination}@127.0.0.1:5096`,
    outboundUri: (number) => `sip:${number}@127.0.0.1:5060`,
    recordingsDir: dir,
    recording: {
      enabled: () => live().recording?.enabled === true,
      format: () => live().recording?.format ?? 'wav',
      nameOf: (callId) => callRef(siteId, callId),
    },
    onRecording: (r) => recordings.push(r),
    logger: silent,
  });
}

async function boot(recording: { enabled: boolean; format?: string }): Promise<void> {
  lab = await startSimFs({ eslPassword: 'not-ClueCon', recordingsDir: dir });
  site = await SiteShell.start({
    config: exampleConfig((c: Record<string, any>) => {
      c.recording = recording;
    }),
    logger: silent,
    effects: (f) => adapter!.execute(f),
  });
  site.onEvents((e) => events.push(...e));
  adapter = newAdapter(site.state.data.config.id);
  await adapter.start((cmd, at) => void site!.dispatch(cmd, at));
}

async function phone(agentId: string, login = true): Promise<PhoneClient> {
  const p = await PhoneClient.register(lab!.endpointsWsUrl, `PJSIP/${agentId}`);
  p.autoAnswer(20);
  phones.push(p);
  if (login) expect((await site!.dispatch({ type: 'agentLogin', agentId })).ok).toBe(true);
  return p;
}

async function inject(): Promise<{ simId: string; callId: string }> {
  const r = await fetch(`${lab!.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
  });
  const b = (await r.json()) as { callId: string; sipCallId: string };
  return { simId: b.callId, callId: engineCallId(b.sipCallId) };
}

const connectedTo = (callId: string, agentId: string) =>
  events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);

async function expectClean(): Promise<void> {
  await site!.settled();
  const total = () => {
    const l = lab!.sim.leftovers();
    return l.dialogs + l.channels + l.conferences + l.outboundSockets + l.phoneLegs;
  };
  await until(() => total() === 0, 'a clean PBX').catch(() => {
    throw new Error(`left on the PBX: ${JSON.stringify(lab!.sim.leftovers())}`);
  });
  expect(lab!.sim.media.liveRecordings()).toEqual([]);
}

describe('call recording on FreeSWITCH (drachtio adapter, sim-fs)', () => {
  it('records a call answered, transferred N1 → N2 and ended as one file, reported once', async () => {
    await boot({ enabled: true });
    await phone('arm-1');
    await phone('arm-5');
    const { simId, callId } = await inject();
    const name = callRef(site!.state.data.config.id, callId);
    const path = join(dir, `${name}.wav`);
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => lab!.sim.media.liveRecordings().length === 1, 'the recording started');
    expect(lab!.sim.media.liveRecordings()).toEqual([path]);

    await site!.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P1' });
    expect((await site!.dispatch({ type: 'transferCall', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => connectedTo(callId, 'arm-5'), 'N2 connected');
    await site!.settled();
    // The same recording went on through the hold and the second agent: not stopped, not split.
    expect(lab!.sim.media.liveRecordings()).toEqual([path]);
    expect(recordings).toEqual([]);

    await site!.dispatch({ type: 'hangUp', callId, agentId: 'arm-5', disposition: 'envoi-moyens' });
    await until(() => lab!.sim.timeline(simId)!.endedAtMs !== null, 'call ended');
    await until(() => recordings.length > 0, 'the recording reported');
    expect(recordings).toEqual([expect.objectContaining({ callId, name, format: 'wav' })]);
    expect(recordings[0]!.durationSeconds).toBeGreaterThanOrEqual(0);
    // sim-fs wrote the file FreeSWITCH would, named after the call's reference.
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('RIFF');
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
    await expectClean();
    expect(recordings).toHaveLength(1); // nothing reported twice by the clean-up
  });

  it('ends and reports the recording in the site format when the caller hangs up in conversation', async () => {
    await boot({ enabled: true, format: 'alaw' });
    await phone('arm-1');
    const { simId, callId } = await inject();
    const name = callRef(site!.state.data.config.id, callId);
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => lab!.sim.media.liveRecordings().length === 1, 'the recording started');
    expect(lab!.sim.media.liveRecordings()).toEqual([join(dir, `${name}.alaw`)]);
    await fetch(`${lab!.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
    await until(() => recordings.length > 0, 'the recording reported');
    expect(recordings).toEqual([expect.objectContaining({ callId, name, format: 'alaw' })]);
    await expectClean();
  });

  it('a process taking the call over follows its recording: one file, stopped and reported by it', async () => {
    await boot({ enabled: true });
    await phone('arm-1');
    const { simId, callId } = await inject();
    const name = callRef(site!.state.data.config.id, callId);
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => lab!.sim.media.liveRecordings().length === 1, 'the recording started');
    await site!.settled();
    await adapter!.stop(); // the old process goes; the call and its recording stay on FreeSWITCH
    const next = newAdapter(site!.state.data.config.id);
    adapter = next;
    await next.start((cmd, at) => void site!.dispatch(cmd, at));
    const report = await next.adopt(telephonyPlan(site!.state, Date.now()));
    expect(report).toMatchObject({ callers: 1, legs: 1, gone: 0 });
    expect(lab!.sim.media.liveRecordings()).toHaveLength(1); // not started a second time
    await site!.dispatch({ type: 'hangUp', callId, agentId: 'arm-1', disposition: 'envoi-moyens' });
    await until(() => lab!.sim.timeline(simId)!.endedAtMs !== null, 'call ended');
    await until(() => recordings.length > 0, 'the recording reported by the new process');
    expect(recordings).toEqual([expect.objectContaining({ callId, name, format: 'wav' })]);
    await expectClean();
  });

  it('records nothing when the site has not turned recording on (the default)', async () => {
    await boot({ enabled: false });
    await phone('arm-1');
    const { simId, callId } = await inject();
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await site!.settled();
    expect(lab!.sim.media.liveRecordings()).toEqual([]);
    await site!.dispatch({ type: 'hangUp', callId, agentId: 'arm-1', disposition: 'envoi-moyens' });
    await until(() => lab!.sim.timeline(simId)!.endedAtMs !== null, 'call ended');
    await expectClean();
    expect(recordings).toEqual([]);
  });

  it("records a click-to-dial (far end bridged with the agent's phone) under its own reference, reported once", async () => {
    await boot({ enabled: true });
    await phone('arm-1');
    const far = await phone('0240000000', false);
    const placed = await site!.dispatch({
      type: 'dialOut',
      callId: 'out-1',
      agentId: 'arm-1',
      number: '0240000000',
      purpose: 'click-to-dial',
    });
    expect(placed.ok).toBe(true);
    const name = callRef(site!.state.data.config.id, 'out-1');
    await until(() => lab!.sim.media.liveRecordings().length === 1, 'the recording started');
    expect(lab!.sim.media.liveRecordings()).toEqual([join(dir, `${name}.wav`)]);
    // The called party hangs up: the outside call ends, its recording is closed and reported once.
    const leg = far.messages.find((m) => m.type === 'ok' && m.request === 'answer')!;
    far.hangup(String(leg.channelId));
    await until(() => recordings.length > 0, 'the recording reported');
    expect(recordings).toEqual([expect.objectContaining({ callId: 'out-1', name, format: 'wav' })]);
    expect(
      readFileSync(join(dir, `${name}.wav`))
        .subarray(0, 4)
        .toString(),
    ).toBe('RIFF');
    await expectClean();
    expect(recordings).toHaveLength(1);
  });

  it("a number dialled from a call joins that call's conference and its one recording", async () => {
    await boot({ enabled: true });
    await phone('arm-1');
    await phone('0240000001', false);
    const { simId, callId } = await inject();
    const name = callRef(site!.state.data.config.id, callId);
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => lab!.sim.media.liveRecordings().length === 1, 'the recording started');
    const placed = await site!.dispatch({
      type: 'dialOut',
      callId: 'out-2',
      agentId: 'arm-1',
      number: '0240000001',
      purpose: 'click-to-dial',
      parentCallId: callId,
    });
    expect(placed.ok).toBe(true);
    await until(() => lab!.sim.hears(simId).phones.length === 2, 'the far end in the call');
    expect(lab!.sim.hears(simId).phones.sort()).toEqual(['PJSIP/0240000001', 'PJSIP/arm-1']);
    expect(lab!.sim.media.liveRecordings()).toEqual([join(dir, `${name}.wav`)]); // the call's file only
    await site!.dispatch({ type: 'hangUp', callId: 'out-2', agentId: 'arm-1' });
    await site!.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await until(() => recordings.length > 0, 'the recording reported');
    await expectClean();
    expect(recordings).toEqual([expect.objectContaining({ callId, name })]);
  });
});
