/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
// One suite of port-level scenarios run against both telephony adapters with their simulators:
// Asterisk (ARI adapter, sim-pbx) and FreeSWITCH (drachtio adapter, sim-fs). The engine runs for
// real; each test ends every call and then checks the PBX holds nothing more (no channel, dialog,
// endpoint, bridge or conference left behind).
import { afterEach, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import type { PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { asteriskBackend, freeswitchBackend, type Backend, type TestPhone } from './port-backends.js';
import { realFreeswitchBackend, realServers } from './port-backend-real-freeswitch.js';
import { silent, until } from './harness.js';

type World = { backend: Backend; runtime: SiteShell; events: Event[]; phones: TestPhone[] };
let world: World | null = null;

/** The engine runtime for one test, its effects carried out by the backend's adapter. */
async function boot(
  make: () => Promise<Backend>,
  patch: (c: Record<string, any>) => void = () => {},
): Promise<World> {
  const backend = await make();
  const runtime = await SiteShell.start({
    config: exampleConfig(patch),
    logger: silent,
    effects: (f) => backend.port.execute(f),
  });
  const events: Event[] = [];
  runtime.onEvents((e) => events.push(...e));
  await backend.port.start((cmd, at) => runtime.dispatch(cmd, at));
  world = { backend, runtime, events, phones: [] };
  return world;
}

async function phone(w: World, agentId: string, onInvite?: (p: TestPhone, m: PhoneMessage) => void) {
  const p = await w.backend.phone(`PJSIP/${agentId}`);
  if (onInvite) p.on('invite', (m: PhoneMessage) => onInvite(p, m));
  w.phones.push(p);
  await w.runtime.dispatch({ type: 'agentLogin', agentId });
  return p;
}

const answerAt = (ms: number) => (p: TestPhone, m: PhoneMessage) =>
  setTimeout(() => p.answer(m.channelId!), ms);
const connected = (w: World, callId: string, agentId: string) =>
  w.events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);
const endedEvent = (w: World, callId: string) =>
  w.events.find((e) => e.type === 'CallEnded' && (e as { callId: string }).callId === callId) as
    (Event & { outcome: string; by: string }) | undefined;

/** Each phone hangs up the calls it answered and still holds. */
function hangUpPhones(w: World): void {
  for (const p of w.phones) {
    const open = new Set<string>();
    for (const m of p.messages) {
      if (m.type === 'ok' && m.request === 'answer' && m.channelId) open.add(m.channelId);
      if ((m.type === 'hungup' || m.type === 'cancelled') && m.channelId) open.delete(m.channelId);
    }
    for (const id of open) p.hangup(id);
  }
}

/** Every call over: nothing of them may remain on the PBX. */
async function expectClean(w: World): Promise<void> {
  await w.runtime.settled();
  await until(async () => (await w.backend.leftovers()) === 0, 'no leg left on the PBX', 15_000).catch(
    async () => {
      throw new Error(`legs left on the PBX: ${await w.backend.leftovers()}`);
    },
  );
}

afterEach(async () => {
  if (!world) return;
  for (const p of world.phones) p.close();
  await world.runtime.stop();
  await world.backend.close();
  world = null;
});

const backends: [string, () => Promise<Backend>][] = [
  ['Asterisk (ARI adapter, sim-pbx)', () => asteriskBackend(silent)],
  ['FreeSWITCH (drachtio adapter, sim-fs)', () => freeswitchBackend(silent)],
  // With DRACHTIO_URL, FREESWITCH_ESL, DRACHTIO_SIP and FAR_SIP: the real servers, FreeSWITCH's far
  // profile as callers and phones (port-backend-real-freeswitch.ts); absent otherwise.
];
if (realServers)
  backends.push([
    'FreeSWITCH (drachtio adapter, real drachtio-server + FreeSWITCH)',
    () => realFreeswitchBackend(silent),
  ]);

describe.each(backends)('port scenarios on %s', (name, make) => {
  // The far FreeSWITCH refuses a REFER for its one-legged caller (redirectFailed, covered by
  // real-freeswitch-far) and ends its call on a 302: no partner SAS to take the caller there.
  const partner = !name.includes('real');
  it('holds an arriving caller with music, and sees the abandon at once', async () => {
    const w = await boot(make);
    const { simId, callId } = await w.backend.inject({ callerName: 'Jean Dupont' });
    const arrived = await until(() => w.events.find((e) => e.type === 'CallArrived'), 'arrival');
    expect(arrived).toMatchObject({ callId, line: '15', callerNumber: '0612345678' });
    await until(async () => (await w.backend.hears(simId)).music, 'hold music');
    await w.backend.hangupCaller(simId);
    expect(await until(() => endedEvent(w, callId), 'abandon')).toMatchObject({
      outcome: 'abandoned',
      by: 'caller',
    });
    await expectClean(w);
  });

  it('rings an agent, bridges on answer, and ends the call when the agent hangs up', async () => {
    const w = await boot(make, (c) => {
      for (const a of c.agents) a.autoAnswer = false;
    });
    await phone(w, 'arm-1', answerAt(30));
    const { simId, callId } = await w.backend.inject();
    await until(() => connected(w, callId, 'arm-1'), 'connected');
    await until(async () => (await w.backend.hears(simId)).agents.includes('arm-1'), 'caller hears arm-1');
    expect((await w.backend.hears(simId)).music).toBe(false);
    expect(
      (await w.runtime.dispatch({ type: 'hangUp', callId, agentId: 'arm-1', disposition: 'envoi-moyens' }))
        .ok,
    ).toBe(true);
    expect(await until(() => w.backend.ended(simId), 'caller released')).toMatchObject({ by: 'pbx' });
    expect(w.events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
    await expectClean(w);
  });

  it('transfers a P1 from the N1 ARM to the N2 AMU without cutting the caller', async () => {
    const w = await boot(make);
    await phone(w, 'arm-1', answerAt(0));
    await phone(w, 'arm-5', answerAt(0));
    const { simId, callId } = await w.backend.inject();
    await until(() => connected(w, callId, 'arm-1'), 'N1 connected');
    await w.runtime.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P1' });
    expect((await w.runtime.dispatch({ type: 'transferCall', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => connected(w, callId, 'arm-5'), 'N2 connected');
    await until(async () => {
      const h = await w.backend.hears(simId);
      return h.agents.length === 1 && h.agents[0] === 'arm-5';
    }, 'caller hears only arm-5');
    expect(await w.backend.ended(simId)).toBeNull(); // never cut by the transfer
    await w.runtime.dispatch({ type: 'hangUp', callId, agentId: 'arm-5', disposition: 'envoi-moyens' });
    await until(() => w.backend.ended(simId), 'call ended');
    await expectClean(w);
  });

  it('brings the doctor into a P0 kept by the N1 ARM (three parties hear each other)', async () => {
    const w = await boot(make);
    await phone(w, 'arm-1', answerAt(0));
    await phone(w, 'mru-1', answerAt(0));
    const { simId, callId } = await w.backend.inject();
    await until(() => connected(w, callId, 'arm-1'), 'N1 connected');
    await w.runtime.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P0' });
    expect((await w.runtime.dispatch({ type: 'bringInDoctor', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => connected(w, callId, 'mru-1'), 'doctor connected');
    await until(
      async () => (await w.backend.hears(simId)).agents.length === 2,
      'caller hears ARM and doctor',
    );
    expect((await w.backend.hears(simId)).agents.sort()).toEqual(['arm-1', 'mru-1']);
    await w.backend.hangupCaller(simId);
    await until(() => endedEvent(w, callId), 'call ended');
    // The agents hang up their phones once the caller is gone (on FreeSWITCH the adapter has
    // already released their legs, so there is nothing left to hang up).
    hangUpPhones(w);
    await expectClean(w);
  });

  it('sees the caller hang up while an agent rings, and stops the ringing', async () => {
    const w = await boot(make, (c) => {
      for (const a of c.agents) a.autoAnswer = false;
    });
    const p = await phone(w, 'arm-1');
    const { simId, callId } = await w.backend.inject();
    await until(() => p.messages.some((m) => m.type === 'invite'), 'the phone rings');
    await w.backend.hangupCaller(simId);
    expect(await until(() => endedEvent(w, callId), 'abandon')).toMatchObject({
      outcome: 'abandoned',
      by: 'caller',
    });
    await until(() => p.messages.some((m) => m.type === 'cancelled'), 'ringing stopped');
    await expectClean(w);
  });

  it('gives the call back to the queue when the agent does not answer', async () => {
    const w = await boot(make, (c) => {
      const a = c.agents.find((x: { id: string }) => x.id === 'arm-1');
      a.autoAnswer = false;
      a.ringNoAnswerSeconds = 1;
    });
    const p = await phone(w, 'arm-1');
    const { simId, callId } = await w.backend.inject();
    const failed = await until(() => w.events.find((e) => e.type === 'CallOfferFailed'), 'no answer', 6000);
    expect(failed).toMatchObject({ callId, agentId: 'arm-1', reason: 'no-answer' });
    await until(() => p.messages.some((m) => m.type === 'cancelled'), 'ringing stopped');
    expect(w.runtime.state.data.calls[callId]!.pending!.queueId).toBe('n1');
    expect((await w.backend.hears(simId)).music).toBe(true);
    await w.backend.hangupCaller(simId);
    await until(() => endedEvent(w, callId), 'abandon');
    await expectClean(w);
  });

  it('reports a busy agent and keeps the caller on hold', async () => {
    const w = await boot(make, (c) => {
      for (const a of c.agents) a.autoAnswer = false;
    });
    await phone(w, 'arm-1', (ph, m) => ph.reject(m.channelId!, 486));
    const { simId, callId } = await w.backend.inject();
    const failed = await until(() => w.events.find((e) => e.type === 'CallOfferFailed'), 'busy');
    expect(failed).toMatchObject({ callId, agentId: 'arm-1', reason: 'busy' });
    expect(w.runtime.state.data.calls[callId]!.pending).not.toBeNull();
    await until(async () => (await w.backend.hears(simId)).music, 'still on hold');
    await w.backend.hangupCaller(simId);
    await until(() => endedEvent(w, callId), 'abandon');
    await expectClean(w);
  });

  it('reports an agent whose phone is unreachable and keeps the call waiting', async () => {
    const w = await boot(make);
    await w.runtime.dispatch({ type: 'agentLogin', agentId: 'arm-2' }); // no phone registered
    const { simId, callId } = await w.backend.inject();
    const failed = await until(() => w.events.find((e) => e.type === 'CallOfferFailed'), 'unreachable');
    expect(failed).toMatchObject({ callId, reason: 'unreachable' });
    expect(w.runtime.state.data.calls[callId]!.pending).not.toBeNull();
    await w.backend.hangupCaller(simId);
    await until(() => endedEvent(w, callId), 'abandon');
    await expectClean(w);
  });

  it.skipIf(!partner)(
    'sends a waiting caller to the partner SAS (after answer: REFER on FreeSWITCH)',
    async () => {
      const w = await boot(make);
      const { simId, callId } = await w.backend.inject();
      await until(async () => (await w.backend.hears(simId)).music, 'on hold');
      expect((await w.runtime.dispatch({ type: 'redirectCall', callId, partnerId: '85' })).ok).toBe(true);
      expect(await until(() => w.backend.ended(simId), 'redirected')).toMatchObject({ redirected: true });
      if (!(await w.backend.ended(simId))?.by) await w.backend.hangupCaller(simId); // the talk with the partner ends
      expect(w.events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
      await expectClean(w);
    },
  );

  it.skipIf(!partner)(
    'sends new callers to the partner while the line is switched (before answer: 302 on FreeSWITCH)',
    async () => {
      const w = await boot(make);
      expect((await w.runtime.dispatch({ type: 'switchLine', line: '15', partnerId: '85' })).ok).toBe(true);
      const { simId, callId } = await w.backend.inject();
      expect(await until(() => w.backend.ended(simId), 'redirected')).toMatchObject({ redirected: true });
      if (!(await w.backend.ended(simId))?.by) await w.backend.hangupCaller(simId);
      await until(
        () => w.events.some((e) => e.type === 'CallEnded' && (e as { callId: string }).callId === callId),
        'ended',
      );
      await expectClean(w);
    },
  );

  it('sees a caller who hung up while the PBX connection was down, once it is back, and counts nothing twice', async () => {
    const w = await boot(make);
    const stays = await w.backend.inject({ callerNumber: '0611111111' });
    const leaves = await w.backend.inject({ callerNumber: '0622222222' });
    await until(
      async () => (await w.backend.hears(stays.simId)).music && (await w.backend.hears(leaves.simId)).music,
      'both on hold',
    );
    await w.backend.dropConnection();
    await w.backend.hangupCaller(leaves.simId); // while the adapter is not connected
    expect(
      await until(() => endedEvent(w, leaves.callId), 'abandon seen after the reconnection', 10_000),
    ).toMatchObject({
      outcome: 'abandoned',
      by: 'caller',
    });
    await until(() => w.backend.port.connected, 'reconnected', 10_000);
    expect((await w.backend.hears(stays.simId)).music).toBe(true); // the other caller is still held
    await w.backend.hangupCaller(stays.simId);
    await until(() => endedEvent(w, stays.callId), 'second abandon');
    const arrived = w.events
      .filter((e) => e.type === 'CallArrived')
      .map((e) => (e as { callId: string }).callId);
    expect(arrived).toHaveLength(2);
    expect(w.events.filter((e) => e.type === 'CallEnded')).toHaveLength(2);
    await expectClean(w);
  });
});
