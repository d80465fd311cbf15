// A first answer on FreeSWITCH is bridged before the engine hears of it (answer-on-join.ts), so a
// holdCaller the engine decided before that (queued behind the ring that brought the answer, or a
// take-over's plan) reaches the adapter while the caller is already with the agent: it must not take
// the caller out of the bridge (the race fixed on Asterisk in 3749877). And a process that dies
// between that bridge and telling the engine: the next one keeps the answered phone and tells the
// answer, counted once, never cut. Real drachtio-srf and drachtio-fsmrf against sim-fs; sim-fs's
// `stallCommands` holds the uuid_bridge to open the window; nothing is left on the PBX.
/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { createLogger } from '../../../src/ports/logger.js';
import { EffectRunner } from '../../../src/shell/effect-runner.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { exampleConfig } from '../../unit/core/harness.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function until<T>(find: () => T | undefined | null | false, what: string, ms = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let lab: SimFsServer | null = null;
const adapters: DrachtioAdapter[] = [];
const phones: PhoneClient[] = [];
let site: SiteShell | null = null;

afterEach(async () => {
  if (lab) lab.sim.media.stallCommands = null;
  for (const p of phones.splice(0)) p.close();
  await site?.stop();
  site = null;
  for (const a of adapters.splice(0)) await a.stop();
  await lab?.close();
  lab = null;
});

const newAdapter = (l: SimFsServer) => {
  const a = new DrachtioAdapter({
    drachtio: l.drachtio,
    freeswitch: l.esl,
    agentUri: (agentId) => `sip:${agentId}@127.0.0.1:5060`,
    partnerUri: (_p, destination) => `sip:${destination}@127.0.0.1:5096`,
    logger: silent,
  });
  adapters.push(a);
  return a;
};

/** sim-fs holds the next uuid_bridge until released; `stalled` resolves once it is held. */
function stallBridge(l: SimFsServer): { stalled: Promise<void>; release: () => void } {
  let release!: () => void;
  let seen!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stalled = new Promise<void>((r) => (seen = r));
  l.sim.media.stallCommands = (command) => {
    if (!command.startsWith('api uuid_bridge')) return null;
    l.sim.media.stallCommands = null;
    seen();
    return gate;
  };
  return { stalled, release };
}

async function phone(l: SimFsServer, agentId: string): Promise<{ p: PhoneClient; invites: () => number }> {
  const p = await PhoneClient.register(l.endpointsWsUrl, `PJSIP/${agentId}`);
  p.autoAnswer(0);
  phones.push(p);
  let invites = 0;
  p.on('invite', () => (invites += 1));
  return { p, invites: () => invites };
}

async function expectClean(l: SimFsServer): Promise<void> {
  const total = () => {
    const x = l.sim.leftovers();
    return x.dialogs + x.channels + x.conferences + x.outboundSockets + x.phoneLegs;
  };
  await until(() => total() === 0, 'a clean PBX').catch(() => {
    throw new Error(`left on the PBX: ${JSON.stringify(l.sim.leftovers())}`);
  });
}

describe('a first answer on FreeSWITCH and a hold decided before it (drachtio, sim-fs)', () => {
  it('a holdCaller queued behind the ring of a first answer leaves the caller with the agent', async () => {
    lab = await startSimFs({ eslPassword: 'not-ClueCon' });
    const l = lab;
    const told: Command[] = [];
    const adapter = newAdapter(l);
    await adapter.start((cmd) => void told.push(cmd));
    // The engine's part is played here: its effects, in the order it decides them, through the
    // product's own EffectRunner (a call's effects one after the other, a ring starting at once).
    const runner = new EffectRunner((f) => adapter.execute(f), silent);
    const arm = await phone(l, 'arm-1');
    const bridge = stallBridge(l);
    const t = l.sim.injectCall({ line: '15', callerNumber: '0612345678' });
    const callId = engineCallId(t.sipCallId);
    await until(() => told.some((c) => c.type === 'arriveCall'), 'the arrival told');
    void runner.schedule({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
    void runner.schedule({
      type: 'ringAgent',
      callId,
      agentId: 'arm-1',
      autoAnswer: true,
      timeoutSeconds: 30,
    });
    await bridge.stalled; // arm-1 answered; its bridge with the caller is on its way
    // Decided before the engine hears of the answer: queued behind the ring, run once it is bridged.
    const staleHold = runner.schedule({ type: 'holdCaller', callId, queueId: 'n1', music: 'other' });
    bridge.release();
    await until(() => told.some((c) => c.type === 'answerOffer'), 'the answer told');
    expect(await staleHold).toBe(true);
    await runner.settled();
    expect(l.sim.hears(t.callId)).toEqual({ music: null, phones: ['PJSIP/arm-1'] });
    // The engine takes the answer: connectAgent finds the caller with arm-1 already.
    await runner.schedule({ type: 'connectAgent', callId, agentId: 'arm-1', conference: false });
    expect(l.sim.hears(t.callId)).toEqual({ music: null, phones: ['PJSIP/arm-1'] });
    expect(l.sim.phones.get('PJSIP/arm-1')!.activeLegs).toBe(1);
    expect(arm.invites()).toBe(1);
    // A hold decided after the answer is the engine's own: arm-1 released, the caller hears music
    // again, the music kept from the stale hold.
    void runner.schedule({ type: 'releaseAgent', callId, agentId: 'arm-1' });
    await runner.schedule({ type: 'holdCaller', callId, queueId: 'n1', music: 'default' });
    await until(() => l.sim.hears(t.callId).music !== null, 'the caller on hold again');
    expect(l.sim.hears(t.callId).phones).toEqual([]);
    await runner.schedule({ type: 'hangUp', callId, reason: 'normal' });
    await runner.settled();
    await expectClean(l);
  });

  for (const when of ['after the bridge', 'before the bridge'] as const)
    it(`a leader killed ${when} of a first answer, before the engine was told: the next one counts it answered once, never cut`, async () => {
      lab = await startSimFs({ eslPassword: 'not-ClueCon' });
      const l = lab;
      const events: Event[] = [];
      let current: DrachtioAdapter | null = null;
      site = await SiteShell.start({
        config: exampleConfig((c: Record<string, any>) => {
          for (const a of c.agents) a.autoAnswer = true;
        }),
        logger: silent,
        effects: async (f) => {
          await current?.execute(f); // no process holds the PBX: dropped, as in serve
        },
      });
      const s = site;
      s.onEvents((e) => events.push(...e));
      const of = (type: Event['type'], callId: string) =>
        events.filter((e) => e.type === type && 'callId' in e && e.callId === callId);
      // The first process: what it tells reaches the engine until it dies.
      let alive = true;
      const first = newAdapter(l);
      await first.start((cmd, at) => {
        if (alive) void s.dispatch(cmd, at);
      });
      current = first;
      const arm = await phone(l, 'arm-1');
      expect((await s.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
      const bridge = stallBridge(l);
      const t = l.sim.injectCall({ line: '15', callerNumber: '0612345678' });
      const callId = engineCallId(t.sipCallId);
      await bridge.stalled; // arm-1 answered; the bridge is held
      alive = false; // whatever it tells from now on is lost with it
      if (when === 'after the bridge') {
        bridge.release();
        await until(() => l.sim.hears(t.callId).phones.includes('PJSIP/arm-1'), 'bridged');
      }
      current = null;
      await first.stop(); // its event sockets close: a bridge still held is never carried out
      await until(() => l.sim.drachtio.appCount === 0, 'the app gone from drachtio');
      bridge.release();
      expect(of('CallConnected', callId)).toEqual([]);
      expect(s.state.data.calls[callId]!.pending?.offer?.agentId).toBe('arm-1');

      const next = newAdapter(l);
      await next.start((cmd, at) => void s.dispatch(cmd, at));
      current = next;
      const report = await next.adopt(telephonyPlan(s.state, Date.now()));
      expect(report).toMatchObject({ callers: 1, answers: 1, strays: 0, rung: 0, held: 0 });
      await until(() => of('CallConnected', callId).length === 1, 'the answer told');
      await until(() => l.sim.hears(t.callId).phones.includes('PJSIP/arm-1'), 'the caller with arm-1');
      await s.settled();
      expect(l.sim.hears(t.callId)).toEqual({ music: null, phones: ['PJSIP/arm-1'] });
      expect(arm.invites()).toBe(1); // never cut and rung again
      expect(l.sim.phones.get('PJSIP/arm-1')!.activeLegs).toBe(1);

      await fetch(`${l.url}/sim/calls/${t.callId}/hangup`, { method: 'POST' });
      await until(() => !s.state.data.calls[callId], 'the call ended');
      expect(of('CallArrived', callId)).toHaveLength(1);
      expect(of('CallConnected', callId)).toHaveLength(1);
      expect(of('CallEnded', callId)).toMatchObject([{ answered: true, by: 'caller' }]);
      await s.settled();
      await expectClean(l);
    });
});
