// The dependencies' health through `sas-acd serve` against sim-pbx (real redis-server): the PBX's
// request round trip while it answers and -1 / not ok once it is gone, the recording storage below
// its threshold shown low, and the answer rate (answered / presented) today and per day from the
// history, low when callers hang up unanswered: on the supervisor's API and on /metrics. Redis's
// PING and the LRM endpoint (the example LRM): delivered with its lag, then answering 500 (not ok,
// retries pending, an `http` error), then answering again, then gone (`refused`), and the PBX gone
// with a `refused` code, never the bare "fetch failed".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeSettings, startServe } from '../../../src/app/serve.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { startExampleLrm } from '../../../simulator/lrm/example-lrm.js';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { freshSiteId, redisUrl, silent, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

type Lrm = {
  ok: boolean;
  waiting: number | null;
  retrying: number | null;
  givenUp: number | null;
  lastDeliveredAt: number | null;
  lastLagMs: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  lastErrorCode: string | null;
};
type Deps = {
  pbx: {
    connected: boolean | null;
    measured: boolean;
    ok: boolean;
    roundTripMs: number | null;
    error: string | null;
    errorCode: string | null;
  };
  redis: { ok: boolean; roundTripMs: number | null; error: string | null; errorCode: string | null } | null;
  lrm: Lrm | null;
  recordingStorage: { dir: string; ok: boolean; low: boolean; freeBytes: number | null } | null;
  answerRate: {
    minRate: number;
    today: { day: string; presented: number; answered: number; rate: number | null; low: boolean };
    days: { day: string; presented: number; answered: number; rate: number | null; low: boolean }[];
  };
};

const metric = (text: string, name: string, labels = '') => {
  const m = new RegExp(`^${name}\\{site="[^"]+"${labels}\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('dependencies health through serve', () => {
  it('shows the PBX round trip, a low recording storage and a low answer rate, then the PBX down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-deps-'));
    const sim = await startSimPbx({ port: 0, app: 'sasacd' });
    const LRM_SECRET = 'lrm-secret-of-the-test-0123';
    const lrm = await startExampleLrm({ secret: LRM_SECRET });
    const siteId = freshSiteId();
    const config = join(dir, 'site.json');
    writeFileSync(config, JSON.stringify({ ...exampleSite, id: siteId }));
    const users = join(dir, 'users.json');
    writeFileSync(
      users,
      JSON.stringify([
        { username: 'sup-1', roles: ['supervisor'], sites: [siteId], password: 'dev-only' },
        { username: 'arm-1', roles: ['arm'], sites: [siteId], password: 'dev-only' },
      ]),
    );
    const base = {
      REDIS_URL: redisUrl(),
      ARI_URL: sim.ariUrl,
      ARI_USER: sim.user,
      ARI_PASSWORD: sim.password,
      JWT_SECRET: 'x'.repeat(40),
      RECORDING_STORAGE_DIR: dir,
      LRM_WEBHOOK_URL: lrm.url,
      LRM_WEBHOOK_SECRET: LRM_SECRET,
    };
    // Bad settings are refused before anything starts, naming the variable.
    const bad = parseServeSettings({
      configFile: config,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      env: { ...base, RECORDING_STORAGE_MIN_FREE: '150%' },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join('\n')).toMatch(/^RECORDING_STORAGE_MIN_FREE: /m);
    const parsed = parseServeSettings({
      configFile: config,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      // A threshold above any disk's real free share: the storage shows low.
      env: { ...base, RECORDING_STORAGE_MIN_FREE: '0.99999999' },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServe(parsed.settings, silent);
    try {
      await waitFor(() => serving.adapter()?.connected);
      const token = async (username: string) => {
        const r = await fetch(`${serving.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: 'dev-only' }),
        });
        return ((await r.json()) as { accessToken: string }).accessToken;
      };
      const sup = await token('sup-1');
      const deps = async (query = '') => {
        const r = await fetch(`${serving.url}/api/v1/sites/${siteId}/dependencies${query}`, {
          headers: { authorization: `Bearer ${sup}` },
        });
        expect(r.status).toBe(200);
        return (await r.json()) as Deps;
      };

      // Two callers hang up before anyone answers: 2 presented, 0 answered.
      for (const n of ['0600000001', '0600000002']) {
        const r = await fetch(`${sim.url}/sim/calls`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ line: '15', callerNumber: n }),
        });
        const { callId } = (await r.json()) as { callId: string };
        await waitFor(() => Object.keys(serving.site.state.data.calls).length === 1);
        await fetch(`${sim.url}/sim/calls/${callId}/hangup`, { method: 'POST' });
        await waitFor(() => Object.keys(serving.site.state.data.calls).length === 0);
      }

      const up = await waitFor(async () => {
        const d = await deps();
        return d.answerRate.today.presented === 2 && d.answerRate.days.at(-1)?.presented === 2 ? d : null;
      });
      expect(up.pbx).toMatchObject({ connected: true, measured: true, ok: true });
      expect(up.pbx.roundTripMs).toBeGreaterThan(0);
      expect(up.recordingStorage).toMatchObject({ dir, ok: false, low: true });
      expect(up.recordingStorage!.freeBytes).toBeGreaterThan(0);
      expect(up.answerRate.today).toMatchObject({ presented: 2, answered: 0, rate: 0, low: true });
      expect(up.answerRate.days.at(-1)).toEqual(up.answerRate.today);
      expect(up.answerRate.minRate).toBe(0.9);
      expect(up.redis).toMatchObject({ ok: true, error: null, errorCode: null });
      expect(up.redis!.roundTripMs).toBeGreaterThanOrEqual(0);
      // The two calls' events reach the example LRM: delivered, with the last one's lag.
      const delivered = await waitFor(
        async () => {
          const d = await deps('?days=1');
          return d.lrm?.lastDeliveredAt && d.lrm.waiting === 0 ? d.lrm : null;
        },
        20_000,
        100,
      );
      expect(delivered).toMatchObject({ ok: true, retrying: 0, givenUp: 0, lastError: null });
      expect(delivered.lastLagMs).toBeGreaterThanOrEqual(0);
      expect(lrm.received.length).toBeGreaterThan(0);

      let text = await (await fetch(`${serving.url}/metrics`)).text();
      expect(metric(text, 'sas_acd_pbx_round_trip_seconds')).toBeGreaterThan(0);
      expect(metric(text, 'sas_acd_recording_storage_low')).toBe(1);
      expect(metric(text, 'sas_acd_answer_rate_today', ',figure="presented"')).toBe(2);
      expect(metric(text, 'sas_acd_answer_rate_today', ',figure="rate"')).toBe(0);

      // Refusals: a desk cannot read it; a bad span is a 400 naming the field.
      const arm = await fetch(`${serving.url}/api/v1/sites/${siteId}/dependencies`, {
        headers: { authorization: `Bearer ${await token('arm-1')}` },
      });
      expect(arm.status).toBe(403);
      const badDays = await fetch(`${serving.url}/api/v1/sites/${siteId}/dependencies?days=400`, {
        headers: { authorization: `Bearer ${sup}` },
      });
      expect(badDays.status).toBe(400);
      expect(JSON.stringify(await badDays.json())).toContain('days');

      // The LRM answers 500: not ok, a retry pending, the error an `http` one with its detail.
      const call = async (n: string) => {
        const r = await fetch(`${sim.url}/sim/calls`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ line: '15', callerNumber: n }),
        });
        const { callId } = (await r.json()) as { callId: string };
        await waitFor(() => Object.keys(serving.site.state.data.calls).length === 1);
        await fetch(`${sim.url}/sim/calls/${callId}/hangup`, { method: 'POST' });
        await waitFor(() => Object.keys(serving.site.state.data.calls).length === 0);
      };
      lrm.failNext(1000);
      await call('0600000003');
      const failing = await waitFor(
        async () => {
          const d = await deps('?days=1');
          return d.lrm && !d.lrm.ok && d.lrm.lastErrorCode ? d.lrm : null;
        },
        20_000,
        100,
      );
      expect(failing.lastErrorCode).toBe('http');
      expect(failing.lastError).toMatch(/HTTP 500/);
      // It answers again: the retry delivers, ok again.
      lrm.failNext(0);
      const back = await waitFor(
        async () => {
          const d = await deps('?days=1');
          return d.lrm?.ok && d.lrm.waiting === 0 ? d.lrm : null;
        },
        60_000,
        200,
      );
      expect(back.lastDeliveredAt).toBeGreaterThan(failing.lastErrorAt!);
      // The LRM gone: the next call's events meet a refused connection.
      await lrm.close();
      await call('0600000004');
      const gone = await waitFor(
        async () => {
          const d = await deps('?days=1');
          return d.lrm && !d.lrm.ok && d.lrm.lastErrorCode === 'refused' ? d.lrm : null;
        },
        20_000,
        100,
      );
      expect(gone.lastError).toMatch(/ECONNREFUSED/);

      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
      // The PBX goes away: not ok, -1 on /metrics (the rest still answers).
      await sim.close();
      const down = await waitFor(async () => {
        const d = await deps('?days=1');
        return d.pbx.ok ? null : d;
      });
      expect(down.pbx).toMatchObject({ measured: true, ok: false, roundTripMs: null, errorCode: 'refused' });
      // The detail for the engineer says what failed, not the bare "fetch failed".
      expect(down.pbx.error).toMatch(/ECONNREFUSED/);
      expect(down.answerRate.days).toHaveLength(1);
      text = await (await fetch(`${serving.url}/metrics`)).text();
      expect(metric(text, 'sas_acd_pbx_round_trip_seconds')).toBe(-1);
    } finally {
      await serving.stop();
      await sim.close().catch(() => undefined);
      await lrm.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
