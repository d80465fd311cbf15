// sim-pbx's snoop channels (POST /channels/{id}/snoop), held to Asterisk 22 where the traces are
// silent: the checks of res/ari/resource_channels.c (ari_channels_handle_snoop_channel) in their
// order and words, and res_stasis_snoop.c (the snoop channel hangs up when the channel it spies on
// goes: snoop_read returns NULL once the audiohook stops). What the recorded trace shows
// (traces/bridge-recording.json: 200 with a Snoop/<target>-N channel already Up, then StasisStart
// with its appArgs, StasisEnd and no ChannelDestroyed at its end) is checked by the conformance run.
import ari from 'ari-client';
import type { AriClient } from 'ari-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimPbx, type SimPbx } from '../../../simulator/pbx/server.js';
import { EventLog, post } from './helpers.js';

let sim: SimPbx | undefined;
let client: AriClient | undefined;

afterEach(async () => {
  client?.stop();
  await sim?.close();
});

async function boot(): Promise<{ s: SimPbx; c: AriClient; log: EventLog }> {
  sim = await startSimPbx({ port: 0 });
  client = await ari.connect(sim.ariUrl, 'asterisk', 'asterisk');
  const log = new EventLog(client);
  await client.start('sasacd');
  return { s: sim, c: client, log };
}

/** A plain HTTP request (ari-client checks some parameters itself before sending). */
async function raw(s: SimPbx, path: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${s.ariUrl}/ari${path}${path.includes('?') ? '&' : '?'}api_key=asterisk:asterisk`, {
    method: 'POST',
  });
  return { status: r.status, body: await r.json() };
}

describe('sim-pbx snoop channels (Asterisk 22 res_ari / res_stasis_snoop)', () => {
  it('refuses bad directions, no direction, no app and an unknown channel, in Asterisk order and words', async () => {
    const { s, log } = await boot();
    const r = await post(`${s.url}/sim/calls`, { line: '15', callerNumber: '0611' });
    const id = String(r.body.channelId);
    await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === id, 'caller in the app');
    const cases: [string, number, string][] = [
      [`/channels/${id}/snoop?spy=sideways&app=sasacd`, 400, 'Invalid direction specified for spy'],
      [
        `/channels/${id}/snoop?spy=both&whisper=loud&app=sasacd`,
        400,
        'Invalid direction specified for whisper',
      ],
      [`/channels/${id}/snoop?app=sasacd`, 400, 'Direction must be specified for at least spy or whisper'],
      [
        `/channels/${id}/snoop?spy=none&whisper=none&app=sasacd`,
        400,
        'Direction must be specified for at least spy or whisper',
      ],
      [`/channels/${id}/snoop?spy=both`, 400, 'Application name is required'],
      [`/channels/no-such-channel/snoop?spy=both&app=sasacd`, 404, 'Provided channel was not found'],
      // The direction checks come before the channel lookup.
      [`/channels/no-such-channel/snoop?spy=x&app=sasacd`, 400, 'Invalid direction specified for spy'],
    ];
    for (const [path, status, message] of cases)
      expect(await raw(s, path), path).toEqual({ status, body: { message } });
    expect((await raw(s, `/channels/${id}/snoop?whisper=out&app=sasacd&snoopId=w1`)).status).toBe(200);
    expect(await raw(s, `/channels/${id}/snoop?spy=in&app=sasacd&snoopId=w1`)).toEqual({
      status: 500,
      body: { message: 'Snoop channel could not be created' },
    });
    expect(s.pbx.snoops()).toEqual([{ id: 'w1', of: id, spy: 'none', whisper: 'out', bridgedWith: [] }]);
  });

  it('a whisper snoop bridged with a phone leg hangs up when its target goes: StasisEnd, no ChannelDestroyed', async () => {
    const { s, c, log } = await boot();
    const r = await post(`${s.url}/sim/calls`, { line: '15', callerNumber: '0611' });
    const target = String(r.body.channelId);
    await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === target, 'caller in the app');
    const snoop = await c.channels.snoopChannel({
      channelId: target,
      app: 'sasacd',
      appArgs: 'snoop,sup-1,c1',
      spy: 'both',
      whisper: 'out',
      snoopId: 'snoop-1',
    });
    expect(snoop).toMatchObject({ id: 'snoop-1', state: 'Up' });
    expect(snoop.name).toMatch(new RegExp(`^Snoop/${target.replace('.', '\\.')}-[0-9a-f]{8}$`));
    const start = await log.waitFor(
      (e) => e.type === 'StasisStart' && e.channel?.id === 'snoop-1',
      'snoop in app',
    );
    expect(start.args).toEqual(['snoop', 'sup-1', 'c1']);
    // Another channel of the app (a Local channel stands for the supervisor's phone).
    const other = await c.channels.originate({
      endpoint: 'Local/s@default',
      app: 'sasacd',
      appArgs: 'listen',
    });
    await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === other.id, 'other in app');
    const bridge = await c.bridges.create({ type: 'mixing', name: 'listen-c1-sup-1' });
    await c.bridges.addChannel({ bridgeId: bridge.id, channel: 'snoop-1' });
    await c.bridges.addChannel({ bridgeId: bridge.id, channel: other.id });
    expect(s.pbx.snoops()).toEqual([
      { id: 'snoop-1', of: target, spy: 'both', whisper: 'out', bridgedWith: [other.id] },
    ]);
    expect((await fetch(`${s.url}/sim/snoops`).then((x) => x.json())) as unknown).toEqual({
      snoops: s.pbx.snoops(),
    });

    expect((await post(`${s.url}/sim/calls/${String(r.body.callId)}/hangup`, {})).status).toBe(204);
    await log.waitFor((e) => e.type === 'StasisEnd' && e.channel?.id === 'snoop-1', 'snoop left the app');
    expect(s.pbx.snoops()).toEqual([]);
    expect(log.of('snoop-1')).not.toContain('ChannelDestroyed');
    expect(log.of('snoop-1')).toContain('ChannelLeftBridge');
    await c.channels.hangup({ channelId: other.id });
    await c.bridges.destroy({ bridgeId: bridge.id });
  });

  it('a snoop hung up leaves the app at once but stays listed until its silent target passes audio (a playback)', async () => {
    // res_stasis_snoop.c snoop_hangup → ast_audiohook_detach waits for the target's next audio
    // frame (main/audiohook.c); seen on the lab Asterisk 22.10.1 with sipp legs sending no RTP.
    const { s, c, log } = await boot();
    const r = await post(`${s.url}/sim/calls`, { line: '15', callerNumber: '0611' });
    const target = String(r.body.channelId);
    await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === target, 'caller in the app');
    await c.channels.snoopChannel({ channelId: target, app: 'sasacd', spy: 'both', snoopId: 'snoop-2' });
    await log.waitFor((e) => e.type === 'StasisStart' && e.channel?.id === 'snoop-2', 'snoop in app');
    await c.channels.hangup({ channelId: 'snoop-2' });
    await log.waitFor((e) => e.type === 'StasisEnd' && e.channel?.id === 'snoop-2', 'snoop left the app');
    const listed = await c.channels.get({ channelId: 'snoop-2' });
    expect(listed.dialplan).toMatchObject({ app_name: '', app_data: '' });
    expect(s.pbx.snoops().map((x) => x.id)).toEqual(['snoop-2']);
    // Being hung up, it is out of Asterisk's channel container: a second hang-up is a 404.
    await expect(c.channels.hangup({ channelId: 'snoop-2' })).rejects.toThrow();
    expect((await raw(s, `/channels/${target}/play?media=tone:!0/20&playbackId=frame`)).status).toBe(201);
    await log.waitFor((e) => e.type === 'PlaybackStarted', 'the playback started');
    expect(s.pbx.snoops()).toEqual([]);
    await expect(c.channels.get({ channelId: 'snoop-2' })).rejects.toThrow();
    expect(log.of('snoop-2')).not.toContain('ChannelDestroyed');
    const stop = await fetch(`${s.ariUrl}/ari/playbacks/frame?api_key=asterisk:asterisk`, {
      method: 'DELETE',
    });
    expect(stop.status).toBe(204);
    expect((await post(`${s.url}/sim/calls/${String(r.body.callId)}/hangup`, {})).status).toBe(204);
  });
});
