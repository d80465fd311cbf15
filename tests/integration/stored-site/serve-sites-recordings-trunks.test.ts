// `serve` with several sites runs each site's trunk statistics and recordings (index and retention)
// as `serve` with one site does: one process (in-process startServeSites) leads two sites on one
// sim-pbx (an application per site) writing its recordings to a folder, with the line 15 trunk
// limited to 2 channels. The calls beyond the trunk are refused and counted under the site whose
// application was told (API and /metrics, each metric once, labelled by site); each site's recorded
// call is in its own index only; each site's retention purges by its own retention days.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSitesSettings, startServeSites } from '../../../src/app/serve-sites.js';
import { callRef } from '../../../src/lrm/call-ref.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { jsonWriter, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';
import { freshSiteId, redisUrl, silent, waitFor } from './fixtures/site.js';

const write = jsonWriter('sas-acd-sites-rec-');
const pbx = simPbxPerTest();
const DAY = 24 * 3600_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const metric = (text: string, name: string, site: string) => {
  const m = new RegExp(`^${name}\\{site="${site}",line="15"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('serve with several sites: trunk statistics and recordings per site', () => {
  it("counts each site's refused calls and keeps each site's recordings apart, purged by its own retention", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-sites-rec-files-'));
    dirs.push(dir);
    const sim = await pbx.start({ port: 0, recordingDir: dir, trunkChannels: { '15': 2 } });
    const [x, y] = [freshSiteId(), freshSiteId()];
    const config = (id: string, retentionDays: number) => ({
      ...siteConfig(id),
      trunks: { '15': { channels: 2 } },
      recording: { enabled: true, retentionDays },
    });
    const configs = [write(`site-${x}.json`, config(x, 30)), write(`site-${y}.json`, config(y, 90))];
    const users = write(`users-${x}.json`, [
      { username: 'sup-1', roles: ['supervisor'], sites: [x, y], password: 'dev-only' },
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
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServeSites(parsed.settings, silent);
    try {
      await waitFor(() => serving.pbx(x)?.connected && serving.pbx(y)?.connected, 30_000);
      const token = (
        (await (
          await fetch(`${serving.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'sup-1', password: 'dev-only' }),
          })
        ).json()) as { accessToken: string }
      ).accessToken;
      const get = async (path: string) =>
        (await (
          await fetch(`${serving.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as Record<string, unknown>;
      const shell = (id: string) => serving.fleet.sites.get(id)!;
      const timeline = (callId: string) => sim.pbx.timelines.calls.get(callId)!;

      // Trunks: nobody logged in, two callers of x wait holding the line's 2 channels; the next
      // caller of each site is refused and counted under its own site, never an arrival.
      const kept = [await placeCall(sim, x, '0600000001'), await placeCall(sim, x, '0600000002')];
      await waitFor(() => Object.keys(shell(x).state.data.calls).length === 2);
      const refused = [await placeCall(sim, x, '0600000003'), await placeCall(sim, y, '0600000004')];
      for (const r of refused) {
        await waitFor(() => timeline(r.callId).endedAtMs !== null);
        expect(timeline(r.callId)).toMatchObject({ route: 'refused', cause: 34 });
      }
      type Lines = { lines: { line: string; busy: number; refusedToday: number }[] };
      const line15 = async (id: string) =>
        ((await get(`/sites/${id}/trunks`)) as Lines).lines.find((l) => l.line === '15');
      await waitFor(
        async () => (await line15(x))?.refusedToday === 1 && (await line15(y))?.refusedToday === 1,
      );
      expect(await line15(x)).toMatchObject({ busy: 2, refusedToday: 1 });
      expect(await line15(y)).toMatchObject({ busy: 0, refusedToday: 1 });
      expect(Object.keys(shell(y).state.data.calls)).toEqual([]);
      const metrics = await (await fetch(`${serving.url}/metrics`)).text();
      expect(metrics.match(/^# TYPE sas_acd_trunk_channels_busy /gm), 'declared once').toHaveLength(1);
      expect(metric(metrics, 'sas_acd_trunk_channels_busy', x)).toBe(2);
      expect(metric(metrics, 'sas_acd_trunk_channels_busy', y)).toBe(0);
      expect(metric(metrics, 'sas_acd_calls_refused_today', x)).toBe(1);
      expect(metric(metrics, 'sas_acd_calls_refused_today', y)).toBe(1);
      expect(metric(metrics, 'sas_acd_calls_refused_total', x)).toBe(1);
      expect(metric(metrics, 'sas_acd_calls_refused_total', y)).toBe(1);
      for (const k of kept) await fetch(`${sim.url}/sim/calls/${k.callId}/hangup`, { method: 'POST' });
      await waitFor(() => Object.keys(shell(x).state.data.calls).length === 0);

      // Recordings: one answered call per site, recorded under its site's reference.
      const recorded: Record<string, string> = {};
      for (const id of [x, y]) {
        await pbx.phone(`PJSIP/${id}-arm-1`);
        expect((await shell(id).dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
        const call = await placeCall(sim, id, '0611111111');
        const ref = callRef(id, call.channelId);
        await waitFor(() => sim.pbx.recordings.live.get(ref)?.state === 'recording', 20_000);
        await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
        recorded[id] = ref;
      }
      type Listed = { recordings: { name: string; callRef: string }[] };
      const listed = async (id: string) =>
        ((await get(`/sites/${id}/recordings?limit=10`)) as Listed).recordings.map((r) => r.name);
      await waitFor(
        async () => (await listed(x)).length === 1 && (await listed(y)).length === 1,
        20_000,
      ).catch(async () => {
        const seen = { [x]: await get(`/sites/${x}/recordings`), [y]: await get(`/sites/${y}/recordings`) };
        throw new Error(
          `recordings listed: ${JSON.stringify(seen)}, stored: ${[...sim.pbx.recordings.stored.keys()].join()}`,
        );
      });
      expect(await listed(x)).toEqual([recorded[x]]);
      expect(await listed(y)).toEqual([recorded[y]]);

      // Retention: x keeps 30 days, y 90; 31 days on, only x's recording goes.
      const file = (id: string) => join(dir, `${recorded[id]}.wav`);
      expect(existsSync(file(x)) && existsSync(file(y))).toBe(true);
      expect(await serving.recordings(x)!.retention.run(Date.now() + 31 * DAY)).toEqual({
        deleted: 1,
        held: 0,
        failed: 0,
      });
      expect(await serving.recordings(y)!.retention.run(Date.now() + 31 * DAY)).toEqual({
        deleted: 0,
        held: 0,
        failed: 0,
      });
      expect([existsSync(file(x)), existsSync(file(y))]).toEqual([false, true]);
      expect(await listed(x)).toEqual([]);
      expect(await listed(y)).toEqual([recorded[y]]);
      await expectCleanPbx(
        { ariUrl: sim.ariUrl, user: sim.user, password: sim.password },
        { within: 10_000 },
      );
    } finally {
      await serving.stop();
    }
  }, 120_000);
});
