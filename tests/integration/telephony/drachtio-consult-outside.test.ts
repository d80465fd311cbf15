// The consultative outside transfer on FreeSWITCH through the real drachtio-srf and drachtio-fsmrf
// against sim-fs, the engine running for real (docs/lrm.md, docs/freeswitch.md), the same cases as
// ari-consult-outside.test.ts on Asterisk: the caller waits alone in its call's conference with its
// queue's music played to it while the agent talks to the number in the outbound call's own
// conference; then complete (the caller and the number together, the agent released), three-way,
// cancel, and every other way out: the number busy or unreachable, the number hanging up, the
// caller hanging up, the agent's phone dropping, a completion refused before the answer. Asserted
// on the PBX side too (who is in which conference, what the caller hears), and each test ends with
// nothing left on sim-fs; each call ends once; the answered count never moves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import { telephonyPlan } from '../../../src/core/telephony-plan.js';
import { conferenceOf } from '../../../src/telephony/drachtio/call-state.js';
import type { DrachtioAdapter } from '../../../src/telephony/drachtio/drachtio-adapter.js';
import type { PhoneClient, PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import {
  SIM_FS_ESL_PASSWORD,
  drachtioAdapter,
  expectCleanFs,
  fsPhone,
  injectFsCall,
  startFsSite,
  untilWithin,
} from './drachtio-harness.js';

const until = untilWithin(20_000); // generous: the machine is shared
const MUSIC = 'local_stream://default';

let lab: SimFsServer;
let adapter: DrachtioAdapter;
let site: SiteShell;
let events: Event[];
const phones: PhoneClient[] = [];

beforeEach(async () => {
  lab = await startSimFs({ eslPassword: SIM_FS_ESL_PASSWORD });
  adapter = newAdapter();
  // Through the variable: after a take-over, the new adapter carries the effects out.
  ({ site, events } = await startFsSite(adapter, { effects: (f) => adapter.execute(f) }));
});

afterEach(async () => {
  for (const p of phones.splice(0)) p.close();
  await site.stop();
  await adapter.stop();
  await lab.close();
});

// The outside world: a number is a phone registered as PJSIP/<number> on sim-fs.
const newAdapter = () => drachtioAdapter(lab, { outboundUri: (number) => `sip:${number}@127.0.0.1:5060` });

/** The process goes (its connections closed; the calls stay on FreeSWITCH), a new one adopts them. */
async function takeOver(expected: Record<string, number> = { gone: 0 }): Promise<void> {
  await site.settled();
  await adapter.stop();
  adapter = newAdapter();
  await adapter.start((cmd, at) => void site.dispatch(cmd, at));
  const report = await adapter.adopt(telephonyPlan(site.state, Date.now()));
  expect(report).toMatchObject({ arrived: 0, strays: 0, ...expected });
}

const phone = (endpoint: string, answerMs: number | null = 0) => fsPhone(lab, phones, endpoint, answerMs);

const agent = (id: string) => site.state.data.agents[id]!;
const answered = () => events.filter((e) => e.type === 'CallConnected').length;
const ended = (id: string) => events.filter((e) => e.type === 'CallEnded' && e.callId === id).length;
const hangUpCaller = (simId: string) => fetch(`${lab.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
const inviteOf = (p: PhoneClient) => p.messages.find((m: PhoneMessage) => m.type === 'invite');

/**
 * Waits until the caller's FreeSWITCH channel is gone: the adapter ends it last, once the agent
 * legs it releases with the call are hung up (its release is not one of the engine's effects, so
 * `site.settled()` does not wait for it). Before that, an agent leg wrongly released with the
 * caller could still look up.
 */
async function callerChannelGone(simId: string): Promise<void> {
  const port = String(lab.sim.calls.get(simId)!.mediaPort);
  await until(
    () => ![...lab.sim.media.channels.values()].some((c) => /m=audio (\d+)/.exec(c.remoteSdp)?.[1] === port),
    "the caller's FreeSWITCH channel gone",
  );
}

/** Waits until the conference named after `callId` holds exactly these parties (phones, `caller:<simId>`). */
async function conferenceIs(callId: string, parties: string[]): Promise<void> {
  const want = [...parties].sort().join();
  await until(
    () => lab.sim.inConference(conferenceOf(callId)).join() === want,
    `conference of ${callId} = [${want}] (now [${lab.sim.inConference(conferenceOf(callId)).join()}])`,
  );
}

/** Waits until the caller hears exactly this (music or null, and these phones). */
async function callerHears(simId: string, music: string | null, phonesHeard: string[]): Promise<void> {
  const want = [...phonesHeard].sort().join();
  await until(
    () => {
      const h = lab.sim.hears(simId);
      return h.music === music && [...h.phones].sort().join() === want;
    },
    `the caller hears ${music ?? 'no music'} and [${want}] (now ${JSON.stringify(lab.sim.hears(simId))})`,
  );
}

/** A caller on line 15 connected to arm-1. */
async function connectedCall(): Promise<{ simId: string; callId: string }> {
  await site.dispatch({ type: 'agentLogin', agentId: 'arm-1' });
  const { simId, callId } = await injectFsCall(lab);
  await until(() => site.state.data.calls[callId]?.parties.length, 'the caller and arm-1 connected');
  await callerHears(simId, null, ['PJSIP/arm-1']);
  return { simId, callId };
}

const consult = (parent: string, id: string, number: string) =>
  site.dispatch({
    type: 'dialOut',
    callId: id,
    agentId: 'arm-1',
    number,
    purpose: 'external-transfer',
    parentCallId: parent,
    consult: true,
  });

async function expectClean(): Promise<void> {
  await site.settled();
  await expectCleanFs(lab);
}

describe('consultative outside transfer on FreeSWITCH (drachtio, sim-fs)', () => {
  it('complete: music while the agent consults; then the caller and the number together, the agent released', async () => {
    const mine = await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0118000000');
    const { simId, callId } = await connectedCall();
    const before = answered();
    expect((await consult(callId, 'out-c1', '0118000000')).ok).toBe(true);
    // The caller alone in its conference with the queue's music; the agent and the number in theirs.
    await conferenceIs(callId, [`caller:${simId}`]);
    await callerHears(simId, MUSIC, []);
    await conferenceIs('out-c1', ['PJSIP/arm-1', 'PJSIP/0118000000']);
    await until(() => site.state.data.calls['out-c1']?.consultAnsweredAt !== undefined, 'answer told');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    const done = await site.dispatch({ type: 'completeConsultation', callId, agentId: 'arm-1' });
    expect(done.ok).toBe(true);
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/0118000000']);
    await callerHears(simId, null, ['PJSIP/0118000000']);
    await conferenceIs('out-c1', []);
    await until(() => lab.sim.phones.get('PJSIP/arm-1')!.activeLegs === 0, "the agent's leg hung up");
    expect(mine.messages.some((m) => m.type === 'hungup')).toBe(true);
    expect(agent('arm-1').status).not.toBe('on-call');
    expect(answered()).toBe(before);
    expect(events.filter((e) => e.type === 'OutboundCallPlaced')).toHaveLength(1);
    far.hangup(String(inviteOf(far)!.channelId));
    await until(() => !site.state.data.calls[callId] && !site.state.data.calls['out-c1'], 'both ended');
    expect([ended(callId), ended('out-c1')]).toEqual([1, 1]);
    await expectClean();
  });

  it('three-way: the number and the agent join the caller, the music stops; the agent ends it all', async () => {
    await phone('PJSIP/arm-1');
    await phone('PJSIP/0115000000');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c2', '0115000000')).ok).toBe(true);
    await conferenceIs('out-c2', ['PJSIP/arm-1', 'PJSIP/0115000000']);
    await until(() => site.state.data.calls['out-c2']?.consultAnsweredAt !== undefined, 'answer told');
    const r = await site.dispatch({
      type: 'completeConsultation',
      callId,
      agentId: 'arm-1',
      mode: 'conference',
    });
    expect(r.ok).toBe(true);
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1', 'PJSIP/0115000000']);
    await callerHears(simId, null, ['PJSIP/arm-1', 'PJSIP/0115000000']);
    await conferenceIs('out-c2', []);
    expect((await site.dispatch({ type: 'hangUp', callId, agentId: 'arm-1' })).ok).toBe(true);
    await until(() => !site.state.data.calls[callId] && !site.state.data.calls['out-c2'], 'both ended');
    expect([ended(callId), ended('out-c2')]).toEqual([1, 1]);
    await expectClean();
  });

  it('cancel: the number is hung up, the agent back with the caller, the music stopped', async () => {
    await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0601010101');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c3', '0601010101')).ok).toBe(true);
    await conferenceIs('out-c3', ['PJSIP/arm-1', 'PJSIP/0601010101']);
    expect((await site.dispatch({ type: 'cancelConsultation', callId, agentId: 'arm-1' })).ok).toBe(true);
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    await conferenceIs('out-c3', []);
    await until(() => far.messages.some((m) => m.type === 'hungup'), 'the number hung up');
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    expect(ended(callId)).toBe(0);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    await expectClean();
  });

  it('a busy, then an unreachable number: the agent back with the caller each time, never cut', async () => {
    await phone('PJSIP/arm-1');
    const busy = await phone('PJSIP/0611111111', null);
    busy.on('invite', (m: PhoneMessage) => busy.reject(String(m.channelId), 486));
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c4', '0611111111')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c4'], 'the busy outbound call ended');
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    expect(events.find((e) => e.type === 'ConsultationEnded' && e.outCallId === 'out-c4')).toMatchObject({
      reason: 'outside-ended',
    });
    // Nobody at that number: drachtio answers 503.
    expect((await consult(callId, 'out-c5', '0999999999')).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c5'], 'the unreachable outbound call ended');
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    await conferenceIs('out-c4', []);
    await conferenceIs('out-c5', []);
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    await expectClean();
  });

  it('the number hangs up mid-consultation: the agent back with the caller', async () => {
    await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0622222222');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c6', '0622222222')).ok).toBe(true);
    await conferenceIs('out-c6', ['PJSIP/arm-1', 'PJSIP/0622222222']);
    far.hangup(String(inviteOf(far)!.channelId));
    await until(() => !site.state.data.calls['out-c6'], 'the outbound call ended');
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    expect([ended(callId), ended('out-c6')]).toEqual([1, 1]);
    await expectClean();
  });

  it('the caller hangs up mid-consultation: its call ends once, the agent goes on with the number', async () => {
    const mine = await phone('PJSIP/arm-1');
    await phone('PJSIP/0633333333');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c7', '0633333333')).ok).toBe(true);
    await conferenceIs('out-c7', ['PJSIP/arm-1', 'PJSIP/0633333333']);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], "the caller's call ended");
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'out-c7' });
    // Still talking: the agent's leg was not released with the caller's call.
    await site.settled();
    await callerChannelGone(simId);
    expect(lab.sim.phones.get('PJSIP/arm-1')!.activeLegs).toBe(1);
    await conferenceIs('out-c7', ['PJSIP/arm-1', 'PJSIP/0633333333']);
    await conferenceIs(callId, []);
    expect(mine.messages.some((m) => m.type === 'hungup')).toBe(false);
    expect(ended(callId)).toBe(1);
    expect((await site.dispatch({ type: 'hangUp', callId: 'out-c7', agentId: 'arm-1' })).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c7'], 'the outbound call ended');
    expect(agent('arm-1').status).not.toBe('on-call');
    await expectClean();
  });

  it("the agent's phone drops mid-consultation: the number is hung up, the caller waits in the queue again", async () => {
    const mine = await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0644444444');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c8', '0644444444')).ok).toBe(true);
    await conferenceIs('out-c8', ['PJSIP/arm-1', 'PJSIP/0644444444']);
    mine.hangup(String(inviteOf(mine)!.channelId));
    await until(() => site.state.data.calls[callId]?.pending, 'the caller back in its queue');
    await until(() => far.messages.some((m) => m.type === 'hungup'), 'the number hung up');
    await conferenceIs('out-c8', []);
    expect(agent('arm-1').status).toBe('paused');
    expect(events.find((e) => e.type === 'ConsultationEnded')).toMatchObject({ reason: 'leg-lost' });
    // Never handed to the number: on hold with its queue's music, out of its call's conference.
    await callerHears(simId, MUSIC, []);
    await conferenceIs(callId, []);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    expect([ended(callId), ended('out-c8')]).toEqual([1, 1]);
    await expectClean();
  });

  it('complete is refused before the number answers (nothing changes); cancel while it rings', async () => {
    await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0655555555', null); // rings, never answers
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c9', '0655555555')).ok).toBe(true);
    await until(() => inviteOf(far), 'the number rings');
    await conferenceIs('out-c9', ['PJSIP/arm-1']);
    await callerHears(simId, MUSIC, []);
    const refused = await site.dispatch({ type: 'completeConsultation', callId, agentId: 'arm-1' });
    expect(refused).toMatchObject({ ok: false, reason: 'consultation-not-answered' });
    expect(site.state.data.calls['out-c9']?.consultFrom).toBe('arm-1');
    expect((await site.dispatch({ type: 'cancelConsultation', callId, agentId: 'arm-1' })).ok).toBe(true);
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    await until(() => far.messages.some((m) => m.type === 'cancelled'), "the number's ringing stopped");
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    await expectClean();
  });

  it('taken over mid-consultation: cancel brings the agent back and stops the music', async () => {
    const mine = await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0666666666');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c10', '0666666666')).ok).toBe(true);
    await conferenceIs('out-c10', ['PJSIP/arm-1', 'PJSIP/0666666666']);
    await until(() => site.state.data.calls['out-c10']?.consultAnsweredAt !== undefined, 'answer told');
    await takeOver();
    await callerHears(simId, MUSIC, []);
    expect((await site.dispatch({ type: 'cancelConsultation', callId, agentId: 'arm-1' })).ok).toBe(true);
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    await until(() => far.messages.some((m) => m.type === 'hungup'), 'the number hung up');
    expect(mine.messages.some((m) => m.type === 'hungup')).toBe(false);
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    expect([ended(callId), ended('out-c10')]).toEqual([1, 1]);
    await expectClean();
  });

  it('taken over mid-consultation: the caller hangs up, the agent goes on with the number', async () => {
    const mine = await phone('PJSIP/arm-1');
    await phone('PJSIP/0677777777');
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c11', '0677777777')).ok).toBe(true);
    await conferenceIs('out-c11', ['PJSIP/arm-1', 'PJSIP/0677777777']);
    await until(() => site.state.data.calls['out-c11']?.consultAnsweredAt !== undefined, 'answer told');
    await takeOver();
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], "the caller's call ended");
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId: 'out-c11' });
    await site.settled();
    await callerChannelGone(simId);
    expect(lab.sim.phones.get('PJSIP/arm-1')!.activeLegs).toBe(1);
    await conferenceIs('out-c11', ['PJSIP/arm-1', 'PJSIP/0677777777']);
    expect(mine.messages.some((m) => m.type === 'hungup')).toBe(false);
    expect((await site.dispatch({ type: 'hangUp', callId: 'out-c11', agentId: 'arm-1' })).ok).toBe(true);
    await until(() => !site.state.data.calls['out-c11'], 'the outbound call ended');
    expect([ended(callId), ended('out-c11')]).toEqual([1, 1]);
    await expectClean();
  });

  it('taken over while the number rings: that ring ends, the agent back with the caller; a late answer is hung up', async () => {
    const mine = await phone('PJSIP/arm-1');
    const far = await phone('PJSIP/0688888888', null); // rings until the test answers
    const { simId, callId } = await connectedCall();
    expect((await consult(callId, 'out-c12', '0688888888')).ok).toBe(true);
    await until(() => inviteOf(far), 'the number rings');
    await conferenceIs('out-c12', ['PJSIP/arm-1']);
    // The old process's INVITE dies with it: the new one cannot CANCEL it, so the outbound call ends.
    await takeOver({ gone: 1 });
    await until(() => !site.state.data.calls['out-c12'], 'the ringing outbound call ended');
    await conferenceIs(callId, [`caller:${simId}`, 'PJSIP/arm-1']);
    await callerHears(simId, null, ['PJSIP/arm-1']);
    expect(agent('arm-1')).toMatchObject({ status: 'on-call', callId });
    expect(events.find((e) => e.type === 'ConsultationEnded' && e.outCallId === 'out-c12')).toMatchObject({
      reason: 'outside-ended',
    });
    // The number answers the old INVITE all the same: hung up, never left talking to nobody.
    far.answer(String(inviteOf(far)!.channelId));
    await until(
      () =>
        lab.sim.phones.get('PJSIP/0688888888')!.activeLegs === 0 &&
        far.messages.some((m) => m.type === 'hungup'),
      'the late answer hung up',
    );
    await callerHears(simId, null, ['PJSIP/arm-1']);
    expect(mine.messages.some((m) => m.type === 'hungup')).toBe(false);
    await hangUpCaller(simId);
    await until(() => !site.state.data.calls[callId], 'the caller hung up');
    expect([ended(callId), ended('out-c12')]).toEqual([1, 1]);
    await expectClean();
  });
});
