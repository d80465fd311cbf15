/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
// The Asterisk adapter through the real ari-client against sim-pbx: calls held with music, agents
// rung and bridged, the caller moved to N2 without being cut, P0 with the doctor conferenced in,
// abandons, ring-no-answer, unreachable agents, a dropped WebSocket, a caller hanging up in
// conversation and agent legs lost (never the end of the call). Every test ends its calls and
// checks the PBX's hygiene: no channel left, no bridge without a reason.
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject as provided, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { Command } from '../../../src/core/commands.js';
import type { SiteConfig } from '../../../src/core/config.js';
import type { Event } from '../../../src/core/events.js';
import { LEG_LOST_PAUSE_REASON } from '../../../src/core/rules/lost-leg.js';
import { rollUp } from '../../../src/core/indicators/spans.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { indicate } from '../../unit/indicators/drive.js';
import { expectCleanPbx } from './pbx-hygiene.js';

/** The adapter suite on the one site shell, with the in-memory or the Redis command log. */
export function adapterSuite(log: 'memory' | 'redis'): void {
  let sim: SimPbx;
  let adapter: AriAdapter;
  let runtime: SiteShell;
  let events: Event[];
  let pbxDown = false;
  /** The old leader's last moments: what its adapter saw never reached the store. */
  let loseCommands = false;
  const sink = (cmd: Command, at: number) => {
    if (!loseCommands) runtime.dispatch(cmd, at);
  };
  const phones: PhoneClient[] = [];
  const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

  async function until<T>(
    find: () => T | undefined | false | Promise<T | undefined | false>,
    what: string,
    ms = 4000,
  ): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = await find();
      if (v) return v;
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  function newAdapter(endpointOf: (agentId: string) => string): AriAdapter {
    return new AriAdapter({
      url: sim.ariUrl,
      user: sim.user,
      password: sim.password,
      app: sim.app,
      endpointOf,
      logger: silent,
    });
  }

  /** The site the adapter drives (the one place that builds it, so the shell can replace it). */
  function newRuntime(config: SiteConfig): Promise<SiteShell> {
    return SiteShell.start({
      config,
      logger: silent,
      // While no process holds the PBX (take-over), effects have nowhere to go, as in `serve`.
      effects: (f) => (pbxDown ? Promise.resolve() : adapter.execute(f)),
      ...(log === 'redis' ? { store: { redisUrl: provided('redisUrl') } } : {}),
    });
  }

  async function boot(patch: (c: Record<string, any>) => void = () => {}) {
    sim = await startSimPbx({ port: 0 });
    // On Redis each test is a site of its own (its own streams).
    const config = exampleConfig((c) => {
      patch(c);
      if (log === 'redis') c.id = `t${randomBytes(4).toString('hex')}`;
    });
    adapter = newAdapter((id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`);
    runtime = await newRuntime(config);
    events = [];
    runtime.onEvents((e) => events.push(...e));
    await adapter.start(sink);
  }

  async function phone(agentId: string, answerAfterMs: number | null = 0): Promise<PhoneClient> {
    const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${agentId}`);
    if (answerAfterMs !== null) p.autoAnswer(answerAfterMs);
    phones.push(p);
    await runtime.dispatch({ type: 'agentLogin', agentId });
    return p;
  }

  async function inject(
    extra: Record<string, unknown> = {},
  ): Promise<{ simCallId: string; channelId: string }> {
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678', callerName: 'Jean Dupont', ...extra }),
    });
    expect(r.status).toBe(201);
    const body = (await r.json()) as { callId: string; channelId: string };
    return { simCallId: body.callId, channelId: body.channelId };
  }

  const timeline = (simCallId: string) => sim.pbx.timelines.calls.get(simCallId)!;
  const connectedTo = (callId: string, agentId: string) =>
    events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);

  async function callerHangsUp(simCallId: string): Promise<void> {
    const r = await fetch(`${sim.url}/sim/calls/${simCallId}/hangup`, { method: 'POST' });
    expect(r.status).toBe(204);
  }

  /** The end of every test: the engine's effects carried out, then nothing left on the PBX. */
  async function expectCleanPbxAtEnd(): Promise<void> {
    await runtime.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
  }

  /** The channel of the phone's latest call (the agent leg sim-pbx invited it to). */
  const legOf = (p: PhoneClient) => String(p.messages.filter((m) => m.type === 'invite').at(-1)!.channelId);

  /** "Appels décrochés" over every span, from the events the site emitted. */
  const answeredCalls = () =>
    [...rollUp(indicate(runtime.state.data.config, events), 'year').values()].reduce(
      (n, span) => n + span.all.calls.answered,
      0,
    );

  /** The members of the call's mixing bridge, as the PBX shows them. */
  async function mixingMembers(callId: string): Promise<string[]> {
    const r = await fetch(`${sim.ariUrl}/ari/bridges?api_key=${sim.user}:${sim.password}`);
    const bridges = (await r.json()) as { name: string; channels: string[] }[];
    return bridges.find((b) => b.name === `call-${callId}`)?.channels ?? [];
  }

  beforeEach(() => {
    events = [];
    pbxDown = false;
    loseCommands = false;
  });

  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    await runtime?.stop();
    await adapter?.stop();
    await sim?.close();
  });

  describe('the ARI adapter against sim-pbx', () => {
    it('holds a caller with music, connects an N1 ARM, moves a P1 to N2 AMU without cutting it, and ends it', async () => {
      await boot();
      await phone('arm-1');
      await phone('arm-5');
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await until(() => timeline(simCallId).answeredBy, 'caller bridged with the ARM');
      expect(events.find((e) => e.type === 'CallArrived')).toMatchObject({
        callerNumber: '0612345678',
        line: '15',
      });
      expect(
        (
          await runtime.dispatch({
            type: 'qualifyCall',
            callId: channelId,
            agentId: 'arm-1',
            qualification: 'P1',
          })
        ).ok,
      ).toBe(true);
      expect((await runtime.dispatch({ type: 'transferCall', callId: channelId, agentId: 'arm-1' })).ok).toBe(
        true,
      );
      await until(() => connectedTo(channelId, 'arm-5'), 'N2 AMU connected');
      await runtime.settled();
      await until(
        () => timeline(simCallId).agents.includes('PJSIP/arm-5') || timeline(simCallId).agentLegs.length >= 2,
        'caller bridged with N2',
      );
      expect(timeline(simCallId).endedAtMs).toBeNull(); // never cut by the transfer
      await runtime.dispatch({
        type: 'hangUp',
        callId: channelId,
        agentId: 'arm-5',
        disposition: 'envoi-moyens',
      });
      await until(() => timeline(simCallId).endedAtMs, 'call ended');
      expect(timeline(simCallId).endedBy).toBe('pbx');
      expect(events.filter((e) => e.type === 'CallEnded')).toHaveLength(1);
      await expectCleanPbxAtEnd();
    });

    it('conferences the emergency doctor into a P0 kept by the N1 ARM, and releases both when the caller hangs up', async () => {
      await boot();
      const arm = await phone('arm-1');
      const doctor = await phone('mru-1');
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await runtime.dispatch({
        type: 'qualifyCall',
        callId: channelId,
        agentId: 'arm-1',
        qualification: 'P0',
      });
      await runtime.dispatch({ type: 'bringInDoctor', callId: channelId, agentId: 'arm-1' });
      await until(() => connectedTo(channelId, 'mru-1'), 'doctor connected');
      await runtime.settled();
      const bridge = (await (await fetch(`${sim.ariUrl}/ari/bridges?api_key=asterisk:asterisk`)).json()) as {
        name: string;
        channels: string[];
      }[];
      expect(bridge.find((b) => b.name === `call-${channelId}`)!.channels).toHaveLength(3);
      await callerHangsUp(simCallId);
      await until(() => events.some((e) => e.type === 'CallEnded'), 'call ended');
      await expectCleanPbxAtEnd();
      for (const p of [arm, doctor]) expect(p.messages.some((m) => m.type === 'hungup')).toBe(true);
    });

    it('sees an abandon at once when the caller hangs up while held', async () => {
      await boot();
      const { simCallId, channelId } = await inject();
      await until(() => events.some((e) => e.type === 'CallQueued'), 'queued');
      await callerHangsUp(simCallId);
      const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'abandon');
      expect(ended).toMatchObject({ callId: channelId, outcome: 'abandoned', by: 'caller' });
      await expectCleanPbxAtEnd();
    });

    it('gives the call back to the queue when the agent does not answer, and pauses the agent', async () => {
      await boot((c) => {
        const a = c.agents.find((x: { id: string }) => x.id === 'arm-1');
        a.autoAnswer = false;
        a.ringNoAnswerSeconds = 1;
      });
      await phone('arm-1', null);
      const { simCallId, channelId } = await inject();
      const failed = await until(
        () => events.find((e) => e.type === 'CallOfferFailed'),
        'ring-no-answer',
        4000,
      );
      expect(failed).toMatchObject({ callId: channelId, agentId: 'arm-1', reason: 'no-answer' });
      expect(runtime.state.data.agents['arm-1']).toMatchObject({
        status: 'paused',
        pauseReason: 'non-réponse',
      });
      expect(runtime.state.data.calls[channelId]!.pending!.queueId).toBe('n1');
      await callerHangsUp(simCallId);
      await until(() => events.some((e) => e.type === 'CallEnded'), 'abandon');
      await expectCleanPbxAtEnd();
    });

    it('reports an agent whose endpoint is not registered as unreachable and keeps the call waiting', async () => {
      await boot();
      await runtime.dispatch({ type: 'agentLogin', agentId: 'arm-2' }); // no phone registered
      const { simCallId, channelId } = await inject();
      const failed = await until(() => events.find((e) => e.type === 'CallOfferFailed'), 'originate failure');
      expect(failed).toMatchObject({ callId: channelId, reason: 'unreachable' });
      expect(runtime.state.data.calls[channelId]!.pending).not.toBeNull();
      await callerHangsUp(simCallId);
      await until(() => events.some((e) => e.type === 'CallEnded'), 'abandon');
      await expectCleanPbxAtEnd();
    });

    it('keeps handling every call after the ARI WebSocket drops, counting nothing twice', async () => {
      await boot((c) => {
        for (const a of c.agents) a.autoAnswer = true;
      });
      await phone('arm-1');
      const first = await inject();
      await until(() => connectedTo(first.channelId, 'arm-1'), 'first call connected');
      const waiting = [await inject(), await inject(), await inject()];
      await until(
        () => waiting.every((w) => runtime.state.data.calls[w.channelId]?.pending),
        'three callers waiting',
      );
      await fetch(`${sim.url}/sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dropAriWebSocket: true }),
      });
      await until(() => adapter.connected, 'reconnected', 8000);
      await fetch(`${sim.url}/sim/calls/${waiting[2]!.simCallId}/hangup`, { method: 'POST' });
      await until(
        () => !runtime.state.data.calls[waiting[2]!.channelId],
        'abandon seen after the drop',
        8000,
      );
      await runtime.dispatch({ type: 'hangUp', callId: first.channelId, agentId: 'arm-1' });
      await until(
        () => connectedTo(waiting[0]!.channelId, 'arm-1'),
        'next caller connected after the drop',
        8000,
      );
      const arrived = events
        .filter((e) => e.type === 'CallArrived')
        .map((e) => (e as { callId: string }).callId);
      expect(new Set(arrived).size).toBe(arrived.length);
      expect(arrived).toHaveLength(4);
      for (const w of waiting.slice(0, 2)) await callerHangsUp(w.simCallId);
      await until(() => Object.keys(runtime.state.data.calls).length === 0, 'every call ended');
      await expectCleanPbxAtEnd();
    });

    it('at a take-over, hangs up a caller whose call the engine already ended: never a second arrival', async () => {
      await boot((c) => {
        for (const a of c.agents) a.autoAnswer = true;
      });
      await phone('arm-1');
      const call = await inject();
      await until(() => connectedTo(call.channelId, 'arm-1'), 'connected');
      // The leader loses the PBX; the agent ends the call meanwhile: the hang-ups have nowhere to go.
      await adapter.stop();
      pbxDown = true;
      expect((await runtime.dispatch({ type: 'hangUp', callId: call.channelId, agentId: 'arm-1' })).ok).toBe(
        true,
      );
      expect(timeline(call.simCallId).endedAtMs).toBeNull(); // the caller is still on the PBX
      const next = newAdapter((id) => `PJSIP/${id}`);
      adapter = next;
      await next.start(sink);
      pbxDown = false;
      const ended = (id: string) => events.some((e) => e.type === 'CallEnded' && e.callId === id);
      const report = await next.adopt(telephonyPlan(runtime.state, Date.now()), { ended });
      expect(report).toMatchObject({ ended: 1, arrived: 0 });
      await until(() => timeline(call.simCallId).endedAtMs !== null, 'the caller hung up by the new leader');
      expect(events.filter((e) => e.type === 'CallArrived' && e.callId === call.channelId)).toHaveLength(1);
      expect(answeredCalls()).toBe(1);
      await expectCleanPbxAtEnd();
    });

    it('takes over calls in progress from a dead leader: no call orphaned, none counted twice', async () => {
      await boot((c) => {
        for (const a of c.agents) a.autoAnswer = true;
      });
      await phone('arm-1');
      const talking = await inject();
      await until(() => connectedTo(talking.channelId, 'arm-1'), 'first call connected');
      const waiting = await inject();
      const leaving = await inject();
      await until(
        () => [waiting, leaving].every((w) => runtime.state.data.calls[w.channelId]?.pending),
        'two callers waiting',
      );
      // The old leader sees a caller arrive but dies before its arrival is stored.
      loseCommands = true;
      const lost = await inject();
      expect(timeline(lost.simCallId).route).toBe('stasis');
      await new Promise((r) => setTimeout(r, 150)); // its StasisStart reached the old adapter, and went nowhere
      expect(runtime.state.data.calls[lost.channelId]).toBeUndefined();
      await adapter.stop();
      pbxDown = true;
      loseCommands = false;
      // While nobody holds the PBX: a waiting caller hangs up, an agent logs in and is offered a call
      // (the ring effect has nowhere to go).
      await fetch(`${sim.url}/sim/calls/${leaving.simCallId}/hangup`, { method: 'POST' });
      const late = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-2');
      late.autoAnswer(0);
      phones.push(late);
      await runtime.dispatch({ type: 'agentLogin', agentId: 'arm-2' });
      expect(runtime.state.data.calls[waiting.channelId]!.pending!.offer?.agentId).toBe('arm-2');

      // The new leader connects and re-adopts.
      const next = newAdapter((id) => `PJSIP/${id}`);
      adapter = next;
      await next.start(sink);
      pbxDown = false;
      const report = await next.adopt(telephonyPlan(runtime.state, Date.now()));
      expect(report).toMatchObject({ gone: 1, arrived: 1, rung: 1, strays: 0 });
      expect(report.legs).toBe(1); // arm-1's leg on the first call

      const abandoned = await until(
        () => events.find((e) => e.type === 'CallEnded' && e.callId === leaving.channelId),
        'the caller who left is seen gone',
      );
      expect(abandoned).toMatchObject({ by: 'caller' });
      await until(
        () => connectedTo(waiting.channelId, 'arm-2'),
        'the offer made while down is rung and answered',
      );
      await until(() => runtime.state.data.calls[lost.channelId]?.pending, 'the lost arrival is queued');

      // The adopted call is still driven: arm-1 hangs up, the caller is released by the new adapter,
      // and arm-1 takes the caller whose arrival had been lost.
      await runtime.dispatch({ type: 'hangUp', callId: talking.channelId, agentId: 'arm-1' });
      await until(() => timeline(talking.simCallId).endedAtMs, 'adopted call ended by the new adapter');
      expect(timeline(talking.simCallId).endedBy).toBe('pbx');
      await until(() => connectedTo(lost.channelId, 'arm-1'), 'lost arrival connected', 10_000);
      const arrived = events
        .filter((e) => e.type === 'CallArrived')
        .map((e) => (e as { callId: string }).callId);
      expect(new Set(arrived).size).toBe(arrived.length);
      expect(timeline(waiting.simCallId).endedAtMs).toBeNull();
      for (const c of [waiting, lost]) await callerHangsUp(c.simCallId);
      await until(() => Object.keys(runtime.state.data.calls).length === 0, 'every call ended');
      await expectCleanPbxAtEnd();
    });
    it('at a take-over, puts a connected caller found outside its call bridge back with its agent', async () => {
      await boot();
      await phone('arm-1');
      const talking = await inject();
      await until(() => connectedTo(talking.channelId, 'arm-1'), 'call connected');
      await until(
        async () => (await mixingMembers(talking.channelId)).includes(talking.channelId),
        'bridged',
      );
      await adapter.stop();
      pbxDown = true;
      // The old leader's bridge died with it: the caller sits in another bridge, heard by nobody.
      const api = `${sim.ariUrl}/ari/bridges`;
      const key = `api_key=${sim.user}:${sim.password}`;
      const stray = (await (await fetch(`${api}?type=holding&${key}`, { method: 'POST' })).json()) as {
        id: string;
      };
      const moved = await fetch(`${api}/${stray.id}/addChannel?channel=${talking.channelId}&${key}`, {
        method: 'POST',
      });
      expect(moved.status).toBe(204);
      expect(await mixingMembers(talking.channelId)).not.toContain(talking.channelId);

      const next = newAdapter((id) => `PJSIP/${id}`);
      adapter = next;
      await next.start(sink);
      pbxDown = false;
      const report = await next.adopt(telephonyPlan(runtime.state, Date.now()));
      expect(report).toMatchObject({ rejoined: 1, arrived: 0, gone: 0, strays: 0 });
      expect(await mixingMembers(talking.channelId)).toContain(talking.channelId);
      await fetch(`${api}/${stray.id}?${key}`, { method: 'DELETE' });
      await callerHangsUp(talking.simCallId);
      await until(() => Object.keys(runtime.state.data.calls).length === 0, 'call ended');
      expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(1);
      await expectCleanPbxAtEnd();
    });

    it("releases the agent's leg when the caller hangs up in conversation", async () => {
      await boot();
      const arm = await phone('arm-1');
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await until(() => timeline(simCallId).answeredBy, 'caller bridged with the ARM');
      await callerHangsUp(simCallId);
      const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'call ended');
      expect(ended).toMatchObject({ by: 'caller', answered: true });
      await expectCleanPbxAtEnd(); // on the old engine: PJSIP/arm-1 left Up in Stasis, for ever
      expect(arm.messages.some((m) => m.type === 'hungup')).toBe(true);
    });

    it("never ends a connected call when the agent's leg drops: the next agent answers the caller, counted once", async () => {
      await boot();
      const arm1 = await phone('arm-1');
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await until(() => timeline(simCallId).answeredBy, 'caller bridged with arm-1');
      await runtime.dispatch({
        type: 'qualifyCall',
        callId: channelId,
        agentId: 'arm-1',
        qualification: 'P1',
      });
      await phone('arm-2'); // available, nothing to answer yet
      arm1.hangup(legOf(arm1)); // the softphone crashes
      await until(() => connectedTo(channelId, 'arm-2'), 'the next ARM connected');
      await until(() => timeline(simCallId).agents.includes('PJSIP/arm-2'), 'caller bridged with arm-2');
      expect(timeline(simCallId).endedAtMs).toBeNull();
      expect(events.find((e) => e.type === 'AgentLeftCall' && e.agentId === 'arm-1')).toMatchObject({
        reason: 'leg-lost',
      });
      expect(runtime.state.data.agents['arm-1']).toMatchObject({
        status: 'paused',
        pauseReason: LEG_LOST_PAUSE_REASON,
      });
      expect(runtime.state.data.calls[channelId]).toMatchObject({ qualification: 'P1' });
      expect(events.some((e) => e.type === 'CallEnded')).toBe(false);
      expect(answeredCalls()).toBe(1);
      await callerHangsUp(simCallId);
      await until(() => events.some((e) => e.type === 'CallEnded'), 'call ended');
      expect(answeredCalls()).toBe(1);
      await expectCleanPbxAtEnd();
    });

    it('keeps the caller when the N1 leg drops during a warm transfer: held, then answered by N2, once', async () => {
      await boot();
      const arm1 = await phone('arm-1');
      const arm5 = await phone('arm-5', null); // rings until answered by hand
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await until(() => timeline(simCallId).answeredBy, 'caller bridged with arm-1');
      await runtime.dispatch({
        type: 'qualifyCall',
        callId: channelId,
        agentId: 'arm-1',
        qualification: 'P1',
      });
      await runtime.dispatch({ type: 'transferCall', callId: channelId, agentId: 'arm-1', mode: 'warm' });
      await until(() => arm5.messages.some((m) => m.type === 'invite'), 'N2 ringing');
      arm1.hangup(legOf(arm1));
      await until(
        () => events.some((e) => e.type === 'AgentLeftCall' && e.reason === 'leg-lost'),
        'the lost leg seen',
      );
      await runtime.settled();
      await until(
        () =>
          timeline(simCallId)
            .entries.filter((x) => x.kind === 'entered-bridge')
            .at(-1)?.detail?.type === 'holding',
        'caller held with music',
      );
      arm5.answer(legOf(arm5));
      await until(() => connectedTo(channelId, 'arm-5'), 'N2 connected');
      await until(() => timeline(simCallId).agents.includes('PJSIP/arm-5'), 'caller bridged with arm-5');
      expect(timeline(simCallId).endedAtMs).toBeNull();
      expect(answeredCalls()).toBe(1);
      await runtime.dispatch({ type: 'hangUp', callId: channelId, agentId: 'arm-5' });
      await until(() => timeline(simCallId).endedAtMs, 'call ended');
      await expectCleanPbxAtEnd();
    });

    it('keeps the caller when the N2 leg drops after a blind transfer: the next N2 ARM answers, once', async () => {
      await boot();
      await phone('arm-1');
      const arm5 = await phone('arm-5');
      await phone('arm-6');
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await runtime.dispatch({
        type: 'qualifyCall',
        callId: channelId,
        agentId: 'arm-1',
        qualification: 'P1',
      });
      await runtime.dispatch({ type: 'transferCall', callId: channelId, agentId: 'arm-1', mode: 'blind' });
      await until(() => connectedTo(channelId, 'arm-5'), 'N2 connected');
      await until(() => timeline(simCallId).agents.includes('PJSIP/arm-5'), 'caller bridged with arm-5');
      arm5.hangup(legOf(arm5));
      await until(() => connectedTo(channelId, 'arm-6'), 'the next N2 ARM connected');
      await until(() => timeline(simCallId).agents.includes('PJSIP/arm-6'), 'caller bridged with arm-6');
      expect(timeline(simCallId).endedAtMs).toBeNull();
      expect(events.filter((e) => e.type === 'CallQueued' && e.reason === 'leg-lost')).toMatchObject([
        { queueId: 'n2-amu' },
      ]);
      expect(answeredCalls()).toBe(1);
      await callerHangsUp(simCallId);
      await until(() => events.some((e) => e.type === 'CallEnded'), 'call ended');
      await expectCleanPbxAtEnd();
    });

    it("keeps the caller with the doctor when the ARM's leg drops in a P0 conference", async () => {
      await boot();
      const arm = await phone('arm-1');
      await phone('mru-1');
      const { simCallId, channelId } = await inject();
      await until(() => connectedTo(channelId, 'arm-1'), 'N1 connected');
      await runtime.dispatch({
        type: 'qualifyCall',
        callId: channelId,
        agentId: 'arm-1',
        qualification: 'P0',
      });
      await runtime.dispatch({ type: 'bringInDoctor', callId: channelId, agentId: 'arm-1' });
      await until(() => connectedTo(channelId, 'mru-1'), 'doctor connected');
      await runtime.settled();
      await until(async () => (await mixingMembers(channelId)).length === 3, 'three in the bridge');
      arm.hangup(legOf(arm));
      await until(
        () => events.some((e) => e.type === 'AgentLeftCall' && e.reason === 'leg-lost'),
        'the lost leg seen',
      );
      await runtime.settled();
      const members = await mixingMembers(channelId);
      expect(members).toHaveLength(2);
      expect(members).toContain(channelId);
      expect(runtime.state.data.calls[channelId]!.parties.map((p) => p.agentId)).toEqual(['mru-1']);
      expect(timeline(simCallId).endedAtMs).toBeNull();
      expect(events.some((e) => e.type === 'CallQueued' && e.reason === 'leg-lost')).toBe(false);
      expect(answeredCalls()).toBe(1);
      await callerHangsUp(simCallId);
      await until(() => events.some((e) => e.type === 'CallEnded'), 'call ended');
      await expectCleanPbxAtEnd();
    });
  });
}
