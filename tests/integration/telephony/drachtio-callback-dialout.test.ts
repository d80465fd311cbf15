/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
// The FreeSWITCH adapter's callback offer (the caller waiting at MG presses "1") and outside calls
// (dialOut), through the real drachtio-srf and drachtio-fsmrf against sim-fs, the engine running for
// real. Each test ends every call and then checks the PBX holds nothing more.
import { afterEach, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
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
  startFsSite,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(8000);

type World = {
  lab: SimFsServer;
  adapter: DrachtioAdapter;
  runtime: SiteShell;
  events: Event[];
  phones: PhoneClient[];
};
let world: World | null = null;

afterEach(async () => {
  if (!world) return;
  for (const p of world.phones) p.close();
  await world.runtime.stop();
  await world.adapter.stop();
  await world.lab.close();
  world = null;
});

async function boot(patch: (c: Record<string, any>) => void = () => {}): Promise<World> {
  const lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  const adapter = drachtioAdapter(lab, { outboundUri: (number) => `sip:${number}@127.0.0.1:5060` });
  const { site: runtime, events } = await startFsSite(adapter, { config: exampleConfig(patch) });
  world = { lab, adapter, runtime, events, phones: [] };
  return world;
}

const phone = (w: World, endpoint: string, answerMs: number | null = 0) =>
  fsPhone(w.lab, w.phones, endpoint, answerMs);

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const inject = (w: World) => injectFsCall(w.lab);

const ofType = (w: World, type: string) => w.events.filter((e) => e.type === type);

async function expectClean(w: World): Promise<void> {
  await w.runtime.settled();
  await expectCleanFs(w.lab);
}

/** A P2 transferred to MG while the only GP regulator is paused: it waits where a callback is offered. */
async function waitingAtMg(w: World): Promise<{ simId: string; callId: string }> {
  await phone(w, 'PJSIP/arm-1');
  for (const agentId of ['arm-1', 'mrg-1'])
    expect((await w.runtime.dispatch({ type: 'agentLogin', agentId })).ok).toBe(true);
  await w.runtime.dispatch({ type: 'agentPause', agentId: 'mrg-1', reason: 'réunion' });
  const call = await inject(w);
  await until(() => w.runtime.state.data.calls[call.callId]?.parties.length, 'N1 connected');
  await w.runtime.dispatch({
    type: 'qualifyCall',
    callId: call.callId,
    agentId: 'arm-1',
    qualification: 'P2',
  });
  expect((await w.runtime.dispatch({ type: 'transferCall', callId: call.callId, agentId: 'arm-1' })).ok).toBe(
    true,
  );
  await until(() => ofType(w, 'CallbackOffered').length, 'callback offered');
  return call;
}

const mgSite = (c: Record<string, any>) => {
  c.routing.mgHours = 'always';
  c.routing.callbackOfferAfterSeconds = 1;
};

describe('FreeSWITCH adapter: callback offer and outside calls (sim-fs)', () => {
  it('takes a callback when the waiting caller presses 1: a task, the call ended once, the caller released', async () => {
    const w = await boot(mgSite);
    const call = await waitingAtMg(w);
    // Keys that are not "1" change nothing.
    expect((await post(`${w.lab.url}/sim/calls/${call.simId}/dtmf`, { digits: '9' })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.runtime.state.data.calls[call.callId]?.pending).toBeTruthy();
    expect((await post(`${w.lab.url}/sim/calls/${call.simId}/dtmf`, { digits: '11' })).status).toBe(204);
    const ended = await until(
      () => ofType(w, 'CallEnded').find((e) => (e as { callId: string }).callId === call.callId),
      'call ended with a callback',
    );
    expect(ended).toMatchObject({ outcome: 'callback' });
    expect(ofType(w, 'CallbackTaskCreated')).toHaveLength(1); // "11": one task, not two
    await until(() => w.lab.sim.timeline(call.simId)!.endedAtMs !== null, 'caller released');
    expect(w.lab.sim.timeline(call.simId)!.endedBy).toBe('pbx');
    await expectClean(w);
  });

  it('plays the queue music again after the callback prompt to a caller who keeps waiting', async () => {
    const w = await boot(mgSite);
    const call = await waitingAtMg(w);
    await until(() => w.lab.sim.hears(call.simId).music === 'sas-acd/rappel-tapez-1.wav', 'the prompt');
    await until(() => /^local_stream:/.test(w.lab.sim.hears(call.simId).music ?? ''), 'music again');
    await post(`${w.lab.url}/sim/calls/${call.simId}/hangup`, {});
    await until(() => ofType(w, 'CallEnded').length, 'abandon seen');
    await expectClean(w);
  });

  it('refuses bad DTMF requests and changes nothing', async () => {
    const w = await boot();
    const call = await inject(w);
    await until(() => w.lab.sim.hears(call.simId).music, 'held');
    expect((await post(`${w.lab.url}/sim/calls/${call.simId}/dtmf`, { digits: 'x' })).status).toBe(400);
    expect((await post(`${w.lab.url}/sim/calls/${call.simId}/dtmf`, {})).status).toBe(400);
    expect((await post(`${w.lab.url}/sim/calls/nope/dtmf`, { digits: '1' })).status).toBe(404);
    expect(w.runtime.state.data.calls[call.callId]?.pending).toBeTruthy();
    await post(`${w.lab.url}/sim/calls/${call.simId}/hangup`, {});
    await until(() => ofType(w, 'CallEnded').length, 'abandon seen');
    expect((await post(`${w.lab.url}/sim/calls/${call.simId}/dtmf`, { digits: '1' })).status).toBe(409);
    await expectClean(w);
  });

  it("places an outside call bridged with the agent's phone, and the agent ends it: the far end released", async () => {
    const w = await boot();
    const far = await phone(w, 'PJSIP/0240000000', 20);
    const arm1 = await phone(w, 'PJSIP/arm-1', 0);
    expect((await w.runtime.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
    const placed = await w.runtime.dispatch({
      type: 'dialOut',
      callId: 'out-1',
      agentId: 'arm-1',
      number: '0240000000',
      purpose: 'click-to-dial',
    });
    expect(placed.ok).toBe(true);
    await until(() => far.messages.some((m) => m.type === 'ok' && m.request === 'answer'), 'answered');
    // The agent's own phone rang too (from the number dialled) and shares media with the far end.
    expect(arm1.messages.find((m) => m.type === 'invite')?.caller).toMatchObject({ number: '0240000000' });
    const farPort = w.lab.sim.phones.get('PJSIP/0240000000')!.mediaPort;
    const armPort = w.lab.sim.phones.get('PJSIP/arm-1')!.mediaPort;
    await until(() => w.lab.sim.media.peersOfMediaPort(farPort).withPorts.includes(armPort), 'bridged');
    await w.runtime.dispatch({ type: 'hangUp', callId: 'out-1', agentId: 'arm-1' });
    await until(() => far.messages.some((m: PhoneMessage) => m.type === 'hungup'), 'far end released');
    expect(ofType(w, 'CallEnded').filter((e) => (e as { callId: string }).callId === 'out-1')).toHaveLength(
      1,
    );
    await expectClean(w);
  });

  it('ends an outside call when the called party hangs up, and one that could not be placed', async () => {
    const w = await boot();
    const far = await phone(w, 'PJSIP/0240000001', 20);
    await phone(w, 'PJSIP/arm-1', 0);
    expect((await w.runtime.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
    await w.runtime.dispatch({
      type: 'dialOut',
      callId: 'out-2',
      agentId: 'arm-1',
      number: '0240000001',
      purpose: 'click-to-dial',
    });
    const answered = await until(
      () => far.messages.find((m) => m.type === 'ok' && m.request === 'answer'),
      'answered',
    );
    far.hangup(answered.channelId!);
    await until(() => !w.runtime.state.data.calls['out-2'], 'the outside call ended');
    // Nobody at that number: drachtio answers 503; the call never placed ends, nothing waits for it.
    await w.runtime.dispatch({
      type: 'dialOut',
      callId: 'out-3',
      agentId: 'arm-1',
      number: '0299999999',
      purpose: 'click-to-dial',
    });
    await until(() => !w.runtime.state.data.calls['out-3'], 'the unplaced call ended');
    const ended = ofType(w, 'CallEnded').map((e) => (e as { callId: string }).callId);
    expect(ended.filter((id) => id === 'out-2' || id === 'out-3').sort()).toEqual(['out-2', 'out-3']);
    await expectClean(w);
  });

  it("ends an outside call whose agent's phone refuses it, and one whose agent hangs up: once each", async () => {
    const w = await boot();
    await phone(w, 'PJSIP/0240000002', 20);
    const arm1 = await phone(w, 'PJSIP/arm-1', null);
    arm1.on('invite', (m: PhoneMessage) => arm1.reject(String(m.channelId)));
    expect((await w.runtime.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
    const dial = (callId: string) =>
      w.runtime.dispatch({
        type: 'dialOut',
        callId,
        agentId: 'arm-1',
        number: '0240000002',
        purpose: 'click-to-dial',
      });
    expect((await dial('out-4')).ok).toBe(true);
    await until(() => !w.runtime.state.data.calls['out-4'], 'the refused call ended');
    await expectClean(w);
    // Now the agent answers, then hangs up its phone: the outside call ends, the far end is released.
    arm1.removeAllListeners('invite');
    arm1.autoAnswer(0);
    await until(() => w.runtime.state.data.agents['arm-1']?.status === 'available', 'arm-1 free again');
    expect((await dial('out-5')).ok).toBe(true);
    const farPort = w.lab.sim.phones.get('PJSIP/0240000002')!.mediaPort;
    const armPort = w.lab.sim.phones.get('PJSIP/arm-1')!.mediaPort;
    await until(() => w.lab.sim.media.peersOfMediaPort(farPort).withPorts.includes(armPort), 'bridged');
    const leg = arm1.messages.filter((m) => m.type === 'invite').at(-1)!;
    arm1.hangup(String(leg.channelId));
    await until(() => !w.runtime.state.data.calls['out-5'], 'the outside call ended');
    const ended = ofType(w, 'CallEnded').map((e) => (e as { callId: string }).callId);
    expect(ended.filter((id) => id === 'out-4' || id === 'out-5').sort()).toEqual(['out-4', 'out-5']);
    await expectClean(w);
  });
});
