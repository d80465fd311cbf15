// `serve` with several sites mounts each site's dependencies as `serve` with one site does: one
// process (in-process startServeSites) leads two sites on one sim-pbx. Each site's PBX round trip,
// its own recording storage (`{site}` in RECORDING_STORAGE_DIR: x's folder exists, y's does not)
// and its own answer rate, on the API and on /metrics (each metric once, labelled by site); a
// supervisor of x alone cannot read y's; each site's own LRM link and Redis on the API; the PBX gone,
// both sites say so, with a `refused` code (never the bare "fetch failed").
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSitesSettings, startServeSites } from '../../../src/app/serve-sites.js';
import { startExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { jsonWriter, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';
import { freshSiteId, redisUrl, silent, waitFor } from './fixtures/site.js';

const write = jsonWriter('sas-acd-sites-deps-');
const pbx = simPbxPerTest();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Deps = {
  pbx: {
    measured: boolean;
    ok: boolean;
    roundTripMs: number | null;
    error: string | null;
    errorCode: string | null;
  };
  redis: { ok: boolean; roundTripMs: number | null } | null;
  lrm: {
    ok: boolean;
    waiting: number | null;
    lastDeliveredAt: number | null;
    lastError: string | null;
  } | null;
  recordingStorage: { dir: string; ok: boolean; low: boolean; error: string | null } | null;
  answerRate: { today: { presented: number; answered: number; rate: number | null; low: boolean } };
};

const metric = (text: string, name: string, site: string) => {
  const all = [...text.matchAll(new RegExp(`^${name}\\{site="${site}"\\} (\\S+)$`, 'gm'))];
  expect(all.length, `${name} of ${site} once`).toBeLessThanOrEqual(1);
  return all[0] ? Number(all[0][1]) : null;
};

describe('serve with several sites: dependencies per site', () => {
  it("shows each site's PBX round trip, recording storage and answer rate, API and /metrics", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-sites-deps-files-'));
    dirs.push(dir);
    const sim = await pbx.start({ port: 0 });
    const LRM_SECRET = 'lrm-secret-of-the-test-0123';
    const lrm = await startExampleLrm({ secret: LRM_SECRET });
    const [x, y] = [freshSiteId(), freshSiteId()];
    mkdirSync(join(dir, x)); // y's storage folder is missing: unreadable, so low
    const configs = [write(`site-${x}.json`, siteConfig(x)), write(`site-${y}.json`, siteConfig(y))];
    const users = write(`users-${x}.json`, [
      { username: 'sup-1', roles: ['supervisor'], sites: [x, y], password: 'dev-only' },
      { username: 'sup-x', roles: ['supervisor'], sites: [x], password: 'dev-only' },
    ]);
    const parsed = parseSitesSettings({
      configFiles: configs,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      env: {
        REDIS_URL: redisUrl(),
        ARI_URL: sim.ariUrl,
        ARI_USER: sim.user,
        ARI_PASSWORD: sim.password,
        JWT_SECRET: 'x'.repeat(40),
        FLEET_NAME: `f${x}`,
        RECONCILE_EVERY_MS: '0',
        RECORDING_STORAGE_DIR: join(dir, '{site}'),
        // Readable is enough to be ok: the test does not depend on the disk's real free share.
        RECORDING_STORAGE_MIN_FREE: '0',
        ANSWER_RATE_MIN: '0.5',
        LRM_WEBHOOK_URL: lrm.url,
        LRM_WEBHOOK_SECRET: LRM_SECRET,
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServeSites(parsed.settings, silent);
    try {
      await waitFor(() => serving.pbx(x)?.connected && serving.pbx(y)?.connected, 30_000);
      const token = async (username: string) =>
        (
          (await (
            await fetch(`${serving.url}/api/v1/auth/login`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username, password: 'dev-only' }),
            })
          ).json()) as { accessToken: string }
        ).accessToken;
      const sup = await token('sup-1');
      const deps = async (site: string, bearer = sup) => {
        const r = await fetch(`${serving.url}/api/v1/sites/${site}/dependencies?days=1`, {
          headers: { authorization: `Bearer ${bearer}` },
        });
        return { status: r.status, body: (await r.json()) as Deps };
      };

      // One caller of x hangs up unanswered (nobody is logged in): x 0 of 1, y nothing presented.
      const call = await placeCall(sim, x, '0600000001');
      const shell = serving.fleet.sites.get(x)!;
      await waitFor(() => Object.keys(shell.state.data.calls).length === 1, 20_000);
      await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
      await waitFor(() => Object.keys(shell.state.data.calls).length === 0, 20_000);

      const dx = await waitFor(async () => {
        const d = await deps(x);
        return d.body.answerRate?.today.presented === 1 && d.body.lrm?.lastDeliveredAt ? d : null;
      }, 20_000);
      // Each site's own LRM link: x's call delivered, y's link has sent nothing; Redis answers both.
      expect(dx.body.lrm).toMatchObject({ ok: true, lastError: null });
      expect(dx.body.redis).toMatchObject({ ok: true });
      expect(dx.status).toBe(200);
      expect(dx.body.pbx).toMatchObject({ measured: true, ok: true });
      expect(dx.body.pbx.roundTripMs).toBeGreaterThan(0);
      expect(dx.body.recordingStorage).toMatchObject({
        dir: join(dir, x),
        ok: true,
        low: false,
        error: null,
      });
      expect(dx.body.answerRate.today).toMatchObject({ presented: 1, answered: 0, rate: 0, low: true });
      const dy = await deps(y);
      expect(dy.status).toBe(200);
      expect(dy.body.pbx).toMatchObject({ measured: true, ok: true });
      expect(dy.body.recordingStorage).toMatchObject({
        dir: join(dir, y),
        ok: false,
        low: true,
        error: 'ENOENT',
      });
      expect(dy.body.answerRate.today).toMatchObject({ presented: 0, answered: 0, rate: null, low: false });
      expect(dy.body.lrm).toMatchObject({ ok: true, waiting: 0, lastDeliveredAt: null, lastError: null });
      expect(dy.body.redis).toMatchObject({ ok: true });

      // A supervisor of x alone: x yes, y refused.
      const supX = await token('sup-x');
      expect((await deps(x, supX)).status).toBe(200);
      expect((await deps(y, supX)).status).toBe(403);

      let text = await (await fetch(`${serving.url}/metrics`)).text();
      for (const site of [x, y])
        expect(metric(text, 'sas_acd_pbx_round_trip_seconds', site)).toBeGreaterThan(0);
      expect(metric(text, 'sas_acd_recording_storage_low', x)).toBe(0);
      expect(metric(text, 'sas_acd_recording_storage_low', y)).toBe(1);
      expect(metric(text, 'sas_acd_recording_storage_free_bytes', x)).toBeGreaterThan(0);
      expect(metric(text, 'sas_acd_recording_storage_free_bytes', y)).toBe(-1);

      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
      // The PBX goes away: both sites say so (API and -1 on /metrics).
      await sim.close();
      for (const site of [x, y]) {
        const down = await waitFor(async () => {
          const d = await deps(site);
          return d.body.pbx.ok ? null : d;
        }, 20_000);
        expect(down.body.pbx).toMatchObject({
          measured: true,
          ok: false,
          roundTripMs: null,
          errorCode: 'refused',
        });
        expect(down.body.pbx.error).toMatch(/ECONNREFUSED/);
      }
      text = await (await fetch(`${serving.url}/metrics`)).text();
      for (const site of [x, y]) expect(metric(text, 'sas_acd_pbx_round_trip_seconds', site)).toBe(-1);
    } finally {
      await serving.stop();
      await lrm.close();
    }
  }, 120_000);
});
