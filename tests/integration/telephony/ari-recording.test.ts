// Call recording through the real ari-client against sim-pbx (issue 25, docs/recording.md): with the
// site's switch on, a call answered at N1, transferred to N2 (the caller held, then bridged again)
// and ended has ONE recording, named after the call's public reference, live from the first answer
// through the transfer, stopped at the end, reported once and listed by the PBX's stored
// recordings; the caller hanging up ends it too; with the switch off (the default) nothing is
// recorded. Every test ends with no channel, no bridge and no live recording left on the PBX.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Effect } from '../../../src/core/effects.js';
import type { Event } from '../../../src/core/events.js';
import { recordsCalls } from '../../../src/core/recording-config.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { callRef } from '../../../src/lrm/call-ref.js';
import { recordingAvailableEvent } from '../../../src/lrm/recording-event.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import type { RecordingAvailable } from '../../../src/telephony/ari/call-recording.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { ariAdapter, silent, until } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

let sim: SimPbx;
let adapter: AriAdapter;
let site: SiteShell;
let events: Event[];
let recordings: RecordingAvailable[];
let effects: Effect[];
const phones: PhoneClient[] = [];

let dir: string;

async function boot(recording: boolean, recordingDir: string | null = dir): Promise<void> {
  sim = await startSimPbx({ port: 0, ...(recordingDir ? { recordingDir } : {}) });
  const config = exampleConfig((c) => {
    if (recording) c.recording = { enabled: true };
  });
  expect(recordsCalls(config)).toBe(recording);
  effects = [];
  site = await SiteShell.start({
    config,
    logger: silent,
    effects: (f) => {
      effects.push(f);
      return adapter.execute(f);
    },
  });
  events = [];
  recordings = [];
  site.onEvents((e) => events.push(...e));
  adapter = newAdapter(config.id);
  await adapter.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
}

function newAdapter(siteId: string): AriAdapter {
  return ariAdapter(sim, {
    recording: {
      enabled: () => recordsCalls(site.state.data.config),
      format: () => site.state.data.config.recording?.format ?? 'wav',
      nameOf: (callId) => callRef(siteId, callId),
    },
    onRecording: (r) => recordings.push(r),
  });
}

async function phone(agentId: string): Promise<void> {
  const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
  p.autoAnswer(0);
  phones.push(p);
  await site.dispatch({ type: 'agentLogin', agentId });
}

async function inject(): Promise<{ simCallId: string; callId: string }> {
  const r = await fetch(`${sim.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
  });
  expect(r.status).toBe(201);
  const body = (await r.json()) as { callId: string; channelId: string };
  return { simCallId: body.callId, callId: body.channelId };
}

async function ari<T>(path: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${sim.ariUrl}/ari${path}?api_key=${sim.user}:${sim.password}`);
  return { status: r.status, body: (r.status === 200 ? await r.json() : null) as T };
}

const connectedTo = (callId: string, agentId: string) =>
  events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);

async function expectCleanPbxAtEnd(): Promise<void> {
  await site.settled();
  await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  expect([...sim.pbx.recordings.live.keys()]).toEqual([]); // no recording left running
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sas-acd-recordings-'));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site?.stop();
  await adapter?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('call recording through ARI against sim-pbx', () => {
  it('records a call answered, transferred N1 → N2 and ended as one file, reported once and stored', async () => {
    await boot(true);
    await phone('arm-1');
    await phone('arm-5');
    const { simCallId, callId } = await inject();
    const name = callRef(site.state.data.config.id, callId);
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    const live = await until(async () => {
      const r = await ari<{ state: string; target_uri: string }>(`/recordings/live/${name}`);
      return r.status === 200 && r.body.state === 'recording' && r.body;
    }, 'the bridge recording started');
    const bridges = (await ari<{ id: string; name: string }[]>('/bridges')).body;
    expect(live.target_uri).toBe(`bridge:${bridges.find((b) => b.name === `call-${callId}`)!.id}`);
    // Started once the call's channels were in the bridge: its events go to our application.
    expect(sim.pbx.recordings.live.get(name)?.app).toBe(sim.app);

    await site.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P1' });
    expect((await site.dispatch({ type: 'transferCall', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => connectedTo(callId, 'arm-5'), 'N2 connected');
    await site.settled();
    // Between the two agents the caller was held (moved to the queue's holding bridge and back).
    const held = effects.filter((f) => f.type === 'holdCaller' && f.callId === callId);
    expect(held.length).toBeGreaterThanOrEqual(2); // on arrival, and while waiting for N2
    // The same recording went on through the hold and the second agent: not stopped, not split.
    expect((await ari<{ state: string }>(`/recordings/live/${name}`)).body.state).toBe('recording');
    expect([...sim.pbx.recordings.live.keys()]).toEqual([name]);
    expect(recordings).toEqual([]);

    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-5', disposition: 'envoi-moyens' });
    await until(() => sim.pbx.timelines.calls.get(simCallId)?.endedAtMs, 'call ended');
    await until(() => recordings.length > 0, 'the recording reported');
    expect(recordings).toHaveLength(1);
    expect(recordings[0]).toMatchObject({ callId, name, format: 'wav' });
    expect(recordings[0]!.durationSeconds).toBeGreaterThanOrEqual(0);
    const stored = await ari<{ name: string; format: string }[]>('/recordings/stored');
    expect(stored.body).toEqual([{ name, format: 'wav' }]);
    expect((await ari(`/recordings/live/${name}`)).status).toBe(404);
    // sim-pbx wrote the file where Asterisk would (its recording directory), named after the call.
    expect(
      readFileSync(join(dir, `${name}.wav`))
        .subarray(0, 4)
        .toString(),
    ).toBe('RIFF');

    // What the LRM receives for it.
    const lrm = recordingAvailableEvent(site.state.data.config.id, recordings[0]!);
    expect(lrm).toMatchObject({ type: 'recording.available', callId, callRef: name });
    expect(lrm.data).toMatchObject({ name, format: 'wav' });
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
    await expectCleanPbxAtEnd();
    expect(recordings).toHaveLength(1); // nothing reported twice by the clean-up
  });

  it('ends and reports the recording when the caller hangs up in conversation', async () => {
    await boot(true);
    await phone('arm-1');
    const { simCallId, callId } = await inject();
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => sim.pbx.recordings.live.size === 1, 'recording started');
    const r = await fetch(`${sim.url}/sim/calls/${simCallId}/hangup`, { method: 'POST' });
    expect(r.status).toBe(204);
    await until(() => recordings.length > 0, 'the recording reported');
    expect(recordings.map((x) => x.callId)).toEqual([callId]);
    expect((await ari<{ name: string }[]>('/recordings/stored')).body.map((s) => s.name)).toEqual([
      callRef(site.state.data.config.id, callId),
    ]);
    await expectCleanPbxAtEnd();
  });

  it('a new leader follows the recording of a call it takes over: one file, stopped and reported by it', async () => {
    await boot(true);
    await phone('arm-1');
    const { simCallId, callId } = await inject();
    const name = callRef(site.state.data.config.id, callId);
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => sim.pbx.recordings.live.get(name)?.state === 'recording', 'recording started');
    await site.settled();
    await adapter.stop(); // the old leader goes; the call and its recording stay on the PBX
    const next = newAdapter(site.state.data.config.id);
    adapter = next;
    await next.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
    await next.adopt(telephonyPlan(site.state, Date.now()));
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1', disposition: 'envoi-moyens' });
    await until(() => sim.pbx.timelines.calls.get(simCallId)?.endedAtMs, 'call ended');
    await until(() => recordings.length > 0, 'the recording reported by the new leader');
    expect(recordings).toEqual([expect.objectContaining({ callId, name })]);
    expect((await ari<{ name: string }[]>('/recordings/stored')).body.map((x) => x.name)).toEqual([name]);
    await expectCleanPbxAtEnd();
  });

  it('never loses the call when the PBX cannot record (no recording directory): logged, not reported', async () => {
    await boot(true, join(dir, 'missing'));
    await phone('arm-1');
    const { simCallId, callId } = await inject();
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await until(() => sim.pbx.timelines.calls.get(simCallId)?.answeredBy, 'caller bridged with the ARM');
    await site.settled();
    expect(sim.pbx.recordings.live.size).toBe(0);
    expect((await ari('/recordings/stored')).status).toBe(500); // as Asterisk: "Allocation failed"
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1', disposition: 'envoi-moyens' });
    await until(() => sim.pbx.timelines.calls.get(simCallId)?.endedAtMs, 'call ended');
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
    await expectCleanPbxAtEnd();
    expect(recordings).toEqual([]);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('records nothing when the site has not turned recording on (the default)', async () => {
    await boot(false);
    await phone('arm-1');
    const { simCallId, callId } = await inject();
    await until(() => connectedTo(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1', disposition: 'envoi-moyens' });
    await until(() => sim.pbx.timelines.calls.get(simCallId)?.endedAtMs, 'call ended');
    await expectCleanPbxAtEnd();
    expect((await ari<unknown[]>('/recordings/stored')).body).toEqual([]);
    expect(recordings).toEqual([]);
  });
});
