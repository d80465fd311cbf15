// The PBX round trip on FreeSWITCH through `sas-acd serve --pbx freeswitch` (real processes, the
// real drachtio-srf and drachtio-fsmrf against sim-fs, a real redis-server): the leader measures
// `api status` on its event socket and says drachtio connected (API and /metrics); a standby of the
// same site holds no PBX link and says so, not as a failure; FreeSWITCH's event socket stopped, the
// leader says not ok with the French cause (`down`) and -1 on /metrics; cut while FreeSWITCH runs, the
// event socket comes back by itself and the leader measures again. Several sites in one
// process: each process measures the site it leads and is a standby for the other.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { envSuffix } from '../../../src/app/sites-pbx-settings.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { failureWords } from '../../../web/src/console/dependency-words.js';
import { fsLeftovers, fsServeEnv } from './fixtures/sim-fs-serve.js';
import { siteLedBy } from './fixtures/serve-sites.js';
import { killServes, spawnServe } from './fixtures/serve-process.js';
import { freshSiteId, redisUrl, stopAll, waitFor } from './fixtures/site.js';

const dir = mkdtempSync(join(tmpdir(), 'sas-acd-serve-fs-deps-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};
const labs: SimFsServer[] = [];
afterEach(async () => {
  killServes();
  await Promise.all(labs.splice(0).map((l) => l.close()));
});
afterAll(stopAll);

type Pbx = {
  connected: boolean | null;
  kind: string | null;
  measured: boolean;
  ok: boolean;
  roundTripMs: number | null;
  error: string | null;
  errorCode: string | null;
  drachtioConnected: boolean | null;
  standby: boolean;
};

/** A supervisor's view of a site's PBX health through one serve process. */
async function pbxOf(url: string, username: string, siteId: string): Promise<() => Promise<Pbx>> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'dev-only' }),
  });
  expect(login.status).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async () => {
    const r = await fetch(`${url}/api/v1/sites/${siteId}/dependencies?days=1`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { pbx: Pbx }).pbx;
  };
}

const metric = (text: string, name: string, site: string) => {
  const m = new RegExp(`^${name}\\{site="${site}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};
const metrics = async (url: string) => (await fetch(`${url}/metrics`)).text();

describe('the PBX round trip on FreeSWITCH', () => {
  it('leader measured, standby said as such, the event socket stopped: not ok with its cause', async () => {
    const lab = await startSimFs({ eslPassword: 'not-ClueCon' });
    labs.push(lab);
    const siteId = freshSiteId();
    const config = write(`site-${siteId}.json`, { ...exampleSite, id: siteId });
    const users = write(`users-${siteId}.json`, [
      { username: 'sup-1', roles: ['supervisor'], sites: [siteId], password: 'dev-only' },
    ]);
    const args = ['--config', config, '--users', users, '--port', '0', '--pbx', 'freeswitch'];
    const a = spawnServe(args, fsServeEnv(lab));
    await a.waitForLine((l) => l.msg === 'connected to the PBX');
    const b = spawnServe(args, fsServeEnv(lab));
    const [urlA, urlB] = await Promise.all([a.url, b.url]);
    const leader = await pbxOf(urlA, 'sup-1', siteId);
    const standby = await pbxOf(urlB, 'sup-1', siteId);

    const up = await waitFor(async () => {
      const p = await leader();
      return p.measured && p.ok ? p : null;
    }, 20_000);
    expect(up).toMatchObject({
      kind: 'freeswitch',
      connected: true,
      drachtioConnected: true,
      standby: false,
    });
    expect(up.roundTripMs).toBeGreaterThanOrEqual(0);
    let text = await metrics(urlA);
    expect(metric(text, 'sas_acd_pbx_round_trip_seconds', siteId)).toBeGreaterThanOrEqual(0);
    expect(metric(text, 'sas_acd_drachtio_connected', siteId)).toBe(1);

    // The standby holds no PBX link: not measured, not a failure, no series on its /metrics.
    expect(await standby()).toMatchObject({
      kind: 'freeswitch',
      standby: true,
      measured: false,
      ok: true,
      errorCode: null,
      drachtioConnected: null,
    });
    text = await metrics(urlB);
    expect(metric(text, 'sas_acd_pbx_round_trip_seconds', siteId)).toBeNull();
    expect(metric(text, 'sas_acd_drachtio_connected', siteId)).toBeNull();
    expect(fsLeftovers(lab)).toBe(0);

    // The event socket cut while FreeSWITCH runs: modesl connects again by itself, the leader takes
    // the calls over again (its link followed the drop and the return) and measures again.
    const cutAt = Date.now();
    expect(lab.sim.media.dropInbound()).toBe(1);
    await a.waitForLine(
      (l) =>
        l.msg === 'PBX taken over: calls re-adopted, pending effects finished' && (l.time as number) >= cutAt,
      30_000,
    );
    await waitFor(async () => {
      const p = await leader();
      return p.measured && p.ok && p.drachtioConnected ? p : null;
    }, 20_000);

    // FreeSWITCH's event socket stopped: the leader says not ok, `down`, worded in French.
    await lab.sim.media.close();
    const down = await waitFor(async () => {
      const p = await leader();
      return p.ok ? null : p;
    }, 20_000);
    expect(down).toMatchObject({ kind: 'freeswitch', measured: true, ok: false, roundTripMs: null });
    expect(down.errorCode).toBe('down');
    expect(down.error).toMatch(/FreeSWITCH|link/);
    expect(failureWords('freeswitch', down.errorCode as 'down')).toBe(
      'Cause : service injoignable (arrêté, ou réseau coupé). À vérifier : que FreeSWITCH est démarré, son interface event socket (FREESWITCH_ESL) et le réseau.',
    );
    await waitFor(
      async () => metric(await metrics(urlA), 'sas_acd_pbx_round_trip_seconds', siteId) === -1,
      20_000,
    );
  });

  it('several sites in one process: each process measures the site it leads, a standby for the other', async () => {
    const fleet = `f${freshSiteId()}`;
    const procs = [`${fleet}-p1`, `${fleet}-p2`] as const;
    const [x, y] = [siteLedBy(procs[0], procs), siteLedBy(procs[1], procs)];
    const labOf = { [x]: await startSimFs({}), [y]: await startSimFs({}) };
    labs.push(labOf[x]!, labOf[y]!);
    const configs = [x, y].map((id) => write(`site-${id}.json`, { ...exampleSite, id }));
    const users = write(`users-${fleet}.json`, [
      { username: 'sup-1', roles: ['supervisor'], sites: [x, y], password: 'dev-only' },
    ]);
    const env = (proc: string) => ({
      REDIS_URL: redisUrl(),
      JWT_SECRET: 'x'.repeat(40),
      FLEET_NAME: fleet,
      FLEET_PROCESS_ID: proc,
      ...Object.fromEntries(
        Object.entries(labOf).flatMap(([site, l]) => [
          [
            `DRACHTIO_URL_${envSuffix(site)}`,
            `drachtio://${l.drachtio.secret}@${l.drachtio.host}:${l.drachtio.port}`,
          ],
          [
            `FREESWITCH_ESL_${envSuffix(site)}`,
            `esl://${encodeURIComponent(l.esl.password)}@${l.esl.host}:${l.esl.port}`,
          ],
        ]),
      ),
    });
    const args = ['--config', configs.join(','), '--users', users, '--port', '0', '--pbx', 'freeswitch'];
    const serves = procs.map((p) => spawnServe(args, env(p)));
    const [url1, url2] = (await Promise.all(serves.map((s) => s.url))) as [string, string];
    const [s1, s2] = serves as [(typeof serves)[0], (typeof serves)[0]];
    const takenOver = (s: typeof s1, site: string) =>
      s.waitForLine(
        (l) => l.msg === 'PBX taken over: calls re-adopted, pending effects finished' && l.site === site,
        60_000,
      );
    await Promise.all([takenOver(s1, x), takenOver(s2, y)]);

    // (At start-up a process may lead a site for a moment before the other wins it: wait for it.)
    const view = async (url: string, site: string) => (await pbxOf(url, 'sup-1', site))();
    for (const [url, led, other] of [
      [url1, x, y],
      [url2, y, x],
    ] as const) {
      const mine = await waitFor(async () => {
        const p = await view(url, led);
        return p.measured && p.ok ? p : null;
      }, 20_000);
      expect(mine).toMatchObject({ kind: 'freeswitch', drachtioConnected: true, standby: false });
      const theirs = await waitFor(async () => {
        const p = await view(url, other);
        return p.standby ? p : null;
      }, 20_000);
      expect(theirs).toMatchObject({ measured: false, ok: true, errorCode: null, drachtioConnected: null });
      await waitFor(async () => {
        const text = await metrics(url);
        return (
          metric(text, 'sas_acd_drachtio_connected', led) === 1 &&
          (metric(text, 'sas_acd_pbx_round_trip_seconds', led) ?? -1) >= 0 &&
          metric(text, 'sas_acd_pbx_round_trip_seconds', other) === null
        );
      }, 20_000);
    }

    // x's event socket stopped: x not ok (`down`) on its leader; y still answers.
    await labOf[x]!.sim.media.close();
    const down = await waitFor(async () => {
      const p = await view(url1, x);
      return p.ok ? null : p;
    }, 20_000);
    expect(down).toMatchObject({ measured: true, errorCode: 'down' });
    expect(await view(url2, y)).toMatchObject({ measured: true, ok: true });
    expect(fsLeftovers(labOf[y]!)).toBe(0);
  });
});
