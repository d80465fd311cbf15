// The consultative outside transfer through `sas-acd serve --pbx freeswitch` with several sites (the
// CLI in its own process, each site its own sim-fs): on one site, the ARM consults a number, then
// hands the caller over to it; the caller and the number talk, the ARM's phone is hung up, every call
// ends once in that site's stream, and nothing is left on that site's PBX nor touched on the other.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { envSuffix } from '../../../src/app/sites-pbx-settings.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import { PhoneClient, type PhoneMessage } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { jsonWriter } from './fixtures/serve-sites.js';
import { killServes, spawnServe } from './fixtures/serve-process.js';
import { freshSiteId, redisUrl, stopAll, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';

const write = jsonWriter('sas-acd-sites-fs-consult-');
const labs: SimFsServer[] = [];
const phones: PhoneClient[] = [];
afterEach(async () => {
  killServes();
  for (const p of phones.splice(0)) p.close();
  await Promise.all(labs.splice(0).map((l) => l.close()));
});
afterAll(stopAll);

const drachtioUrl = (l: SimFsServer) =>
  `drachtio://${l.drachtio.secret}@${l.drachtio.host}:${l.drachtio.port}`;
const eslUrl = (l: SimFsServer) => `esl://${encodeURIComponent(l.esl.password)}@${l.esl.host}:${l.esl.port}`;

const leftovers = (l: SimFsServer) => {
  const o = l.sim.leftovers();
  return o.dialogs + o.channels + o.conferences + o.outboundSockets + o.phoneLegs;
};

/** An ARM's API on a site: POST or GET, giving the status and the JSON body. */
async function arm(url: string, username: string, site: string) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'dev-only' }),
  });
  expect(r.status, `login ${username}`).toBe(200);
  const { accessToken } = (await r.json()) as { accessToken: string };
  return async (path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1/sites/${site}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
}

describe('serve with several sites on FreeSWITCH: consultative outside transfer', () => {
  it('consults a number on one site, then hands the caller over: nothing left on that PBX', async () => {
    const [x, y] = [freshSiteId(), freshSiteId()];
    const [labX, labY] = [await startSimFs({}), await startSimFs({})];
    labs.push(labX, labY);
    const configs = [x, y].map((id) => write(`site-${id}.json`, { ...exampleSite, id }));
    const users = write(`users-${x}.json`, [
      { username: `arm-1@${x}`, roles: ['arm'], sites: [x], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = {
      REDIS_URL: redisUrl(),
      JWT_SECRET: 'x'.repeat(40),
      FLEET_NAME: `f${x}`,
      FLEET_PROCESS_ID: `f${x}-p1`,
      ...Object.fromEntries(
        [
          [x, labX],
          [y, labY],
        ].flatMap(([site, l]) => [
          [`DRACHTIO_URL_${envSuffix(site as string)}`, drachtioUrl(l as SimFsServer)],
          [`FREESWITCH_ESL_${envSuffix(site as string)}`, eslUrl(l as SimFsServer)],
        ]),
      ),
    };
    const serve = spawnServe(
      ['--config', configs.join(','), '--users', users, '--port', '0', '--pbx', 'freeswitch'],
      env,
    );
    const url = await serve.url;
    for (const site of [x, y])
      await serve.waitForLine(
        (l) => l.msg === 'PBX taken over: calls re-adopted, pending effects finished' && l.site === site,
        60_000,
      );
    const mine = await PhoneClient.register(labX.endpointsWsUrl, 'PJSIP/arm-1');
    mine.autoAnswer(20);
    const far = await PhoneClient.register(labX.endpointsWsUrl, 'PJSIP/0118000000');
    far.autoAnswer(20);
    phones.push(mine, far);
    const api = await arm(url, `arm-1@${x}`, x);
    expect((await api('/agent/login', {})).status).toBe(200);

    const r = await fetch(`${labX.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0611111111' }),
    });
    expect(r.status).toBe(201);
    const b = (await r.json()) as { callId: string; sipCallId: string };
    const [simId, callId] = [b.callId, engineCallId(b.sipCallId)];
    await waitFor(() => labX.sim.hears(simId).phones.includes('PJSIP/arm-1'), 20_000);
    // The ARM's answer reaches the engine once the caller is bridged: 409 until then.
    const started = await waitFor(async () => {
      const res = await api('/agent/consult-outside', { callId, number: '0118000000' });
      return res.status === 409 ? null : res;
    }, 20_000);
    expect([started.status, started.body?.reason]).toEqual([201, undefined]);
    const outId = started.body.call.id as string;
    // The number answers: the ARM talks with it, the caller hears its queue's music alone.
    await waitFor(async () => (await api(`/calls/${callId}`)).body?.consultation?.answered === true, 20_000);
    await waitFor(() => {
      const h = labX.sim.hears(simId);
      return h.music !== null && h.phones.length === 0;
    }, 20_000);

    const done = await api('/agent/consult-outside/complete', { callId });
    expect(done.status).toBe(200);
    await waitFor(() => labX.sim.hears(simId).phones.join() === 'PJSIP/0118000000', 20_000);
    await waitFor(() => labX.sim.phones.get('PJSIP/arm-1')!.activeLegs === 0, 20_000);
    expect(labX.sim.hears(simId).music).toBeNull();
    // The number hangs up: both calls end, nothing is left.
    const invite = far.messages.find((m: PhoneMessage) => m.type === 'invite')!;
    far.hangup(String(invite.channelId));
    await waitFor(() => labX.sim.timeline(simId)!.endedAtMs !== null, 20_000);
    for (const l of [labX, labY])
      await waitFor(() => leftovers(l) === 0, 20_000).catch(() => {
        throw new Error(`left on the PBX: ${JSON.stringify(l.sim.leftovers())}`);
      });
    const events = (await readStream(x)).map((e) => e.event as { type: string; callId?: string });
    const of = (type: string, id: string) => events.filter((e) => e.type === type && e.callId === id);
    expect(of('CallConnected', callId)).toHaveLength(1);
    expect(of('OutboundCallPlaced', outId)).toHaveLength(1);
    expect([of('CallEnded', callId).length, of('CallEnded', outId).length]).toEqual([1, 1]);
    expect(events.filter((e) => e.type === 'ConsultationCompleted')).toHaveLength(1);
    const ofY = (await readStream(y)).map((e) => e.event as { callId?: string });
    expect(ofY.filter((e) => e.callId === callId || e.callId === outId)).toEqual([]);
    serve.proc.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 120_000);
});
