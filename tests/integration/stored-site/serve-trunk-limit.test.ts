// Trunk capacity and calls refused before distribution (docs/trunks.md), through `sas-acd serve`
// against sim-pbx with a trunk limit on line 15 (real redis-server): the calls beyond the line's
// channels are refused with congestion before they reach the distribution (never an arrival in
// the engine), counted, and the console's API and /metrics show the trunk full.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeSettings, startServe } from '../../../src/app/serve.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { freshSiteId, redisUrl, silent, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

const place = async (simUrl: string) => {
  const r = await fetch(`${simUrl}/sim/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ line: '15', callerNumber: '0600000001' }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { callId: string; channelId: string };
};

const metric = (text: string, name: string, line: string) => {
  const m = new RegExp(`^${name}\\{site="[^"]+",line="${line}"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('trunk limit: calls refused before distribution', () => {
  it('sim-pbx alone refuses the extra call with congestion when no app is connected', async () => {
    const sim = await startSimPbx({ port: 0, app: 'nobody', trunkChannels: { '15': 1 } });
    try {
      const first = await place(sim.url);
      const second = await place(sim.url);
      const call = (id: string) => sim.pbx.timelines.calls.get(id)!;
      expect(call(first.callId).route).toBe('fallback');
      await waitFor(() => call(second.callId).endedAtMs !== null);
      expect(call(second.callId)).toMatchObject({ route: 'refused', cause: 34, endedBy: 'pbx' });
      expect(call(second.callId).entries.map((e) => e.kind)).toContain('trunk-full');
    } finally {
      await sim.close();
    }
  });

  it('counts the refused calls and shows the trunk full on the API and /metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-trunk-'));
    const sim = await startSimPbx({ port: 0, app: 'sasacd', trunkChannels: { '15': 2 } });
    const siteId = freshSiteId();
    const config = join(dir, 'site.json');
    writeFileSync(config, JSON.stringify({ ...exampleSite, id: siteId, trunks: { '15': { channels: 2 } } }));
    const users = join(dir, 'users.json');
    writeFileSync(
      users,
      JSON.stringify([{ username: 'sup-1', roles: ['supervisor'], sites: [siteId], password: 'dev-only' }]),
    );
    const parsed = parseServeSettings({
      configFile: config,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      env: {
        REDIS_URL: redisUrl(),
        ARI_URL: sim.ariUrl,
        ARI_USER: sim.user,
        ARI_PASSWORD: sim.password,
        JWT_SECRET: 'x'.repeat(40),
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServe(parsed.settings, silent);
    try {
      await waitFor(() => serving.adapter()?.connected);
      // Nobody logged in: the two first callers wait in the queue, each holding a channel.
      const kept = [await place(sim.url), await place(sim.url)];
      await waitFor(() => Object.keys(serving.site.state.data.calls).length === 2);
      const refused = [await place(sim.url), await place(sim.url)];
      for (const r of refused) {
        await waitFor(() => sim.pbx.timelines.calls.get(r.callId)!.endedAtMs !== null);
        expect(sim.pbx.timelines.calls.get(r.callId)).toMatchObject({ route: 'refused', cause: 34 });
        expect(serving.site.state.data.calls[r.channelId]).toBeUndefined();
      }
      // Never an arrival: the engine saw two calls in all.
      expect(Object.keys(serving.site.state.data.calls).sort()).toEqual(kept.map((k) => k.channelId).sort());

      const login = await fetch(`${serving.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'sup-1', password: 'dev-only' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const lines = await waitFor(async () => {
        const r = await fetch(`${serving.url}/api/v1/sites/${siteId}/trunks`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        const body = (await r.json()) as { lines: { line: string; refusedToday: number }[] };
        return body.lines.find((l) => l.line === '15')?.refusedToday === 2 ? body.lines : null;
      });
      expect(lines.find((l) => l.line === '15')).toMatchObject({
        channels: 2,
        busy: 2,
        occupancy: 1,
        peak15: 2,
        refusedToday: 2,
      });
      expect(lines.find((l) => l.line === '116117')).toMatchObject({
        channels: null,
        busy: 0,
        refusedToday: 0,
      });

      const text = await (await fetch(`${serving.url}/metrics`)).text();
      expect(metric(text, 'sas_acd_trunk_occupancy_ratio', '15')).toBe(1);
      expect(metric(text, 'sas_acd_trunk_channels_busy', '15')).toBe(2);
      expect(metric(text, 'sas_acd_calls_refused_today', '15')).toBe(2);
      expect(metric(text, 'sas_acd_calls_refused_total', '15')).toBe(2);

      for (const k of kept) await fetch(`${sim.url}/sim/calls/${k.callId}/hangup`, { method: 'POST' });
      await waitFor(() => Object.keys(serving.site.state.data.calls).length === 0);
      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
    } finally {
      await serving.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
