// sim-pbx held to what Asterisk 22 does where the recorded traces are silent, modelled on its source:
// the lonely music channel (res_stasis, bridge_channel.c), the app hanging up a ringing leg
// (res/ari + main/dial.c), the hang-up cause a far-end BYE reports (chan_pjsip, bridge_channel.c),
// RTP statistics set once (rtp_engine.c), and operations that take Asterisk's few milliseconds.
import ari from 'ari-client';
import type { AriClient } from 'ari-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import type { SimPbx } from '../../../simulator/pbx/server.js';
import type { PbxTiming } from '../../../simulator/pbx/timing.js';
import { ASTERISK_TIMING } from '../../../simulator/pbx/timing.js';
import { EventLog, Phone, post } from './helpers.js';

let sim: SimPbx | undefined;
let client: AriClient | undefined;
const phones: Phone[] = [];

async function boot(timing?: Partial<PbxTiming>): Promise<{ sim: SimPbx; client: AriClient; log: EventLog }> {
  sim = await startSimPbx({ port: 0, ...(timing ? { timing } : {}) });
  client = await ari.connect(sim.ariUrl, 'asterisk', 'asterisk');
  const log = new EventLog(client);
  await client.start('sasacd');
  return { sim, client, log };
}

afterEach(async () => {
  client?.stop();
  for (const p of phones.splice(0)) p.close();
  await sim?.close();
});

async function caller(s: SimPbx, log: EventLog, n: string): Promise<{ callId: string; channelId: string }> {
  const r = await post(`${s.url}/sim/calls`, { line: '15', callerNumber: n });
  expect(r.status).toBe(201);
  const channelId = String(r.body.channelId);
  await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === channelId, 'StasisStart');
  return { callId: String(r.body.callId), channelId };
}

async function phone(s: SimPbx, endpoint: string): Promise<Phone> {
  const p = await Phone.register(s.endpointsWsUrl, endpoint, { autoRing: true });
  phones.push(p);
  return p;
}

const entered = (log: EventLog, channelId: string, bridgeId: string) =>
  log.waitFor(
    (e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === channelId && e.bridge?.id === bridgeId,
    `${channelId} in ${bridgeId}`,
  );

describe('sim-pbx behaves as Asterisk where the traces are silent', () => {
  it('the music channel leaves a bridge when it is alone there; music must be started again', async () => {
    const { sim: s, client: c, log } = await boot();
    const queue = await c.bridges.create({ type: 'holding', name: 'queue-15' });
    await c.bridges.startMoh({ bridgeId: queue.id, mohClass: 'default' });
    // started on an empty bridge: the announcer waits there (nobody left yet)
    expect(s.pbx.bridges.get(queue.id)?.moh).toBe('default');
    const a = await caller(s, log, '0611111111');
    await c.bridges.addChannel({ bridgeId: queue.id, channel: a.channelId });
    await entered(log, a.channelId, queue.id);
    expect(s.pbx.bridges.get(queue.id)?.moh).toBe('default');

    await post(`${s.url}/sim/calls/${a.callId}/hangup`, {});
    await log.waitFor((e) => e.type === 'StasisEnd' && e.channel?.id === a.channelId, 'first caller gone');
    expect(s.pbx.bridges.get(queue.id)?.moh).toBeNull();
    expect(s.pbx.bridges.get(queue.id)?.announcerId).toBeNull();
    // stopping music that stopped by itself: 409, as on Asterisk
    await expect(c.bridges.stopMoh({ bridgeId: queue.id })).rejects.toThrow(/isn't playing music/);

    const b = await caller(s, log, '0622222222');
    await c.bridges.addChannel({ bridgeId: queue.id, channel: b.channelId });
    await entered(log, b.channelId, queue.id);
    expect(s.pbx.bridges.get(queue.id)?.moh).toBeNull(); // silence until the app starts it again
    await c.bridges.startMoh({ bridgeId: queue.id, mohClass: 'default' });
    expect(s.pbx.bridges.get(queue.id)?.moh).toBe('default');
    // the app hears nothing about the music either way, and the announcer is never listed
    expect((await c.bridges.get({ bridgeId: queue.id })).channels).toEqual([b.channelId]);

    // moved out to a mixing bridge: the music leaves with the last caller too
    const mixing = await c.bridges.create({ type: 'mixing', name: 'call' });
    await c.bridges.addChannel({ bridgeId: mixing.id, channel: b.channelId });
    await entered(log, b.channelId, mixing.id);
    expect(s.pbx.bridges.get(queue.id)?.moh).toBeNull();
  });

  it('a channel added to the bridge it is already in departs and joins again; music left alone stops', async () => {
    // Asterisk 22.10.1 (lab build, 2026-12-08): addChannel of a member answers 204 and reports
    // ChannelLeftBridge then ChannelEnteredBridge on the same bridge; the bridge's music channel,
    // alone while the caller is out, leaves with its music (DELETE …/moh then answers 409).
    const { sim: s, client: c, log } = await boot();
    const a = await caller(s, log, '0633333333');
    await c.channels.answer({ channelId: a.channelId });
    const call = await c.bridges.create({ type: 'mixing', name: 'call-readd' });
    await c.bridges.addChannel({ bridgeId: call.id, channel: a.channelId });
    await entered(log, a.channelId, call.id);
    await c.bridges.startMoh({ bridgeId: call.id, mohClass: 'default' });
    const before = log.events.length;
    await c.bridges.addChannel({ bridgeId: call.id, channel: a.channelId });
    // the events come on the WebSocket, the 204 on HTTP: wait for the join to be reported
    await log.waitFor(
      (e) => e.type === 'ChannelEnteredBridge' && log.events.indexOf(e) >= before,
      'joined again',
    );
    const moves = log.events
      .slice(before)
      .filter((e) => e.type === 'ChannelLeftBridge' || e.type === 'ChannelEnteredBridge')
      .map(
        (e) => `${e.type}:${e.bridge?.id === call.id ? 'same' : 'other'}:${e.channel?.id === a.channelId}`,
      );
    expect(moves).toEqual(['ChannelLeftBridge:same:true', 'ChannelEnteredBridge:same:true']);
    expect((await c.bridges.get({ bridgeId: call.id })).channels).toEqual([a.channelId]);
    expect(s.pbx.bridges.get(call.id)?.moh).toBeNull();
    await expect(c.bridges.stopMoh({ bridgeId: call.id })).rejects.toThrow(/isn't playing music/);
  });

  it('the app hanging up a ringing leg: HangupRequest 32, Dial NOANSWER, Destroyed 16 at once; the phone gets a CANCEL', async () => {
    const { sim: s, client: c, log } = await boot();
    const p = await phone(s, 'PJSIP/arm-1');
    const leg = await c.channels.originate({
      endpoint: 'PJSIP/arm-1',
      app: 'sasacd',
      appArgs: 'agent',
      timeout: 30,
    });
    await p.invited();
    await log.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING', 'ringing');
    await c.channels.hangup({ channelId: leg.id });
    await log.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === leg.id, 'leg destroyed');
    expect(log.of(leg.id)).toEqual([
      'Dial:',
      'ChannelStateChange',
      'Dial:RINGING',
      'ChannelHangupRequest',
      'Dial:NOANSWER',
      'ChannelDestroyed',
    ]);
    const ending = log.events.filter((e) => (e.channel ?? e.peer)?.id === leg.id).slice(-3);
    expect(ending[0]).toMatchObject({ cause: 32, soft: true });
    expect(ending[2]).toMatchObject({ cause: 16, cause_txt: 'Normal Clearing' });
    expect(ending[2]).not.toHaveProperty('tech_cause');
    await p.waitFor((m) => m.type === 'cancelled', 'CANCEL to the phone');

    // a cause given by the app is the leg's: busy → Dial BUSY, cause 17 (SIP 486)
    const busy = await c.channels.originate({
      endpoint: 'PJSIP/arm-1',
      app: 'sasacd',
      appArgs: 'agent',
      timeout: 30,
    });
    await log.waitFor(
      (e) => e.type === 'Dial' && e.dialstatus === 'RINGING' && e.peer?.id === busy.id,
      'ringing',
    );
    await c.channels.hangup({ channelId: busy.id, reason: 'busy' });
    const gone = await log.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === busy.id, 'busy');
    expect(gone).toMatchObject({ cause: 17, tech_cause: 486 });
    expect(log.of(busy.id)).toContain('Dial:BUSY');
  });

  it('a far-end BYE reports cause 16 once the channel has left a bridge alive, none before', async () => {
    const { sim: s, client: c, log } = await boot();
    const q1 = await c.bridges.create({ type: 'holding', name: 'q1' });
    const q2 = await c.bridges.create({ type: 'holding', name: 'q2' });
    const stayed = await caller(s, log, '0611111111');
    const moved = await caller(s, log, '0622222222');
    await c.bridges.addChannel({ bridgeId: q1.id, channel: `${stayed.channelId},${moved.channelId}` });
    await entered(log, moved.channelId, q1.id);
    await c.bridges.addChannel({ bridgeId: q2.id, channel: moved.channelId });
    await entered(log, moved.channelId, q2.id);
    for (const x of [stayed, moved]) {
      await post(`${s.url}/sim/calls/${x.callId}/hangup`, {});
      await log.waitFor((e) => e.type === 'StasisEnd' && e.channel?.id === x.channelId, 'hung up');
    }
    const request = (id: string) =>
      log.events.find((e) => e.type === 'ChannelHangupRequest' && e.channel?.id === id);
    expect(request(stayed.channelId)).not.toHaveProperty('cause');
    expect(request(moved.channelId)).toMatchObject({ cause: 16 });
  });

  it('sets each RTPAUDIOQOS*BRIDGED variable once, however many peers hang up beside the channel', async () => {
    const { sim: s, client: c, log } = await boot();
    const p1 = await phone(s, 'PJSIP/arm-1');
    const p2 = await phone(s, 'PJSIP/arm-2');
    const x = await caller(s, log, '0611111111');
    await c.channels.answer({ channelId: x.channelId });
    const mixing = await c.bridges.create({ type: 'mixing', name: 'call' });
    await c.bridges.addChannel({ bridgeId: mixing.id, channel: x.channelId });
    for (const [p, ep] of [
      [p1, 'PJSIP/arm-1'],
      [p2, 'PJSIP/arm-2'],
    ] as const) {
      const leg = await c.channels.originate({ endpoint: ep, app: 'sasacd', appArgs: 'agent', timeout: 30 });
      p.answer(await p.invited());
      await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === leg.id, 'agent up');
      await c.bridges.addChannel({ bridgeId: mixing.id, channel: leg.id });
      await entered(log, leg.id, mixing.id);
      p.hangup(leg.id);
      await log.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === leg.id, 'agent gone');
    }
    const bridged = log.events.filter(
      (e) =>
        e.type === 'ChannelVarset' && e.channel?.id === x.channelId && e.variable === 'RTPAUDIOQOSBRIDGED',
    );
    expect(bridged).toHaveLength(1);
    const own = log.events.filter((e) => e.type === 'ChannelVarset' && e.variable === 'RTPAUDIOQOS');
    expect(own).toHaveLength(2); // one per agent leg, none yet for the caller still up
  });

  it("operations take Asterisk's few milliseconds by default, and the time is configurable", async () => {
    expect(ASTERISK_TIMING.answerMs).toBeGreaterThan(0);
    expect(ASTERISK_TIMING.answerMs).toBeLessThanOrEqual(7);
    expect(ASTERISK_TIMING.bridgeMs).toBeLessThanOrEqual(7);
    const { sim: s, client: c, log } = await boot({ answerMs: 60 });
    expect(s.pbx.timing).toEqual({ ...ASTERISK_TIMING, answerMs: 60 });
    const x = await caller(s, log, '0611111111');
    const sent = Date.now();
    await c.channels.answer({ channelId: x.channelId });
    // answer replies once the channel is Up (as Asterisk does), and not before the time it takes
    expect((await c.channels.get({ channelId: x.channelId })).state).toBe('Up');
    const up = log.events.find((e) => e.type === 'ChannelStateChange' && e.channel?.id === x.channelId);
    expect(up).toBeDefined();
    expect(Date.parse(up!.timestamp.replace('+0000', 'Z'))).toBeGreaterThanOrEqual(sent + 55);
    await expect(startSimPbx({ port: 0, timing: { bridgeMs: -1 } })).rejects.toThrow(/bridgeMs/);
  });
});
