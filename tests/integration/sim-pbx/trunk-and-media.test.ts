// The trunk's live timeline stream, playbacks, originate with a client-chosen id, one WebSocket per
// app, and the CLI.
import { spawn } from 'node:child_process';
import ari from 'ari-client';
import type { AriClient } from 'ari-client';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scaledClock } from '../../../simulator/pbx/clock.js';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import type { SimPbx } from '../../../simulator/pbx/server.js';
import { EventLog, Phone, post, waitUntil } from './helpers.js';
import type { Msg } from './helpers.js';

let sim: SimPbx;
let client: AriClient;
let log: EventLog;

beforeEach(async () => {
  // ten times faster than real time: playbacks, patience and ring timeouts follow this clock
  sim = await startSimPbx({ port: 0, clock: scaledClock(0.1) });
  client = await ari.connect(sim.ariUrl, 'asterisk', 'asterisk');
  log = new EventLog(client);
  await client.start('sasacd');
});

afterEach(async () => {
  client.stop();
  await sim.close();
});

describe('sim-pbx trunk and media', () => {
  it('streams each call timeline entry on /sim/calls/events', async () => {
    const ws = new WebSocket(sim.timelineWsUrl);
    const got: Msg[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as Msg));
    await new Promise((r) => ws.once('open', r));
    const made = await post(`${sim.url}/sim/calls`, { line: '116117', callerNumber: '0700', patienceSec: 1 });
    await waitUntil(() => got.find((m) => (m.entry as { kind: string }).kind === 'ended'), 'ended');
    expect(got.map((m) => (m.entry as { kind: string }).kind)).toEqual(['arrived', 'stasis-start', 'ended']);
    expect(got.every((m) => m.callId === made.body.callId)).toBe(true);
    const end = got.at(-1)!.entry as { detail: { endedBy: string } };
    expect(end.detail.endedBy).toBe('patience');
    ws.close();
  });

  it('plays on a bridge after its music stops, and reports the end', async () => {
    const bridge = await client.bridges.create({ type: 'holding', name: 'queue-15' });
    await bridge.startMoh({ mohClass: 'default' });
    const playback = await bridge.play({ media: 'sound:beep' });
    expect(playback.state).toBe('queued');
    expect(playback.target_uri).toBe(`bridge:${bridge.id}`);
    await new Promise((r) => setTimeout(r, 30));
    expect(log.events).toEqual([]); // held back by the music
    await bridge.stopMoh();
    const done = await log.waitFor((e) => e.type === 'PlaybackFinished', 'PlaybackFinished');
    expect((done.playback as { state: string }).state).toBe('done');
    expect(log.events.map((e) => e.type)).toEqual(['PlaybackStarted', 'PlaybackFinished']);
    const missing = await bridge.play({ media: 'sound:no-such-file' });
    await log.waitFor(
      (e) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === missing.id,
      'failed',
    );
    expect((log.events.at(-1)!.playback as { state: string }).state).toBe('failed');
  });

  it('records a bridge and snoops on a channel, as states', async () => {
    const made = await post(`${sim.url}/sim/calls`, { line: '15' });
    const channelId = String(made.body.channelId);
    await log.waitFor((e) => e.type === 'StasisStart', 'caller StasisStart');
    const bridge = await client.bridges.create({ type: 'mixing', name: 'call-15' });
    await bridge.addChannel({ channel: channelId });
    const auth = { authorization: `Basic ${Buffer.from('asterisk:asterisk').toString('base64')}` };
    const ari = (method: string, path: string) => fetch(`${sim.url}/ari${path}`, { method, headers: auth });

    const rec = await ari('POST', `/bridges/${bridge.id}/record?name=call-1&format=wav`);
    expect(rec.status).toBe(201);
    expect(await rec.json()).toEqual({
      name: 'call-1',
      format: 'wav',
      state: 'queued',
      target_uri: `bridge:${bridge.id}`,
    });
    await log.waitFor((e) => e.type === 'RecordingStarted', 'RecordingStarted');
    // Statuses and bodies of Asterisk 22.10.1 (lab build, 2026-12-08; res/ari/resource_bridges.c).
    const again = await ari('POST', `/bridges/${bridge.id}/record?name=call-1&format=wav`);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      message: "Recording 'call-1' already exists and can not be overwritten",
    });
    const nope = await ari('POST', `/bridges/${bridge.id}/record?name=x&format=nope`);
    expect(nope.status).toBe(422);
    expect(await nope.json()).toEqual({ message: 'specified format is unknown on this system' });

    const snoopRes = await ari('POST', `/channels/${channelId}/snoop?spy=both&app=sasacd&appArgs=snoop`);
    expect(snoopRes.status).toBe(200);
    const snoop = (await snoopRes.json()) as { id: string; name: string; state: string };
    expect(snoop.name).toMatch(new RegExp(`^Snoop/${channelId.replace('.', '\\.')}-[0-9a-f]{8}$`));
    expect(snoop.state).toBe('Up');
    const start = await log.waitFor(
      (e) => e.type === 'StasisStart' && e.channel?.id === snoop.id,
      'snoop StasisStart',
    );
    expect(start.args).toEqual(['snoop']);

    expect((await ari('POST', '/recordings/live/call-1/stop')).status).toBe(204);
    const finished = await log.waitFor((e) => e.type === 'RecordingFinished', 'RecordingFinished');
    expect((finished.recording as { state: string }).state).toBe('done');
    expect(await (await ari('GET', '/recordings/stored')).json()).toEqual([
      { name: 'call-1', format: 'wav' },
    ]);
    expect((await ari('GET', '/recordings/live/call-1')).status).toBe(404);

    await client.channels.hangup({ channelId });
    await log.waitFor(
      (e) => e.type === 'StasisEnd' && e.channel?.id === snoop.id,
      'snoop ends with its target',
    );
    expect(log.events.some((e) => e.type === 'ChannelDestroyed')).toBe(false);
  });

  it('originates with a client-chosen id (ari-client Channel().originate)', async () => {
    const phone = await Phone.register(sim.endpointsWsUrl, 'PJSIP/doctor-1');
    const leg = client.Channel() as unknown as {
      id: string;
      originate(p: Record<string, unknown>): Promise<{ id: string }>;
    };
    const made = await leg.originate({
      endpoint: 'PJSIP/doctor-1',
      app: 'sasacd',
      appArgs: 'doctor,doctor-1',
    });
    expect(made.id).toBe(leg.id);
    expect(await phone.invited()).toBe(leg.id);
    phone.answer(leg.id);
    const start = await log.waitFor((e) => e.type === 'StasisStart', 'doctor StasisStart');
    expect(start.args).toEqual(['doctor', 'doctor-1']);
    phone.close();
  });

  it('a bot phone with autoAnswerMs answers by itself', async () => {
    const bot = await Phone.register(sim.endpointsWsUrl, 'PJSIP/bot-1', { autoAnswerMs: 2000 });
    const leg = await client.channels.originate({
      endpoint: 'PJSIP/bot-1',
      app: 'sasacd',
      appArgs: 'agent,bot-1',
    });
    // 2 s on the sim's clock, 0.2 s of real time here
    const start = await log.waitFor(
      (e) => e.type === 'StasisStart' && e.channel?.id === leg.id,
      'bot answers',
    );
    expect(start.args).toEqual(['agent', 'bot-1']);
    bot.close();
  });

  it('a second WebSocket for the app takes over; the first hears ApplicationReplaced', async () => {
    const url = `${sim.url.replace('http', 'ws')}/ari/events?app=sasacd&api_key=asterisk:asterisk`;
    const second = new WebSocket(url);
    await new Promise((r) => second.once('open', r));
    await log.waitFor((e) => e.type === 'ApplicationReplaced', 'ApplicationReplaced');
    const got: Msg[] = [];
    second.on('message', (d) => got.push(JSON.parse(String(d)) as Msg));
    await post(`${sim.url}/sim/calls`, { line: '15' });
    await waitUntil(() => got.find((m) => m.type === 'StasisStart'), 'StasisStart on the new socket');
    expect(log.events.map((e) => e.type)).toEqual(['ApplicationReplaced']);
    second.close();
  });

  it('401 without credentials, exactly as Asterisk', async () => {
    const res = await fetch(`${sim.url}/ari/api-docs/resources.json`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Asterisk REST Interface"');
    expect(await res.text()).toBe('{"message":"Authentication required"}');
    const bad = await fetch(`${sim.url}/ari/channels?api_key=asterisk:wrong`);
    expect(bad.status).toBe(401);
  });
});

describe('sas-acd sim-pbx', () => {
  it('starts on the given port and prints its URLs', async () => {
    const child = spawn(process.execPath, ['bin/sas-acd.mjs', 'sim-pbx', '--port', '0', '--app', 'sasacd'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    try {
      await waitUntil(() => (out.includes('fault switches') ? true : undefined), 'the CLI banner', 45_000);
      expect(out).toMatch(/sim-pbx listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/events ws:\/\/127\.0\.0\.1:\d+\/ari\/events\?app=sasacd/);
      expect(out).toMatch(/endpoints {6}WS ws:\/\/127\.0\.0\.1:\d+\/sim\/endpoints/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 20_000);
});
