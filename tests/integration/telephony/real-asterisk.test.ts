// The adapter's acceptance test: the ARI adapter against a REAL Asterisk 22 configured with
// asterisk-config/ (pjsip-loadtest.conf included), the sim-pbx suite's scenarios where sipp can play
// them, each ending with the PBX hygiene check (no channel left, no bridge without a reason). sipp
// places the callers (each hangs up by itself after its patience, or gets Asterisk's BYE) and plays
// the agents' phones (one sipp answering for every load-agent-N endpoint after ring_ms, or at once
// for an auto-answer offer). What sipp cannot do is done through ARI as another client would: a
// caller hanging up at a chosen moment, an agent's leg dropped (DELETE /channels/{id}; the adapter
// sees a leg it did not hang up vanish, as with a crashed phone). The sipp legs send no RTP: a
// supervisor's snoop channel then waits for an audio frame to go (docs/supervision.md).
//
// Runs only when ARI_URL is set (with ARI_USER / ARI_PASSWORD / ARI_APP, ASTERISK_SIP = host:port
// of Asterisk's SIP UDP, SIPP_HOST = the address Asterisk reaches the phones at, port 5080);
// reported as skipped otherwise. See asterisk-config/README.md.
//
// Not here (sipp's phone scenario cannot answer busy; the lab dialplan's partner and fallback paths
// dial a trunk it does not have; a kill -9 needs the store): busy, partner redirect, fallback while
// the ACD is down, kill -9 and re-adoption — sim-pbx's suite and the stored-site tests cover them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import type { SiteConfig } from '../../../src/core/config.js';
import type { Event } from '../../../src/core/events.js';
import { LEG_LOST_PAUSE_REASON } from '../../../src/core/rules/lost-leg.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { AriAdapter } from '../../../src/telephony/ari/ari-adapter.js';
import type { RecordingAvailable } from '../../../src/telephony/ari/call-recording.js';
import type { AriBridgeJson, AriChannelJson } from '../../../src/telephony/ari/ari-rest.js';
import { exampleConfig } from '../../unit/core/harness.js';
import { expectCleanPbx, type PbxAccess } from './pbx-hygiene.js';

const env = process.env;
const enabled =
  Boolean(env.ARI_URL && env.ASTERISK_SIP) &&
  spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const pbx: PbxAccess = {
  ariUrl: env.ARI_URL ?? '',
  user: env.ARI_USER ?? 'sasacd',
  password: env.ARI_PASSWORD ?? '',
};
const RING_MS = 1500; // the sipp phones ring this long before answering a call that is not auto-answer

/** The suite's agents: the load-test endpoints of pjsip-loadtest.conf, and one that does not exist. */
const AGENTS = [
  { id: 'load-agent-1', roles: ['arm'], skills: [{ queue: 'n1', preference: 1 }], autoAnswer: true },
  { id: 'load-agent-5', roles: ['arm'], skills: [{ queue: 'n1', preference: 1 }], autoAnswer: true },
  {
    id: 'load-agent-6',
    roles: ['arm'],
    skills: [{ queue: 'n1', preference: 1 }],
    ringNoAnswerSeconds: 1, // shorter than the phone's ring: never answered
  },
  { id: 'load-agent-7', roles: ['arm'], skills: [{ queue: 'n1', preference: 1 }] },
  { id: 'load-agent-2', roles: ['arm'], skills: [{ queue: 'n2-amu', preference: 1 }] },
  { id: 'load-agent-4', roles: ['mru'], skills: [{ queue: 'reg-amu', preference: 1 }] },
  { id: 'load-agent-3', roles: ['supervisor'], skills: [] }, // its phone rings for a listen-in
  {
    id: 'ghost',
    roles: ['arm'],
    skills: [{ queue: 'n1', preference: 1 }],
    endpoint: 'PJSIP/sasacd-no-such-endpoint',
  },
].map((a) => ({ name: a.id, endpoint: `PJSIP/${a.id}`, ...a }));

/** The site the adapter drives (the one place that builds it, so the shell can replace it). */
function newRuntime(config: SiteConfig, adapter: AriAdapter): Promise<SiteShell> {
  return SiteShell.start({ config, logger: silent, effects: (f) => adapter.execute(f) });
}

describe.skipIf(!enabled)('the ARI adapter against a real Asterisk', () => {
  let phones: ChildProcess;
  let recordingOn = false;
  const recorded: RecordingAvailable[] = [];
  let adapter: AriAdapter;
  let runtime: SiteShell;
  const events: Event[] = [];
  const callers: ChildProcess[] = [];
  let nextPort = 5071;

  const until = async <T>(
    find: () => T | undefined | false | Promise<T | undefined | false>,
    what: string,
    ms = 15_000,
  ): Promise<T> => {
    const start = Date.now();
    for (;;) {
      const v = await find();
      if (v) return v;
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const ari = async <T>(method: string, path: string): Promise<T> => {
    const auth = Buffer.from(`${pbx.user}:${pbx.password}`).toString('base64');
    const r = await fetch(`${pbx.ariUrl}/ari${path}`, {
      method,
      headers: { authorization: `Basic ${auth}` },
    });
    if (!r.ok) throw new Error(`${method} /ari${path}: ${r.status}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };

  /**
   * A sipp caller on the 15 who hangs up (BYE) after `patienceMs` unless Asterisk hangs up first;
   * with `calls`, that many callers at `rate` per second, at most `limit` at once.
   */
  const caller = (patienceMs: number, load?: { calls: number; rate: number; limit: number }) => {
    const port = nextPort++;
    if (nextPort > 5079) nextPort = 5071;
    const host = env.SIPP_HOST ?? '127.0.0.1';
    const args = [
      '-sf',
      'simulator/sipp/caller-15.xml',
      '-s',
      '15',
      '-m',
      String(load?.calls ?? 1),
      ...(load ? ['-r', String(load.rate), '-l', String(load.limit)] : []),
      '-aa',
      '-i',
      host,
      '-p',
      String(port),
    ];
    const sipp = spawn('sipp', [...args, '-set', 'patience_ms', String(patienceMs), env.ASTERISK_SIP!], {
      stdio: 'ignore',
    });
    callers.push(sipp);
    return sipp;
  };
  /** sipp ends by itself once its dialog is over (its BYE answered, or Asterisk's BYE answered). */
  const finished = (sipp: ChildProcess) =>
    sipp.exitCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => sipp.once('exit', () => resolve()));

  const arrivedCall = async () =>
    (await until(() => events.find((e) => e.type === 'CallArrived'), 'arrival')).callId;
  const connectedTo = (callId: string, agentId: string) =>
    events.some((e) => e.type === 'CallConnected' && e.callId === callId && e.agentId === agentId);
  const legOf = async (agentId: string, callId: string) =>
    until(
      async () =>
        (await ari<AriChannelJson[]>('GET', '/channels')).find(
          (c) => c.dialplan?.app_data === `${env.ARI_APP ?? 'sasacd'},agent,${agentId},${callId}`,
        )?.id,
      `${agentId}'s leg`,
    );
  const mixingMembers = async (callId: string) =>
    (await ari<AriBridgeJson[]>('GET', '/bridges')).find((b) => b.name === `call-${callId}`)?.channels ?? [];
  const login = async (...ids: string[]) => {
    for (const agentId of ids)
      expect((await runtime.dispatch({ type: 'agentLogin', agentId })).ok).toBe(true);
  };

  /** The end of every test: the callers' dialogs over, the effects carried out, the PBX clean. */
  const expectCleanPbxAtEnd = async () => {
    await Promise.all(callers.splice(0).map(finished));
    await runtime.settled();
    await expectCleanPbx(pbx, { within: 10_000 });
  };

  beforeAll(async () => {
    phones = spawn(
      'sipp',
      [
        '-sf',
        'simulator/sipp/agent-phone.xml',
        '-i',
        env.SIPP_HOST ?? '127.0.0.1',
        '-p',
        '5080',
        '-set',
        'ring_ms',
        String(RING_MS),
      ],
      { stdio: 'ignore' },
    );
    const config = exampleConfig((c) => {
      c.agents = AGENTS;
    });
    adapter = new AriAdapter({
      url: env.ARI_URL!,
      user: pbx.user,
      password: pbx.password,
      app: env.ARI_APP ?? 'sasacd',
      endpointOf: (id) => AGENTS.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
      // Every outside number is the lab's sipp phone load-agent-9 (no trunk on the lab).
      outboundEndpoint: () => 'PJSIP/load-agent-9',
      // Off but for the recording test (the site's switch, read at each call's first answer).
      recording: { enabled: () => recordingOn, format: () => 'wav', nameOf: (id) => `lab-rec-${id}` },
      onRecording: (r) => recorded.push(r),
      logger: silent,
    });
    runtime = await newRuntime(config, adapter);
    runtime.onEvents((e) => events.push(...e));
    await adapter.start((cmd, at) => runtime.dispatch(cmd, at));
    await expectCleanPbx(pbx, { within: 10_000 }); // nothing left over from an earlier run
    // As `serve` does at start: take over what the PBX holds (here, the queues' holding bridges).
    await adapter.adopt(telephonyPlan(runtime.state, Date.now()));
  }, 30_000);

  afterEach(async () => {
    // After a failure, leave the lab PBX as the next test expects it (after a pass there is
    // nothing: the hygiene check proved it): the app's channels and call bridges hung up through
    // ARI, so the failed test's callers get Asterisk's BYE.
    const app = `${env.ARI_APP ?? 'sasacd'},`;
    for (const c of await ari<AriChannelJson[]>('GET', '/channels'))
      if (c.dialplan?.app_data?.startsWith(app)) await ari('DELETE', `/channels/${c.id}`).catch(() => {});
    for (const b of await ari<AriBridgeJson[]>('GET', '/bridges'))
      if (b.name.startsWith('call-')) await ari('DELETE', `/bridges/${b.id}`).catch(() => {});
    await Promise.race([Promise.all(callers.map(finished)), new Promise((r) => setTimeout(r, 5000))]);
    for (const c of callers.splice(0)) c.kill('SIGTERM'); // only a caller that never ended
    await runtime.settled();
    for (const a of AGENTS)
      if (runtime.state.data.agents[a.id]?.status !== 'logged-out')
        await runtime.dispatch({ type: 'agentLogout', agentId: a.id });
    events.length = 0;
  });

  afterAll(async () => {
    // Hang-ups still in flight are carried out before the adapter lets go of the PBX.
    await runtime?.settled();
    await runtime?.stop();
    await adapter?.stop();
    phones?.kill('SIGTERM');
  });

  it('sees an abandon when the caller hangs up while held with music', async () => {
    caller(2000);
    const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'abandon');
    expect(ended).toMatchObject({ outcome: 'abandoned', by: 'caller', answered: false });
    await expectCleanPbxAtEnd();
  }, 30_000);

  it('sees an abandon while the agent rings, and stops the ringing', async () => {
    await login('load-agent-7');
    caller(60_000);
    const callId = await arrivedCall();
    await until(() => events.some((e) => e.type === 'CallOffered'), 'ringing');
    await ari('DELETE', `/channels/${callId}`);
    const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'abandon');
    expect(ended).toMatchObject({ outcome: 'abandoned', by: 'caller', answered: false });
    expect(events.find((e) => e.type === 'CallOfferFailed')).toMatchObject({ reason: 'call-ended' });
    await expectCleanPbxAtEnd();
  }, 30_000);

  it('gives the call back to the queue when the agent does not answer, and pauses the agent', async () => {
    await login('load-agent-6');
    caller(60_000);
    const callId = await arrivedCall();
    const failed = await until(() => events.find((e) => e.type === 'CallOfferFailed'), 'ring-no-answer');
    expect(failed).toMatchObject({ agentId: 'load-agent-6', reason: 'no-answer' });
    expect(runtime.state.data.agents['load-agent-6']).toMatchObject({ status: 'paused' });
    expect(runtime.state.data.calls[callId]!.pending!.queueId).toBe('n1');
    await ari('DELETE', `/channels/${callId}`);
    await until(() => events.some((e) => e.type === 'CallEnded'), 'abandon');
    await expectCleanPbxAtEnd();
  }, 30_000);

  it('reports an agent whose endpoint does not exist as unreachable and keeps the call waiting', async () => {
    await login('ghost');
    caller(60_000);
    const callId = await arrivedCall();
    const failed = await until(() => events.find((e) => e.type === 'CallOfferFailed'), 'originate failure');
    expect(failed).toMatchObject({ agentId: 'ghost', reason: 'unreachable' });
    expect(runtime.state.data.calls[callId]!.pending).not.toBeNull();
    await ari('DELETE', `/channels/${callId}`);
    await until(() => events.some((e) => e.type === 'CallEnded'), 'abandon');
    await expectCleanPbxAtEnd();
  }, 30_000);

  for (const mode of ['blind', 'warm'] as const)
    it(`moves a P1 to N2 AMU (${mode}) without cutting the caller, and ends the call`, async () => {
      await login('load-agent-1', 'load-agent-2');
      caller(60_000);
      const callId = await arrivedCall();
      await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
      expect(
        (
          await runtime.dispatch({
            type: 'qualifyCall',
            callId,
            agentId: 'load-agent-1',
            qualification: 'P1',
          })
        ).ok,
      ).toBe(true);
      expect(
        (await runtime.dispatch({ type: 'transferCall', callId, agentId: 'load-agent-1', mode })).ok,
      ).toBe(true);
      await until(() => connectedTo(callId, 'load-agent-2'), 'N2 answer');
      expect(events.find((e) => e.type === 'AgentLeftCall' && e.agentId === 'load-agent-1')).toMatchObject({
        reason: mode === 'warm' ? 'warm-complete' : 'transfer',
      });
      expect(events.some((e) => e.type === 'CallEnded')).toBe(false); // never cut by the transfer
      await runtime.settled();
      // The leaving agent's hang-up is carried out (204) a moment before Asterisk takes it out of
      // the bridge: wait for the bridge to hold the caller and the new agent only.
      await until(
        async () => (await mixingMembers(callId)).length === 2,
        'the first agent out of the bridge',
      );
      expect(await mixingMembers(callId)).toHaveLength(2);
      await runtime.dispatch({ type: 'hangUp', callId, agentId: 'load-agent-2' });
      await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
      await expectCleanPbxAtEnd();
    }, 60_000);

  it('transfers outside: the number answers, the agent leaves, the caller talks to the number; its hang-up ends both', async () => {
    await login('load-agent-1');
    caller(8000); // sipp's own BYE, 8 s after Asterisk answered
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    await runtime.settled();
    const agentLeg = await legOf('load-agent-1', callId);
    const placed = await runtime.dispatch({
      type: 'dialOut',
      callId: 'out-t1',
      agentId: 'load-agent-1',
      number: '0118000000',
      purpose: 'external-transfer',
      parentCallId: callId,
      handOver: true,
    });
    expect(placed.ok).toBe(true);
    await until(
      () => events.find((e) => e.type === 'AgentLeftCall' && e.agentId === 'load-agent-1'),
      'the agent leaves once the number answers',
    );
    expect(events.find((e) => e.type === 'AgentLeftCall')).toMatchObject({ reason: 'transfer' });
    // The caller and the number alone in the call's bridge (the agent's leg leaves as the number joins).
    await until(
      async () => (await mixingMembers(callId)).sort().join() === [callId, 'out-t1'].sort().join(),
      'the caller bridged with the number',
    );
    expect(await mixingMembers(callId)).not.toContain(agentLeg);
    expect(events.filter((e) => e.type === 'CallConnected' && e.firstAnswer)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'OutboundCallPlaced')).toMatchObject([
      { purpose: 'external-transfer', parentCallId: callId },
    ]);
    // The caller hangs up: the call ends once, and the number is hung up with it.
    await until(
      () => !runtime.state.data.calls[callId] && !runtime.state.data.calls['out-t1'],
      'both calls ended',
    );
    expect(events.filter((e) => e.type === 'CallEnded' && e.callId === callId)).toMatchObject([
      { by: 'caller', answered: true },
    ]);
    await expectCleanPbxAtEnd();
  }, 40_000);

  it('consults outside: the caller on music alone in its bridge, the agent with the number; complete hands the caller over', async () => {
    await login('load-agent-1');
    caller(8000); // sipp's own BYE, 8 s after Asterisk answered
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    await runtime.settled();
    const agentLeg = await legOf('load-agent-1', callId);
    const placed = await runtime.dispatch({
      type: 'dialOut',
      callId: 'out-c1',
      agentId: 'load-agent-1',
      number: '0118000000',
      purpose: 'external-transfer',
      parentCallId: callId,
      consult: true,
    });
    expect(placed.ok).toBe(true);
    await until(() => events.find((e) => e.type === 'ConsultationAnswered'), 'the number answers');
    await until(
      async () => (await mixingMembers('out-c1')).sort().join() === [agentLeg, 'out-c1'].sort().join(),
      'the agent with the number in the consult bridge',
    );
    expect(await mixingMembers(callId)).toEqual([callId]);
    const done = await runtime.dispatch({ type: 'completeConsultation', callId, agentId: 'load-agent-1' });
    expect(done.ok).toBe(true);
    await until(
      async () => (await mixingMembers(callId)).sort().join() === [callId, 'out-c1'].sort().join(),
      'the caller bridged with the number',
    );
    expect(events.filter((e) => e.type === 'CallConnected' && e.firstAnswer)).toHaveLength(1);
    await until(
      () => !runtime.state.data.calls[callId] && !runtime.state.data.calls['out-c1'],
      'both calls ended',
    );
    expect(events.filter((e) => e.type === 'CallEnded' && e.callId === callId)).toHaveLength(1);
    await expectCleanPbxAtEnd();
  }, 40_000);

  it('consults outside and cancels: the number hung up, the agent back with the caller', async () => {
    await login('load-agent-1');
    caller(8000);
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    await runtime.settled();
    const agentLeg = await legOf('load-agent-1', callId);
    const consult = { type: 'dialOut', agentId: 'load-agent-1', purpose: 'external-transfer' } as const;
    expect(
      (
        await runtime.dispatch({
          ...consult,
          callId: 'out-c2',
          number: '0118000000',
          parentCallId: callId,
          consult: true,
        })
      ).ok,
    ).toBe(true);
    await until(() => events.find((e) => e.type === 'ConsultationAnswered'), 'the number answers');
    expect((await runtime.dispatch({ type: 'cancelConsultation', callId, agentId: 'load-agent-1' })).ok).toBe(
      true,
    );
    await until(
      async () => (await mixingMembers(callId)).sort().join() === [callId, agentLeg].sort().join(),
      'the agent back with the caller',
    );
    await until(async () => (await mixingMembers('out-c2')).length === 0, 'the consult bridge gone');
    expect(runtime.state.data.calls['out-c2']).toBeUndefined();
    await until(() => !runtime.state.data.calls[callId], 'the caller hung up');
    await expectCleanPbxAtEnd();
  }, 40_000);

  it("records the call's bridge from the first answer: one stored recording, finished when the call ends", async () => {
    recordingOn = true;
    try {
      await login('load-agent-1');
      caller(3000); // sipp's own BYE, 3 s after Asterisk answered
      const callId = await arrivedCall();
      await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
      const name = `lab-rec-${callId}`;
      const live = await until(
        () =>
          ari<{ state: string; target_uri: string }>('GET', `/recordings/live/${name}`).catch(
            () => undefined,
          ),
        'the live recording of the call bridge',
      );
      expect(live.target_uri).toMatch(/^bridge:/);
      await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
      const done = await until(() => recorded.find((r) => r.callId === callId), 'RecordingFinished');
      expect(done).toMatchObject({ name, format: 'wav' });
      expect(recorded.filter((r) => r.callId === callId)).toHaveLength(1);
      const stored = await ari<{ name: string; format: string }>('GET', `/recordings/stored/${name}`);
      expect(stored).toMatchObject({ name, format: 'wav' });
      await ari('DELETE', `/recordings/stored/${name}`);
      await expectCleanPbxAtEnd();
    } finally {
      recordingOn = false;
    }
  }, 30_000);

  it("releases the agent's leg when the caller hangs up in conversation", async () => {
    await login('load-agent-1');
    caller(3000); // sipp's own BYE, 3 s after Asterisk answered
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
    expect(ended).toMatchObject({ by: 'caller', answered: true });
    await expectCleanPbxAtEnd();
  }, 30_000);

  it("never ends the call when an agent's leg drops: the next ARM answers, counted once", async () => {
    await login('load-agent-1');
    caller(60_000);
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    await login('load-agent-5');
    await ari('DELETE', `/channels/${await legOf('load-agent-1', callId)}`);
    await until(() => connectedTo(callId, 'load-agent-5'), 'the next ARM answers');
    expect(runtime.state.data.agents['load-agent-1']).toMatchObject({
      status: 'paused',
      pauseReason: LEG_LOST_PAUSE_REASON,
    });
    expect(events.filter((e) => e.type === 'CallConnected' && e.firstAnswer)).toHaveLength(1);
    expect(events.some((e) => e.type === 'CallEnded')).toBe(false);
    await runtime.settled();
    await until(async () => (await mixingMembers(callId)).length === 2, 'caller bridged with the next ARM');
    await runtime.dispatch({ type: 'hangUp', callId, agentId: 'load-agent-5' });
    await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
    await expectCleanPbxAtEnd();
  }, 60_000);

  it("conferences the doctor into a P0, keeps the caller with the doctor when the ARM's leg drops, and releases everyone when the caller hangs up", async () => {
    await login('load-agent-1', 'load-agent-4');
    caller(60_000);
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    await runtime.dispatch({ type: 'qualifyCall', callId, agentId: 'load-agent-1', qualification: 'P0' });
    await runtime.dispatch({ type: 'bringInDoctor', callId, agentId: 'load-agent-1' });
    await until(() => connectedTo(callId, 'load-agent-4'), 'doctor answers');
    await runtime.settled();
    await until(async () => (await mixingMembers(callId)).length === 3, 'three-way bridge');
    await ari('DELETE', `/channels/${await legOf('load-agent-1', callId)}`);
    await until(
      () => events.some((e) => e.type === 'AgentLeftCall' && e.reason === 'leg-lost'),
      'the lost leg seen',
    );
    await until(async () => (await mixingMembers(callId)).length === 2, 'caller and doctor still bridged');
    expect(runtime.state.data.calls[callId]!.parties.map((p) => p.agentId)).toEqual(['load-agent-4']);
    expect(await mixingMembers(callId)).toContain(callId);
    await ari('DELETE', `/channels/${callId}`);
    const ended = await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
    expect(ended).toMatchObject({ by: 'caller', answered: true, qualification: 'P0' });
    await expectCleanPbxAtEnd();
  }, 60_000);
  it("listens in on the agent's leg and, once the supervisor stops, leaves no snoop channel and no phone while the call goes on", async () => {
    await login('load-agent-1');
    caller(60_000);
    const callId = await arrivedCall();
    await until(() => connectedTo(callId, 'load-agent-1'), 'N1 answer');
    const r = await runtime.dispatch({
      type: 'startListening',
      callId,
      supervisorId: 'load-agent-3',
      mode: 'listen',
    });
    expect(r.ok).toBe(true);
    const channels = () => ari<AriChannelJson[]>('GET', '/channels');
    const snoops = async () => (await channels()).filter((c) => c.name.startsWith('Snoop/'));
    const listenBridge = async () =>
      (await ari<AriBridgeJson[]>('GET', '/bridges')).find((b) => b.name === `listen-${callId}-load-agent-3`);
    const leg = await legOf('load-agent-1', callId);
    const bridged = await until(async () => {
      const b = await listenBridge();
      return b?.channels.length === 2 && b;
    }, "the supervisor's phone bridged with the snoop channel");
    const [snoop] = await snoops();
    expect(snoop?.name).toMatch(/^Snoop\//);
    expect(bridged.channels).toContain(snoop!.id);
    expect((await channels()).find((c) => c.id === leg)).toBeDefined();

    expect((await runtime.dispatch({ type: 'stopListening', callId, supervisorId: 'load-agent-3' })).ok).toBe(
      true,
    );
    await runtime.settled();
    // While the caller and the agent still talk: no snoop channel, no supervisor phone, no listen bridge.
    await until(
      async () => {
        const left = await channels();
        return (
          !left.some((c) => c.name.startsWith('Snoop/')) &&
          !left.some((c) => c.dialplan?.app_data?.includes(`,listen,load-agent-3,${callId}`)) &&
          !(await listenBridge())
        );
      },
      'no snoop channel, supervisor phone or listen bridge left',
      10_000,
    );
    const live = (await channels()).filter((c) => !c.name.startsWith('Announcer/')); // a queue's music
    expect(live.map((c) => c.id).sort()).toEqual([callId, leg].sort());
    expect(events.filter((e) => e.type === 'ListenEnded')).toEqual([
      expect.objectContaining({ reason: 'stopped', mode: 'listen', agentId: 'load-agent-1' }),
    ]);
    expect(events.some((e) => e.type === 'CallEnded')).toBe(false);
    await runtime.dispatch({ type: 'hangUp', callId, agentId: 'load-agent-1' });
    await until(() => events.find((e) => e.type === 'CallEnded'), 'end');
    await expectCleanPbxAtEnd();
  }, 60_000);

  it('leaves no agent leg after 150 calls whose callers hang up first', async () => {
    await login('load-agent-1', 'load-agent-5'); // both answer at once: callers are answered, then hang up
    caller(1500, { calls: 150, rate: 10, limit: 30 });
    await until(() => events.filter((e) => e.type === 'CallEnded').length === 150, '150 calls ended', 90_000);
    const ended = events.filter((e) => e.type === 'CallEnded');
    expect(ended.every((e) => e.by === 'caller')).toBe(true);
    expect(ended.filter((e) => e.answered).length).toBeGreaterThan(20);
    await expectCleanPbxAtEnd();
  }, 120_000);
});
