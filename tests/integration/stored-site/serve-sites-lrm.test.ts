// `sas-acd serve` with two sites in one process and the LRM link on (real redis-server, in-process
// sim-pbx with one Stasis application per site, the example LRM): a call on each site → the LRM
// receives each site's events, signed, with the site's id, in order per call, none lost or twice;
// /metrics lists both sites' LRM series under one registration; the PBX is clean at the end.
import { describe, expect, it } from 'vitest';
import { parseSitesSettings, startServeSites } from '../../../src/app/serve-sites.js';
import { startExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { jsonWriter, fleetEnv, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';
import { freshSiteId, silent, waitFor } from './fixtures/site.js';

const write = jsonWriter('sas-acd-serve-sites-lrm-');
const pbx = simPbxPerTest();
const SECRET = 'serve-sites-lrm-secret-for-tests';

describe('sas-acd serve with several sites and the LRM link', () => {
  it("sends each site's call events to the LRM, signed, with its site id, in order per call", async () => {
    const sim = await pbx.start();
    const lrm = await startExampleLrm({ secret: SECRET });
    const sites = [freshSiteId(), freshSiteId()] as const;
    const fleet = `f${sites[0]}`;
    const parsed = parseSitesSettings({
      configFiles: sites.map((id) => write(`site-${id}.json`, siteConfig(id))),
      usersFile: write(`users-${fleet}.json`, [
        ...sites.map((id) => ({
          username: `arm-1@${id}`,
          roles: ['arm'],
          sites: [id],
          agentId: 'arm-1',
          password: 'dev-only',
        })),
        { username: `lrm-${fleet}`, roles: ['lrm'], sites: [...sites], password: 'dev-only' },
      ]),
      port: 0,
      host: '127.0.0.1',
      env: {
        ...fleetEnv(sim, fleet, `${fleet}-p1`),
        LRM_WEBHOOK_URL: lrm.url,
        LRM_WEBHOOK_SECRET: SECRET,
        HUB_SANTE_URL: `${lrm.url}/hub`,
        HUB_SANTE_SECRET: SECRET,
        HUB_SANTE_ORGANIZATION: 'fr.health.samu{site}',
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.settings.lrm?.[sites[1]]?.hub?.organization).toBe(`fr.health.samu${sites[1]}`);
    const serving = await startServeSites(parsed.settings, silent);
    try {
      await waitFor(() => sites.every((id) => serving.pbx(id)?.ready), 30_000);
      const calls = new Map<string, string>();
      for (const id of sites) {
        await pbx.phone(`PJSIP/${id}-arm-1`);
        const shell = serving.fleet.sites.get(id)!;
        expect((await shell.dispatch({ type: 'agentLogin', agentId: 'arm-1' })).ok).toBe(true);
        const call = await placeCall(sim, id, '0611111111');
        await waitFor(() => sim.pbx.timelines.calls.get(call.callId)?.answeredBy, 20_000);
        const hungUp = await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
        expect(hungUp.status).toBe(204);
        calls.set(id, call.channelId);
      }
      type Body = { siteId: string; callId: string; type: string; data: unknown };
      const lrmOf = (callId: string) =>
        lrm.received.filter((d) => (d.body as Body).callId === callId && !d.key.endsWith('-rc-eda'));
      for (const [id, callId] of calls) {
        await waitFor(() => lrmOf(callId).some((d) => d.event === 'call.ended'), 20_000);
        const got = lrmOf(callId).map((d) => d.body as Body);
        expect(got.map((b) => b.type)).toEqual(['call.arrived', 'call.answered', 'call.ended']);
        expect(new Set(got.map((b) => b.siteId))).toEqual(new Set([id]));
      }
      // The Hub Santé copy of each arrival, under the site's own organization.
      await waitFor(() => lrm.received.filter((d) => d.key.endsWith('-rc-eda')).length === 2);
      for (const id of sites)
        expect(lrm.received.some((d) => JSON.stringify(d.body).includes(`fr.health.samu${id}`))).toBe(true);
      expect(lrm.refused).toEqual([]);
      expect(lrm.repeats).toEqual([]);

      // The LRM's API, with its one set of credentials, answers for both sites (and no other).
      const login = await fetch(`${serving.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `lrm-${fleet}`, password: 'dev-only' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const lrmGet = (site: string) =>
        fetch(`${serving.url}/api/v1/sites/${site}/lrm/calls`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
      for (const id of sites) expect((await lrmGet(id)).status).toBe(200);
      expect((await lrmGet(freshSiteId())).status).toBeGreaterThanOrEqual(400);

      const metrics = await (await fetch(`${serving.url}/metrics`)).text();
      for (const name of ['sas_acd_lrm_webhook_deliveries_total', 'sas_acd_lrm_webhook_jobs'])
        expect(
          metrics
            .split('\n')
            .filter((l) => l === `# TYPE ${name} ${name.endsWith('total') ? 'counter' : 'gauge'}`),
        ).toHaveLength(1);
      for (const id of sites) {
        expect(metrics).toContain(
          `sas_acd_lrm_webhook_deliveries_total{site="${id}",target="lrm",result="delivered"} 3`,
        );
        expect(metrics).toMatch(new RegExp(`sas_acd_lrm_webhook_jobs\\{site="${id}",state="failed"\\} 0`));
      }
      await expectCleanPbx(
        { ariUrl: sim.ariUrl, user: sim.user, password: sim.password },
        { within: 10_000 },
      );
    } finally {
      await serving.stop();
      await lrm.close();
    }
  }, 60_000);
});
