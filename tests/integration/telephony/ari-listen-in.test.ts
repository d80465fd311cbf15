// Supervisor listen / whisper / barge through the real ari-client against sim-pbx (issue 25,
// docs/supervision.md): the supervisor's phone rings and, once answered, is bridged with a snoop
// channel on the agent's leg (spy both; whisper out for a whisper: the agent hears it, the caller
// does not) or joins the call's bridge (barge). The listen-in ends cleanly when the supervisor
// stops, when its phone hangs up, when the agent's leg is transferred and when the call ends; the
// engine's history has every start and end; every test ends with no channel and no bridge left.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import type { Event } from '../../../src/core/events.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import type { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { ariAdapter, startAriSite, until } from './harness.js';
import { expectCleanPbx } from './pbx-hygiene.js';

let sim: SimPbx;
let adapter: AriAdapter;
let site: SiteShell;
let events: Event[];
const phones: PhoneClient[] = [];

type Snoop = { id: string; of: string; spy: string; whisper: string; bridgedWith: string[] };

const newAdapter = () => ariAdapter(sim);

beforeEach(async () => {
  sim = await startSimPbx({ port: 0 });
  const config = exampleConfig();
  adapter = newAdapter();
  // Effects go to the adapter of the moment (a take-over replaces it).
  ({ site, events } = await startAriSite(adapter, { config, effects: (f) => adapter.execute(f) }));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await sim.close();
});

async function phone(endpoint: string, answerAfterMs: number | null = 0): Promise<PhoneClient> {
  const p = await PhoneClient.register(sim.endpointsWsUrl, `PJSIP/${endpoint}`);
  if (answerAfterMs !== null) p.autoAnswer(answerAfterMs);
  phones.push(p);
  return p;
}

async function agent(id: string): Promise<PhoneClient> {
  const p = await phone(id);
  await site.dispatch({ type: 'agentLogin', agentId: id });
  return p;
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

async function ari<T>(path: string): Promise<T> {
  const r = await fetch(`${sim.ariUrl}/ari${path}?api_key=${sim.user}:${sim.password}`);
  return (await r.json()) as T;
}

const snoops = async () =>
  ((await (await fetch(`${sim.url}/sim/snoops`)).json()) as { snoops: Snoop[] }).snoops;
const connected = (callId: string, agentId: string) =>
  events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);
const ends = () => events.filter((e) => e.type === 'ListenEnded');
/** The channel of the supervisor's phone (Stasis args "listen,sup-1,<call>"). */
const supervisorLeg = async (callId: string) =>
  (await ari<{ id: string; dialplan: { app_data: string } }[]>('/channels')).find((c) =>
    c.dialplan.app_data.endsWith(`,listen,sup-1,${callId}`),
  );
const agentLeg = async (agentId: string, callId: string) =>
  (await ari<{ id: string; dialplan: { app_data: string } }[]>('/channels')).find((c) =>
    c.dialplan.app_data.endsWith(`,agent,${agentId},${callId}`),
  );
const clean = async () => {
  await site.settled();
  await until(async () => (await snoops()).length === 0, 'no snoop channel left');
  await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
};

describe('supervisor listen-in on Asterisk (ARI, sim-pbx)', () => {
  it('whisper: the supervisor is bridged with a snoop on the agent leg (spy both, whisper out); stop ends it', async () => {
    await agent('arm-1');
    const sup = await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    const r = await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'whisper' });
    expect(r.ok).toBe(true);
    await until(() => sup.messages.some((m) => m.type === 'invite'), "the supervisor's phone rings");
    const leg = (await agentLeg('arm-1', callId))!;
    const [snoop] = await until(async () => {
      const s = await snoops();
      return s.length === 1 && s[0]!.bridgedWith.length === 1 && s;
    }, 'the snoop bridged with the supervisor');
    const supLeg = (await supervisorLeg(callId))!;
    expect(snoop).toMatchObject({ of: leg.id, spy: 'both', whisper: 'out', bridgedWith: [supLeg.id] });
    // The call's own bridge is untouched: caller and agent only.
    const bridges = await ari<{ name: string; channels: string[] }[]>('/bridges');
    expect(bridges.find((b) => b.name === `call-${callId}`)!.channels.sort()).toEqual(
      [callId, leg.id].sort(),
    );

    expect((await site.dispatch({ type: 'stopListening', callId, supervisorId: 'sup-1' })).ok).toBe(true);
    await until(async () => !(await supervisorLeg(callId)), "the supervisor's phone hung up");
    expect(ends()).toEqual([
      expect.objectContaining({ reason: 'stopped', mode: 'whisper', agentId: 'arm-1' }),
    ]);
    // As on Asterisk, a snoop hung up stays until its (silent) spied leg passes an audio frame: the
    // adapter gives it one, so nothing is left while the call goes on (GET /channels: the caller
    // and the agent only).
    await until(async () => (await snoops()).length === 0, 'the snoop channel gone, the call still up');
    expect((await ari<{ id: string }[]>('/channels')).map((c) => c.id).sort()).toEqual(
      [callId, leg.id].sort(),
    );
    expect(site.state.data.calls[callId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });

  it('listen ends when the agent leg is transferred: no snoop or supervisor channel stays', async () => {
    await agent('arm-1');
    await agent('arm-5');
    await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'listen' });
    const [snoop] = await until(async () => {
      const s = await snoops();
      return s.length === 1 && s[0]!.bridgedWith.length === 1 && s;
    }, 'listening');
    expect(snoop).toMatchObject({ spy: 'both', whisper: 'none' });
    await site.dispatch({ type: 'qualifyCall', callId, agentId: 'arm-1', qualification: 'P1' });
    expect((await site.dispatch({ type: 'transferCall', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => connected(callId, 'arm-5'), 'N2 connected');
    await site.settled();
    await until(
      async () => (await snoops()).length === 0 && !(await supervisorLeg(callId)),
      'listen-in gone',
    );
    expect(ends()).toEqual([expect.objectContaining({ reason: 'agent-left', agentId: 'arm-1' })]);
    expect(site.state.data.calls[callId]!.listeners).toBeUndefined();
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-5' });
    await clean();
  });

  it('barge: the supervisor joins the call bridge; the caller hanging up ends everything', async () => {
    await agent('arm-1');
    await phone('sup-1');
    const { simCallId, callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'barge' });
    const supLeg = await until(() => supervisorLeg(callId), "the supervisor's phone answered");
    await until(async () => {
      const b = (await ari<{ name: string; channels: string[] }[]>('/bridges')).find(
        (x) => x.name === `call-${callId}`,
      );
      return b?.channels.length === 3 && b.channels.includes(supLeg.id);
    }, 'the supervisor in the call bridge');
    expect(await snoops()).toEqual([]); // barging needs no snoop
    expect((await fetch(`${sim.url}/sim/calls/${simCallId}/hangup`, { method: 'POST' })).status).toBe(204);
    await until(() => events.some((e) => e.type === 'CallEnded'), 'call ended');
    expect(ends()).toEqual([expect.objectContaining({ reason: 'call-ended', mode: 'barge' })]);
    expect(events.filter((e) => e.type === 'CallConnected')).toHaveLength(1); // the supervisor is no answer
    await clean();
  });

  it("the supervisor's phone hanging up ends the listen-in, reported once; one that does not answer too", async () => {
    await agent('arm-1');
    const sup = await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'listen' });
    await until(async () => (await snoops())[0]?.bridgedWith.length === 1, 'listening');
    sup.hangup((await supervisorLeg(callId))!.id);
    await until(() => ends().length === 1, 'the end reported');
    expect(ends()[0]).toMatchObject({ reason: 'supervisor-hung-up' });
    await until(async () => (await snoops()).length === 0, 'snoop gone');

    // A phone that refuses: the listen-in ends as unreachable, nothing stays.
    sup.removeAllListeners('invite');
    sup.on('invite', (m: { channelId?: string }) => sup.reject(String(m.channelId)));
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'whisper' });
    await until(() => ends().length === 2, 'the second end reported');
    expect(ends()[1]).toMatchObject({ reason: 'unreachable', mode: 'whisper' });
    expect(site.state.data.calls[callId]!.listeners).toBeUndefined();
    expect(site.state.data.agents['arm-1']!.status).toBe('on-call'); // the call went on throughout
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });

  it('a new leader taking over keeps a listen-in the engine has, and ends it cleanly; never an arrival', async () => {
    await agent('arm-1');
    await phone('sup-1');
    const { callId } = await inject();
    await until(() => connected(callId, 'arm-1'), 'N1 connected');
    await site.dispatch({ type: 'startListening', callId, supervisorId: 'sup-1', mode: 'whisper' });
    await until(async () => (await snoops())[0]?.bridgedWith.length === 1, 'listening');
    await site.settled();
    await adapter.stop(); // the old leader goes; the call and the listen-in stay on the PBX
    adapter = newAdapter();
    await adapter.start((cmd: Command, at: number) => void site.dispatch(cmd, at));
    const report = await adapter.adopt(telephonyPlan(site.state, Date.now()));
    expect(report).toMatchObject({ arrived: 0, strays: 0, gone: 0 });
    expect(events.filter((e) => e.type === 'CallArrived')).toHaveLength(1);
    expect(await snoops()).toHaveLength(1); // kept: the engine still has it listening
    expect(await supervisorLeg(callId)).toBeTruthy();
    await site.dispatch({ type: 'stopListening', callId, supervisorId: 'sup-1' });
    await site.settled();
    await until(
      async () => (await snoops()).length === 0 && !(await supervisorLeg(callId)),
      'listen-in gone',
    );
    await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' });
    await clean();
  });
});
