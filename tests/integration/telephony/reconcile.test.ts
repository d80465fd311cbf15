// The periodic reconciliation against sim-pbx: events the adapter missed (dropped here on their way
// to the engine) leave the PBX and the engine disagreeing; a disagreement seen on two passes is
// healed and counted, one seen once (an event still on its way) is left alone.
import { afterEach, describe, expect, it } from 'vitest';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Event } from '../../../src/core/events.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import type { PbxReconciler } from '../../../src/telephony/ari/reconcile.js';
import { startReconciliation, TelephonyFixes } from '../../../src/app/pbx-reconciliation.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { ariAdapter, silent, startAriSite, until } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

describe('periodic reconciliation of the PBX against the engine', () => {
  let sim: SimPbx;
  let shell: SiteShell;
  let adapter: AriAdapter;
  let reconciler: PbxReconciler;
  let events: Event[];
  let fixes: TelephonyFixes;
  const phones: PhoneClient[] = [];
  /** Commands of these types are "missed": they never reach the engine. */
  let missed = new Set<string>();

  afterEach(async () => {
    reconciler?.stop();
    for (const p of phones.splice(0)) p.close();
    await shell?.stop();
    await adapter?.stop();
    await sim?.close();
  });

  async function boot(): Promise<void> {
    sim = await startSimPbx({ port: 0 });
    missed = new Set();
    const config = exampleConfig((c) => {
      for (const a of c.agents as { autoAnswer: boolean }[]) a.autoAnswer = true;
    });
    adapter = ariAdapter(sim, { onLink: () => undefined });
    ({ site: shell, events } = await startAriSite(adapter, {
      config,
      outbox: true,
      onCommand: (c, at, site) => {
        if (!missed.has(c.type)) void site.dispatch(c, at);
      },
    }));
    fixes = new TelephonyFixes();
    const ended = (id: string) => events.some((e) => e.type === 'CallEnded' && e.callId === id);
    // Passes are run by the test (the timer is far away), so it knows what each pass sees.
    reconciler = startReconciliation({
      site: shell,
      adapter,
      app: sim.app,
      ended,
      everyMs: 3_600_000,
      fixes,
      logger: silent,
    });
  }

  /** A caller on sim-pbx: `callId` is sim-pbx's, `channelId` the engine's call id. */
  async function inject(): Promise<{ callId: string; channelId: string }> {
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678' }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as { callId: string; channelId: string };
  }

  async function phone(agentId: string): Promise<PhoneClient> {
    const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
    p.autoAnswer(0);
    phones.push(p);
    await shell.dispatch({ type: 'agentLogin', agentId });
    return p;
  }

  const kinds = () => Object.fromEntries(fixes.counts);

  it('heals a caller gone without its StasisEnd (abandon counted once) and a missed arrival', async () => {
    await boot();
    const waiting = await inject();
    await until(() => shell.state.data.calls[waiting.channelId]?.pending, 'waiting');
    expect(await reconciler.pass()).toEqual([]); // PBX and engine agree
    missed.add('callerHungUp');
    await fetch(`${sim.url}/sim/calls/${waiting.callId}/hangup`, { method: 'POST' });
    await new Promise((r) => setTimeout(r, 100));
    expect(shell.state.data.calls[waiting.channelId]).toBeDefined(); // the engine missed it
    missed = new Set();
    expect(await reconciler.pass()).toEqual([]); // seen once: maybe an event on its way
    expect((await reconciler.pass()).map((d) => d.kind)).toEqual(['caller-gone']);
    const ended = await until(
      () => events.find((e) => e.type === 'CallEnded' && e.callId === waiting.channelId),
      'abandon',
    );
    expect(ended).toMatchObject({ outcome: 'abandoned', by: 'caller' });

    missed = new Set(['arriveCall']);
    const lost = await inject();
    await new Promise((r) => setTimeout(r, 100));
    expect(shell.state.data.calls[lost.channelId]).toBeUndefined();
    missed = new Set();
    await reconciler.pass();
    expect((await reconciler.pass()).map((d) => d.kind)).toEqual(['unknown-caller']);
    await until(() => shell.state.data.calls[lost.channelId]?.pending, 'the missed arrival queued');
    expect(await reconciler.pass()).toEqual([]);
    await fetch(`${sim.url}/sim/calls/${lost.callId}/hangup`, { method: 'POST' });
    await until(() => Object.keys(shell.state.data.calls).length === 0, 'every call ended');
    expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(2);
    expect(kinds()).toEqual({ 'caller-gone': 1, 'unknown-caller': 1 });
    await shell.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });

  it('heals an agent leg gone without its ChannelDestroyed: the caller goes to the next agent, once', async () => {
    await boot();
    const arm1 = await phone('arm-1');
    const call = await inject();
    await until(
      () => events.some((e) => e.type === 'CallConnected' && e.callId === call.channelId),
      'connected to arm-1',
    );
    missed.add('agentLegLost');
    const leg = String(arm1.messages.filter((m) => m.type === 'invite').at(-1)!.channelId);
    arm1.hangup(leg); // the softphone crashes; the adapter's report is lost
    await new Promise((r) => setTimeout(r, 100));
    expect(shell.state.data.calls[call.channelId]!.parties).toHaveLength(1);
    missed = new Set();
    await phone('arm-2');
    await reconciler.pass();
    expect((await reconciler.pass()).map((d) => d.kind)).toEqual(['leg-gone']);
    await until(
      () =>
        events.some(
          (e) => e.type === 'CallConnected' && e.callId === call.channelId && e.agentId === 'arm-2',
        ),
      'answered by arm-2',
    );
    expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(0); // never the end of the call
    await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
    await until(() => Object.keys(shell.state.data.calls).length === 0, 'call ended');
    expect(kinds()).toEqual({ 'leg-gone': 1 });
    await shell.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  });
});
