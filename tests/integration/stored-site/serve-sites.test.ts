// `sas-acd serve` with several sites, as an operator runs it: two real serve processes (the CLI, each
// in its own process) sharing two sites on the shared redis-server, one sim-pbx with one Stasis
// application per site (ARI_APP default `sasacd-{site}`). Each process leads one site (rendezvous
// hashing) and serves the API of both. With calls talking and waiting on both sites, the process
// leading one site is killed (SIGKILL): the other leads it, takes its calls over through its own
// Stasis application, and goes on; the other site's calls are never touched. Every call arrives
// and ends once in its site's stream, and the PBX holds nothing at the end.
import { describe, expect, it } from 'vitest';
import { parseSitesSettings } from '../../../src/app/serve-sites.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { spawnServe, type ServeProcess } from './fixtures/serve-process.js';
import {
  fleetEnv,
  jsonWriter,
  login,
  placeCall,
  simPbxPerTest,
  siteConfig,
  siteLedBy,
} from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-serve-sites-');

const pbx = simPbxPerTest();

describe('sas-acd serve with several sites', () => {
  it('refuses a Stasis application shared by the sites, a site given twice, an unknown agent', () => {
    const a = write('a.json', siteConfig('alpha'));
    const users = write('bad-users.json', [
      { username: 'x', roles: ['arm'], sites: ['alpha'], agentId: 'arm-99', password: 'dev-only' },
    ]);
    const parsed = parseSitesSettings({
      configFiles: [a, a],
      usersFile: users,
      port: 0,
      host: undefined,
      env: {
        REDIS_URL: 'redis://127.0.0.1:1',
        ARI_URL: 'http://127.0.0.1:1',
        ARI_USER: 'u',
        ARI_PASSWORD: 'p',
        ARI_APP: 'sasacd',
        JWT_SECRET: 'x'.repeat(40),
        FLEET_NAME: 'no spaces',
      },
    });
    const text = parsed.ok ? '' : parsed.errors.join('\n');
    for (const field of [
      'ARI_APP: with several sites',
      'site "alpha" is given twice',
      'unknown agent "arm-99"',
      'FLEET_NAME',
    ])
      expect(text).toContain(field);
  });

  it('kill -9 of the process leading a site: the other leads it and takes its calls over; none lost or doubled', async () => {
    const sim = await pbx.start();
    const fleet = `f${freshSiteId()}`;
    const procs = [`${fleet}-p1`, `${fleet}-p2`] as const;
    // Two fresh sites, one preferred by each process.
    const sites = [siteLedBy(procs[0], procs), siteLedBy(procs[1], procs)] as const;
    const [killedSite, keptSite] = sites;
    const configs = sites.map((id) => write(`site-${id}.json`, siteConfig(id)));
    const users = write(
      `users-${fleet}.json`,
      sites.map((id) => ({
        username: `arm-1@${id}`,
        roles: ['arm'],
        sites: [id],
        agentId: 'arm-1',
        password: 'dev-only',
      })),
    );
    const env = (proc: string) => fleetEnv(sim, fleet, proc);
    const args = ['--config', configs.join(','), '--users', users, '--port', '0'];
    const serves = new Map<string, ServeProcess>(procs.map((p) => [p, spawnServe(args, env(p))]));
    const [url1, url2] = (await Promise.all(procs.map((p) => serves.get(p)!.url))) as [string, string];

    // Each site led by its process, its Stasis application connected and taken over.
    const redis = connect();
    const holder = (site: string) => redis.hget(`sas:{${site}}:lease`, 'holder');
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
    await waitFor(
      async () => (await holder(killedSite)) === procs[0] && (await holder(keptSite)) === procs[1],
      60_000,
    );
    await Promise.all([takenOver(procs[0], killedSite), takenOver(procs[1], keptSite)]);
    await waitFor(async () => (await fetch(`${url1}/readyz`)).status === 200, 30_000);

    // The web pages of every site: /web-config.json?site=<id> (the first site without it).
    const webConfig = async (query = '') => {
      const r = await fetch(`${url1}/web-config.json${query}`);
      return {
        status: r.status,
        body: (await r.json()) as { siteId?: string; sites?: string[]; error?: string },
      };
    };
    expect((await webConfig()).body).toMatchObject({ siteId: sites[0], sites: [...sites] });
    for (const id of sites) expect((await webConfig(`?site=${id}`)).body.siteId).toBe(id);
    expect(await webConfig('?site=nowhere')).toEqual({
      status: 404,
      body: { error: 'site "nowhere": not served here' },
    });
    expect((await webConfig(`?site=${sites[0]}&site=${sites[1]}`)).status).toBe(400);

    // One ARM per site, logged in through the process that does NOT lead its site.
    for (const [site, url] of [
      [killedSite, url2],
      [keptSite, url1],
    ] as const) {
      await pbx.phone(`PJSIP/${site}-arm-1`);
      expect(await (await login(url, `arm-1@${site}`, site))('/agent/login')).toBe(200);
    }
    const place = (site: string, callerNumber: string) => placeCall(sim, site, callerNumber);
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const calls = new Map<string, { callId: string; channelId: string }[]>();
    for (const site of sites) {
      const talking = await place(site, '0611111111');
      await waitFor(() => timeline(talking).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
      const waiting = await place(site, '0622222222');
      await waitFor(() => timeline(waiting).answeredByPbxAtMs, 20_000);
      calls.set(site, [talking, waiting]);
    }

    // kill -9 of the process leading `killedSite`: the other process leads it and takes it over.
    const killedAt = Date.now();
    serves.get(procs[0])!.proc.kill('SIGKILL');
    await serves.get(procs[0])!.exited;
    const taken = await takenOver(procs[1], killedSite, killedAt);
    const takeOverMs = Date.now() - killedAt;
    expect(await holder(killedSite)).toBe(procs[1]);
    expect(taken.adoption).toMatchObject({ callers: 2, legs: 1, arrived: 0, ended: 0, strays: 0, gone: 0 });
    for (const call of calls.get(killedSite)!.concat(calls.get(keptSite)!))
      expect(timeline(call).endedAtMs, 'no call cut').toBeNull();
    expect(timeline(calls.get(keptSite)![0]!).agents).toEqual([`PJSIP/${keptSite}-arm-1`]);

    // The survivor goes on with the site: a new call, the ARM ends the talking one through its API.
    const after = await place(killedSite, '0633333333');
    await waitFor(() => timeline(after).answeredByPbxAtMs, 20_000);
    calls.get(killedSite)!.push(after);
    for (const site of sites) {
      const arm = await login(url2, `arm-1@${site}`, site);
      const [talking] = calls.get(site)!;
      expect(await arm(`/calls/${talking!.channelId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
      await waitFor(() => timeline(talking!).endedAtMs !== null, 10_000);
      expect(timeline(talking!).endedBy).toBe('pbx');
    }
    // The callers still waiting hang up.
    for (const site of sites)
      for (const call of calls.get(site)!.slice(1)) {
        if (timeline(call).endedAtMs === null)
          await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
        await waitFor(() => timeline(call).endedAtMs !== null, 10_000);
      }
    // Ended calls must also end in the engine before the PBX check (the wrap-up decides nothing on it).
    for (const site of sites) {
      const ids = calls.get(site)!.map((c) => c.channelId);
      await waitFor(async () => {
        const events = (await readStream(site)).map((e) => e.event as { type: string; callId?: string });
        return ids.every((id) => events.some((e) => e.type === 'CallEnded' && e.callId === id));
      }, 15_000);
      const events = (await readStream(site)).map((e) => e.event as { type: string; callId?: string });
      for (const id of ids)
        for (const type of ['CallArrived', 'CallEnded'])
          expect(
            events.filter((e) => e.type === type && e.callId === id),
            `${site} ${id} ${type}`,
          ).toHaveLength(1);
    }
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    console.log(
      `serve with 2 sites, 2 processes: kill -9 → site ${killedSite} taken over in ${takeOverMs} ms`,
    );
    serves.get(procs[1])!.proc.kill('SIGTERM');
    expect(await serves.get(procs[1])!.exited).toBe(0);
  }, 180_000);
});
