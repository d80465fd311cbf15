/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
// Re-adoption on FreeSWITCH by ANOTHER adapter (a new process after a fail-over), through the real
// drachtio-srf and drachtio-fsmrf against sim-fs, which behaves as recorded in the app-disconnect
// trace: when the app goes, FreeSWITCH keeps its channels (the music goes on) and drachtio its
// dialogs; a caller's BYE while no app is connected is answered 481 and drachtio forgets that
// dialog (its FreeSWITCH leg stays); a new app lists FreeSWITCH's channels and BYEs old dialogs by
// id. The engine runs for real; each test ends every call and then checks the PBX holds nothing
// (no dialog, channel, conference, event socket or phone leg), and that no call counted twice.
import { afterEach, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
  injectFsCall,
  silent,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(8000);

type World = {
  lab: SimFsServer;
  runtime: SiteShell;
  events: Event[];
  phones: PhoneClient[];
  adapter: DrachtioAdapter | null;
};
let world: World | null = null;

afterEach(async () => {
  if (!world) return;
  for (const p of world.phones) p.close();
  await world.runtime.stop();
  await world.adapter?.stop();
  await world.lab.close();
  world = null;
});

const newAdapter = (lab: SimFsServer) => drachtioAdapter(lab);

/** The engine, its effects carried out by whichever adapter holds the PBX now (none while down). */
async function boot(): Promise<World> {
  const lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  const w: World = { lab, runtime: null as unknown as SiteShell, events: [], phones: [], adapter: null };
  w.runtime = await SiteShell.start({
    config: exampleConfig((c: Record<string, any>) => {
      for (const a of c.agents) a.autoAnswer = true;
    }),
    logger: silent,
    effects: async (f) => {
      await w.adapter?.execute(f); // no PBX connection: the effect is dropped, as in serve
    },
  });
  w.runtime.onEvents((e) => w.events.push(...e));
  world = w;
  await attach(w);
  return w;
}

async function attach(w: World): Promise<DrachtioAdapter> {
  const adapter = newAdapter(w.lab);
  await adapter.start((cmd, at) => void w.runtime.dispatch(cmd, at));
  w.adapter = adapter;
  return adapter;
}

/** The process holding drachtio dies: its connections close, nothing is hung up. */
async function crash(w: World): Promise<void> {
  const old = w.adapter!;
  w.adapter = null;
  await old.stop();
  await until(() => w.lab.sim.drachtio.appCount === 0, 'the app gone from drachtio');
}

async function phone(w: World, agentId: string): Promise<PhoneClient> {
  const p = await PhoneClient.register(w.lab.endpointsWsUrl, `PJSIP/${agentId}`);
  p.autoAnswer(0);
  w.phones.push(p);
  expect((await w.runtime.dispatch({ type: 'agentLogin', agentId })).ok).toBe(true);
  return p;
}

const inject = (w: World, callerNumber: string) => injectFsCall(w.lab, { line: '15', callerNumber });

const hears = (w: World, simId: string) => w.lab.sim.hears(simId);
const connectedTo = (w: World, callId: string, agentId: string) =>
  w.runtime.state.data.calls[callId]?.parties.some((p) => p.agentId === agentId) ?? false;
const ofCall = (w: World, type: string, callId: string) =>
  w.events.filter((e) => e.type === type && (e as { callId?: string }).callId === callId);

/** Nothing left on the PBX: no dialog, FreeSWITCH channel, conference, event socket or phone leg. */
async function expectClean(w: World): Promise<void> {
  await w.runtime.settled();
  await expectCleanFs(w.lab);
}

describe('FreeSWITCH: another process takes the calls over (drachtio adapter, sim-fs)', () => {
  it('adopts callers held and connected, sees the one who left, rings the offer made while down', async () => {
    const w = await boot();
    await phone(w, 'arm-1');
    const talking = await inject(w, '0611111111');
    await until(
      () => hears(w, talking.simId).phones.includes('PJSIP/arm-1') && connectedTo(w, talking.callId, 'arm-1'),
      'first call bridged and told',
    );
    const waiting = await inject(w, '0622222222');
    const leaving = await inject(w, '0633333333');
    await until(
      () => hears(w, waiting.simId).music && hears(w, leaving.simId).music,
      'two callers hearing the queue music',
    );

    await crash(w);
    // While nobody holds drachtio: the music goes on; a caller hangs up (drachtio answers 481 and
    // forgets the dialog, FreeSWITCH keeps the leg); an agent logs in and is offered the waiting call.
    expect(hears(w, waiting.simId).music).toBeTruthy();
    await fetch(`${w.lab.url}/sim/calls/${leaving.simId}/hangup`, { method: 'POST' });
    await until(() => w.lab.sim.timeline(leaving.simId)!.endedAtMs !== null, 'the caller left');
    await phone(w, 'arm-2');
    expect(w.runtime.state.data.calls[waiting.callId]!.pending!.offer?.agentId).toBe('arm-2');

    const next = await attach(w);
    const report = await next.adopt(telephonyPlan(w.runtime.state, Date.now()));
    expect(report).toMatchObject({ callers: 2, legs: 1, gone: 1, rung: 1, arrived: 0, strays: 0, ended: 0 });

    expect(
      await until(() => ofCall(w, 'CallEnded', leaving.callId)[0], 'the caller who left is seen gone'),
    ).toMatchObject({ by: 'caller' });
    await until(() => connectedTo(w, waiting.callId, 'arm-2'), 'the offer made while down rung and taken');
    await until(() => hears(w, waiting.simId).phones.includes('PJSIP/arm-2'), 'waiting caller bridged');
    expect(hears(w, talking.simId).phones).toEqual(['PJSIP/arm-1']); // never cut by the take-over

    // The adopted calls are driven by the new process to their end.
    await w.runtime.dispatch({ type: 'hangUp', callId: talking.callId, agentId: 'arm-1' });
    await until(() => w.lab.sim.timeline(talking.simId)!.endedAtMs !== null, 'adopted call ended');
    expect(w.lab.sim.timeline(talking.simId)!.endedBy).toBe('pbx');
    await w.runtime.dispatch({ type: 'hangUp', callId: waiting.callId, agentId: 'arm-2' });
    await until(() => w.lab.sim.timeline(waiting.simId)!.endedAtMs !== null, 'second call ended');

    for (const c of [talking, waiting, leaving]) {
      expect(ofCall(w, 'CallArrived', c.callId), c.callId).toHaveLength(1);
      expect(ofCall(w, 'CallEnded', c.callId), c.callId).toHaveLength(1);
    }
    expect(Object.keys(w.runtime.state.data.calls)).toHaveLength(0);
    await expectClean(w);
  });

  it('hangs up the caller of a call the engine ended while down, with its agent leg: never a second arrival', async () => {
    const w = await boot();
    await phone(w, 'arm-1');
    const call = await inject(w, '0644444444');
    // Bridged, and told (answer-on-join.ts: the answer reaches the engine after the bridge).
    await until(
      () => hears(w, call.simId).phones.includes('PJSIP/arm-1') && connectedTo(w, call.callId, 'arm-1'),
      'bridged',
    );
    await crash(w);
    expect((await w.runtime.dispatch({ type: 'hangUp', callId: call.callId, agentId: 'arm-1' })).ok).toBe(
      true,
    );
    expect(w.lab.sim.timeline(call.simId)!.endedAtMs).toBeNull(); // the hang-up had nowhere to go
    const next = await attach(w);
    const ended = (id: string) => ofCall(w, 'CallEnded', id).length > 0;
    const report = await next.adopt(telephonyPlan(w.runtime.state, Date.now()), { ended });
    expect(report).toMatchObject({ ended: 1, arrived: 0, strays: 1, callers: 0 });
    await until(() => w.lab.sim.timeline(call.simId)!.endedAtMs !== null, 'the caller hung up');
    expect(w.lab.sim.timeline(call.simId)!.endedBy).toBe('pbx');
    expect(ofCall(w, 'CallArrived', call.callId)).toHaveLength(1);
    expect(ofCall(w, 'CallEnded', call.callId)).toHaveLength(1);
    await expectClean(w);
  });

  it('sees an adopted phone and caller hang up, though drachtio answers their BYE 481 (the dialog watch)', async () => {
    const w = await boot();
    const p = await phone(w, 'arm-1');
    let channelId = '';
    p.on('invite', (m: { channelId?: string }) => (channelId = String(m.channelId)));
    const call = await inject(w, '0666666666');
    // Bridged, and told (answer-on-join.ts: the answer reaches the engine after the bridge).
    await until(
      () => hears(w, call.simId).phones.includes('PJSIP/arm-1') && connectedTo(w, call.callId, 'arm-1'),
      'bridged',
    );
    await crash(w);
    const next = await attach(w);
    const report = await next.adopt(telephonyPlan(w.runtime.state, Date.now()));
    expect(report).toMatchObject({ callers: 1, legs: 1, gone: 0 });
    // drachtio keeps each dialog with the connection that made it (the dead one): the phone's BYE
    // is answered 481 and dropped; the new process sees it only by checking its dialogs.
    p.hangup(channelId);
    await until(() => !connectedTo(w, call.callId, 'arm-1'), 'the agent leg seen lost');
    await until(() => hears(w, call.simId).music, 'the caller back on hold, not cut');
    expect(w.lab.sim.timeline(call.simId)!.endedAtMs).toBeNull();
    await fetch(`${w.lab.url}/sim/calls/${call.simId}/hangup`, { method: 'POST' });
    expect(
      await until(() => ofCall(w, 'CallEnded', call.callId)[0], 'the caller who hung up seen gone'),
    ).toMatchObject({ by: 'caller' });
    expect(ofCall(w, 'CallEnded', call.callId)).toHaveLength(1);
    await expectClean(w);
  });

  it('takes a caller the engine never heard of for an arrival (its state lost), once', async () => {
    const w = await boot();
    const call = await inject(w, '0655555555');
    await until(() => hears(w, call.simId).music, 'held');
    await crash(w);
    // A new engine with no memory of the call (e.g. its state was lost): the caller is still held.
    await w.runtime.stop();
    const events: Event[] = [];
    w.runtime = await SiteShell.start({
      config: exampleConfig(),
      logger: silent,
      effects: async (f) => {
        await w.adapter?.execute(f);
      },
    });
    w.runtime.onEvents((e) => events.push(...e));
    const next = await attach(w);
    const report = await next.adopt(telephonyPlan(w.runtime.state, Date.now()));
    expect(report).toMatchObject({ callers: 1, arrived: 1 });
    const arrived = await until(
      () => events.find((e) => e.type === 'CallArrived'),
      'the caller arrives in the new engine',
    );
    expect(arrived).toMatchObject({ callId: call.callId, line: '15', callerNumber: '0655555555' });
    await until(() => w.runtime.state.data.calls[call.callId]?.pending, 'queued');
    expect(hears(w, call.simId).music).toBeTruthy();
    await fetch(`${w.lab.url}/sim/calls/${call.simId}/hangup`, { method: 'POST' });
    await until(() => events.find((e) => e.type === 'CallEnded'), 'the adopted caller hangs up, seen');
    expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(1);
    await expectClean(w);
  });
});
