// `sas-acd serve --pbx freeswitch` with several sites: each site has its own drachtio-server and
// FreeSWITCH (one sim-fs per site; src/app/sites-pbx-settings.ts says why), two serve processes
// (the CLI) share two sites, each leading one. Each site's calls are handled by its leader (the
// only application on its drachtio-server); the leader of one is killed (SIGKILL) with a call
// talking and one waiting, and the other process takes that site over without touching its own
// site's call; every call arrives and ends once in its site's stream, nothing is left on either PBX.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseSitesSettings } from '../../../src/app/serve-sites.js';
import { envSuffix } from '../../../src/app/sites-pbx-settings.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { jsonWriter, login, siteLedBy } from './fixtures/serve-sites.js';
import { killServes, spawnServe, type ServeProcess } from './fixtures/serve-process.js';
import { connect, freshSiteId, redisUrl, stopAll, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';

const write = jsonWriter('sas-acd-sites-fs-');
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

/** Each site's own drachtio-server and FreeSWITCH, by the per-site variables. */
const sitesEnv = (labOf: Record<string, SimFsServer>) =>
  Object.fromEntries(
    Object.entries(labOf).flatMap(([site, l]) => [
      [`DRACHTIO_URL_${envSuffix(site)}`, drachtioUrl(l)],
      [`FREESWITCH_ESL_${envSuffix(site)}`, eslUrl(l)],
    ]),
  );

async function injectCall(l: SimFsServer, callerNumber: string) {
  const r = await fetch(`${l.url}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber }),
  });
  expect(r.status).toBe(201);
  const b = (await r.json()) as { callId: string; sipCallId: string };
  return { simId: b.callId, callId: engineCallId(b.sipCallId) };
}

const leftovers = (l: SimFsServer) => {
  const o = l.sim.leftovers();
  return o.dialogs + o.channels + o.conferences + o.outboundSockets + o.phoneLegs;
};

describe('serve with several sites on FreeSWITCH', () => {
  it('reads each site its own drachtio-server and FreeSWITCH, and refuses two sites sharing one', () => {
    const [a, b] = [freshSiteId(), freshSiteId()];
    const configs = [a, b].map((id) => write(`site-${id}.json`, { ...exampleSite, id }));
    const users = write('users.json', [
      { username: 'arm-1', roles: ['arm'], sites: [a], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const parse = (env: Record<string, string>) =>
      parseSitesSettings({
        configFiles: configs,
        usersFile: users,
        port: 0,
        host: undefined,
        pbx: 'freeswitch',
        env: { REDIS_URL: redisUrl(), JWT_SECRET: 'x'.repeat(40), ...env },
      });
    // A template: {site} filled per site; the event-socket listener's fixed port shifted per site.
    const templated = parse({
      DRACHTIO_URL: 'drachtio://s@drachtio-{site}:9022',
      FREESWITCH_ESL: 'esl://p@fs-{site}:8021',
      ESL_LISTEN: '0.0.0.0:8085',
    });
    expect(templated.ok, JSON.stringify(templated)).toBe(true);
    if (!templated.ok) return;
    const fs = (id: string) => {
      const p = templated.settings.pbxOf[id]!;
      return p.kind === 'freeswitch' ? p : null;
    };
    expect(fs(a)).toMatchObject({
      drachtio: { host: `drachtio-${a}`, port: 9022 },
      freeswitch: { host: `fs-${a}` },
      eslListen: { port: 8085 },
    });
    expect(fs(b)).toMatchObject({
      drachtio: { host: `drachtio-${b}` },
      freeswitch: { host: `fs-${b}` },
      eslListen: { port: 8086 },
    });
    // One drachtio-server (or FreeSWITCH) for two sites: refused, naming the sites and the way out.
    const shared = parse({
      DRACHTIO_URL: 'drachtio://s@10.0.0.1:9022',
      FREESWITCH_ESL: 'esl://p@fs-{site}:8021',
    });
    expect(shared.ok).toBe(false);
    const text = shared.ok ? '' : shared.errors.join('\n');
    expect(text).toContain(`DRACHTIO_URL: sites ${a} and ${b} share the drachtio-server 10.0.0.1:9022`);
    expect(text).toContain(`DRACHTIO_URL_${envSuffix(b)}`);
    expect(text).not.toContain('FREESWITCH_ESL');
    // A site's own value that is wrong is named with its site; a missing one once.
    const bad = parse({
      [`DRACHTIO_URL_${envSuffix(a)}`]: 'http://nowhere',
      [`DRACHTIO_URL_${envSuffix(b)}`]: 'drachtio://s@10.0.0.2:9022',
    });
    const badText = bad.ok ? '' : bad.errors.join('\n');
    expect(badText).toContain(`DRACHTIO_URL: expected drachtio://<secret>@127.0.0.1:9022 (site ${a})`);
    expect(badText.split('FREESWITCH_ESL: required').length - 1).toBe(1);
  });

  it("each site's calls go to its leader; a kill -9 take-over leaves the other site alone; none lost, doubled or left", async () => {
    const fleet = `f${freshSiteId()}`;
    const procs = [`${fleet}-p1`, `${fleet}-p2`] as const;
    const [x, y] = [siteLedBy(procs[0], procs), siteLedBy(procs[1], procs)];
    const labOf = { [x]: await startSimFs({ eslPassword: 'not-ClueCon' }), [y]: await startSimFs({}) };
    labs.push(labOf[x]!, labOf[y]!);
    const [labX, labY] = [labOf[x]!, labOf[y]!];
    const configs = [x, y].map((id) => write(`site-${id}.json`, { ...exampleSite, id }));
    const users = write(`users-${fleet}.json`, [
      { username: `arm-1@${x}`, roles: ['arm'], sites: [x], agentId: 'arm-1', password: 'dev-only' },
      { username: `arm-1@${y}`, roles: ['arm'], sites: [y], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = (proc: string) => ({
      REDIS_URL: redisUrl(),
      JWT_SECRET: 'x'.repeat(40),
      FLEET_NAME: fleet,
      FLEET_PROCESS_ID: proc,
      ...sitesEnv(labOf),
    });
    const args = ['--config', configs.join(','), '--users', users, '--port', '0', '--pbx', 'freeswitch'];
    const serves = new Map<string, ServeProcess>(procs.map((p) => [p, spawnServe(args, env(p))]));
    const [url1, url2] = (await Promise.all(procs.map((p) => serves.get(p)!.url))) as [string, string];
    const takenOver = (proc: string, site: string, after = 0) =>
      serves
        .get(proc)!
        .waitForLine(
          (l) =>
            l.msg === 'PBX taken over: calls re-adopted, pending effects finished' &&
            l.site === site &&
            (l.time as number) >= after,
          60_000,
        );
    await Promise.all([takenOver(procs[0], x), takenOver(procs[1], y)]);
    // Each drachtio-server has one application: its site's leader (a process leading nothing there
    // does not connect, so drachtio's round robin has nobody else to pick).
    await waitFor(() => labX.sim.drachtio.appCount === 1 && labY.sim.drachtio.appCount === 1, 20_000);
    const connected = (proc: string, site: string) =>
      serves.get(proc)!.lines.filter((l) => l.msg === 'connected to the PBX' && l.site === site).length;

    for (const l of [labX, labY]) {
      const phone = await PhoneClient.register(l.endpointsWsUrl, 'PJSIP/arm-1');
      phone.autoAnswer(20);
      phones.push(phone);
    }
    // Any process serves the API of any site.
    expect(await (await login(url2, `arm-1@${x}`, x))('/agent/login')).toBe(200);
    expect(await (await login(url1, `arm-1@${y}`, y))('/agent/login')).toBe(200);
    const talkingX = await injectCall(labX, '0611111111');
    const talkingY = await injectCall(labY, '0622222222');
    await waitFor(
      () =>
        labX.sim.hears(talkingX.simId).phones.includes('PJSIP/arm-1') &&
        labY.sim.hears(talkingY.simId).phones.includes('PJSIP/arm-1'),
      20_000,
    );
    const waitingX = await injectCall(labX, '0633333333');
    await waitFor(() => labX.sim.hears(waitingX.simId).music, 20_000);
    // (At start-up a process may lead a site for a moment before the other joins and wins it.)
    const redis = connect();
    const holder = (site: string) => redis.hget(`sas:{${site}}:lease`, 'holder');
    expect([await holder(x), await holder(y)]).toEqual([procs[0], procs[1]]);
    expect(connected(procs[0], x)).toBeGreaterThan(0);
    expect([labX.sim.drachtio.appCount, labY.sim.drachtio.appCount]).toEqual([1, 1]);

    const killedAt = Date.now();
    serves.get(procs[0])!.proc.kill('SIGKILL');
    await serves.get(procs[0])!.exited;
    const report = (await takenOver(procs[1], x, killedAt)).adoption as Record<string, number>;
    const takeOverMs = Date.now() - killedAt;
    console.log(`kill -9 take-over of site x: ${takeOverMs} ms, adoption ${JSON.stringify(report)}`);
    expect(report).toMatchObject({ callers: 2, legs: 1, gone: 0, arrived: 0, ended: 0, strays: 0 });
    expect(labX.sim.hears(talkingX.simId).phones, 'x talking, never cut').toEqual(['PJSIP/arm-1']);
    expect(labY.sim.hears(talkingY.simId).phones, 'y talking, never cut').toEqual(['PJSIP/arm-1']);
    expect(labX.sim.drachtio.appCount).toBe(1);
    expect(await holder(x)).toBe(procs[1]);

    // The ARMs end their calls through p2; x's waiting caller then reaches x's ARM.
    const armX = await login(url2, `arm-1@${x}`, x);
    const armY = await login(url2, `arm-1@${y}`, y);
    expect(await armX(`/calls/${talkingX.callId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
    expect(await armY(`/calls/${talkingY.callId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
    await waitFor(() => labX.sim.hears(waitingX.simId).phones.includes('PJSIP/arm-1'), 20_000);
    // Its answer reaches the engine once the caller is bridged (answer-on-join.ts): 403 until then.
    expect(
      await waitFor(async () => {
        const status = await armX(`/calls/${waitingX.callId}/hangup`, { disposition: 'conseil-medical' });
        return status === 403 || status === 409 ? null : status;
      }, 20_000),
    ).toBe(200);
    for (const [l, call] of [
      [labX, talkingX],
      [labY, talkingY],
      [labX, waitingX],
    ] as const) {
      await waitFor(() => l.sim.timeline(call.simId)!.endedAtMs !== null, 10_000);
      expect(l.sim.timeline(call.simId)!.endedBy).toBe('pbx');
    }
    for (const l of [labX, labY])
      await waitFor(() => leftovers(l) === 0, 10_000).catch(() => {
        throw new Error(`left on the PBX: ${JSON.stringify(l.sim.leftovers())}`);
      });
    for (const [site, calls, other] of [
      [x, [talkingX, waitingX], [talkingY]],
      [y, [talkingY], [talkingX, waitingX]],
    ] as const) {
      const events = (await readStream(site)).map((e) => e.event as { type: string; callId?: string });
      for (const call of calls) {
        const of = (type: string) => events.filter((e) => e.type === type && e.callId === call.callId);
        expect(of('CallArrived'), `${site} ${call.callId}`).toHaveLength(1);
        expect(of('CallConnected'), `${site} ${call.callId}`).toHaveLength(1);
        expect(of('CallEnded'), `${site} ${call.callId}`).toHaveLength(1);
      }
      for (const call of other)
        expect(
          events.filter((e) => e.callId === call.callId),
          `no ${call.callId} in ${site}`,
        ).toEqual([]);
    }
    serves.get(procs[1])!.proc.kill('SIGTERM');
    expect(await serves.get(procs[1])!.exited).toBe(0);
  }, 180_000);
});
