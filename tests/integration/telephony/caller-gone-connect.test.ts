// A caller who hangs up while the ACD connects an agent (src/telephony/ari/caller-gone.ts), through
// the real ari-client against sim-pbx. The interleaving the replay found at speed 40 is forced by
// holding the adapter's commands back: the agent's leg answers (answerOffer held), the caller hangs
// up and the adapter hears it, then the engine decides the answer and the hang-up in that order, so
// connectAgent is carried out for a caller already gone. A lost StasisEnd (dropped on sim-pbx's app
// bus, as across a link hiccup) is covered too: the effect's "Channel not found" ends the call.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { takeOverPbx } from '../../../src/app/pbx-take-over.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function until<T>(find: () => T | undefined | false, what: string, ms = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a caller who hangs up while the ACD connects an agent', () => {
  let sim: SimPbx;
  let shell: SiteShell;
  let adapter: AriAdapter;
  let events: Event[];
  /** Commands of these types wait here instead of reaching the engine. */
  let holding: Set<Command['type']>;
  let held: { command: Command; at: number }[];
  let seen: Command[];
  const phones: PhoneClient[] = [];

  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    await shell?.stop();
    await adapter?.stop();
    await sim?.close();
  });

  async function boot(): Promise<void> {
    sim = await startSimPbx({ port: 0 });
    events = [];
    holding = new Set();
    held = [];
    seen = [];
    adapter = new AriAdapter({
      url: sim.ariUrl,
      user: sim.user,
      password: sim.password,
      app: sim.app,
      endpointOf: (id) => `PJSIP/${id}`,
      logger: silent,
      onLink: () => undefined,
    });
    shell = await SiteShell.start({
      config: exampleConfig(),
      logger: silent,
      outbox: true,
      effects: (f) => adapter.execute(f),
      onEvents: (e) => events.push(...e),
    });
    await adapter.start((command: Command, at: number) => {
      seen.push(command);
      if (holding.has(command.type)) held.push({ command, at });
      else void shell.dispatch(command, at);
    });
    await takeOverPbx(shell, adapter, () => false, silent);
  }

  /** Lets the held commands reach the engine, in the order the adapter told them. */
  async function release(): Promise<void> {
    holding.clear();
    for (const { command, at } of held.splice(0)) await shell.dispatch(command, at);
  }

  /** The next StasisEnd of this channel never reaches the ACD. */
  function loseStasisEnd(channelId: string): void {
    const deliver = sim.bus.deliver.bind(sim.bus);
    let lost = false;
    sim.bus.deliver = (app, event) => {
      const e = event as { type?: string; channel?: { id?: string } };
      if (!lost && e.type === 'StasisEnd' && e.channel?.id === channelId) lost = true;
      else deliver(app, event);
    };
  }

  async function inject(): Promise<{ callId: string; channelId: string }> {
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as { callId: string; channelId: string };
  }

  async function callerHangsUp(call: { callId: string }): Promise<void> {
    const r = await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
    expect(r.ok).toBe(true);
    await until(() => sim.pbx.timelines.calls.get(call.callId)?.endedAtMs, 'the caller gone');
  }

  async function agent(agentId: string): Promise<void> {
    const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
    p.autoAnswer(0);
    phones.push(p);
    await shell.dispatch({ type: 'agentLogin', agentId });
  }

  const of = (type: string, callId: string) =>
    events.filter((e) => e.type === type && 'callId' in e && e.callId === callId);

  async function endedOnceAndClean(callId: string): Promise<Event & { type: 'CallEnded' }> {
    await until(() => of('CallEnded', callId).length > 0, 'the call ended in the engine');
    await shell.settled();
    expect(of('CallArrived', callId)).toHaveLength(1);
    expect(of('CallEnded', callId)).toHaveLength(1);
    expect(shell.state.data.calls[callId]).toBeUndefined();
    // No channel (the agent's leg hung up) and no call bridge left on the PBX.
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
    return of('CallEnded', callId)[0] as Event & { type: 'CallEnded' };
  }

  it('after the agent answered, before the bridge: no bridge is made, the leg is hung up, ended once', async () => {
    await boot();
    await agent('arm-1');
    holding.add('answerOffer').add('callerHungUp');
    const call = await inject();
    await until(() => held.some((h) => h.command.type === 'answerOffer'), "the agent's answer");
    await callerHangsUp(call);
    await until(() => held.some((h) => h.command.type === 'callerHungUp'), "the caller's hang-up heard");
    await release();
    const ended = await endedOnceAndClean(call.channelId);
    // The agent picked up while the caller was still there (the PBX's order): the engine's answer.
    expect(ended.by).toBe('caller');
    expect(of('CallConnected', call.channelId)).toHaveLength(1);
    // The PBX never put them together, and the agent is off the call.
    const record = sim.pbx.timelines.calls.get(call.callId)!;
    expect(record.agentLegs).toEqual([]);
    expect(record.endedBy).toBe('caller');
    expect(shell.state.data.agents['arm-1']?.status).toBe('wrap-up'); // off the call, in its after-call time
  });

  it("its StasisEnd lost: connecting fails with 'Channel not found', which ends the call once", async () => {
    await boot();
    await agent('arm-1');
    holding.add('answerOffer');
    const call = await inject();
    await until(() => held.some((h) => h.command.type === 'answerOffer'), "the agent's answer");
    loseStasisEnd(call.channelId);
    await callerHangsUp(call);
    await release();
    const ended = await endedOnceAndClean(call.channelId);
    expect(ended.by).toBe('caller');
    expect(seen.filter((c) => c.type === 'callerHungUp')).toHaveLength(1);
    expect(sim.pbx.timelines.calls.get(call.callId)!.agentLegs).toEqual([]);
    expect(shell.state.data.agents['arm-1']?.status).toBe('wrap-up'); // off the call, in its after-call time
  });

  it("gone before the hold, its StasisEnd lost: 'Channel not found' on the hold counts an abandon", async () => {
    await boot();
    holding.add('arriveCall');
    const call = await inject();
    await until(() => held.length === 1, 'the arrival');
    loseStasisEnd(call.channelId);
    await callerHangsUp(call);
    await release();
    const ended = await endedOnceAndClean(call.channelId);
    expect(ended.outcome).toBe('abandoned');
    expect(ended.answered).toBe(false);
    expect(seen.filter((c) => c.type === 'callerHungUp')).toHaveLength(1);
  });
});
