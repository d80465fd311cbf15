// A lone `serve` process loses its own writer lease (paused with SIGSTOP until the lease key expires,
// then resumed) while a caller arrives AND hangs up: the only trace of that caller is on the old
// PBX link, whose events come after its lead ended, and the new take-over finds no channel for it.
// It must still be counted once, as an abandon (one arrival, one end), while a caller who arrived
// during the pause and is still there at the take-over is not counted twice; the PBX ends clean.
import { describe, expect, it } from 'vitest';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { spawnServe } from './fixtures/serve-process.js';
import { fleetEnv, jsonWriter, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-serve-lease-lapse-abandon-');
const pbx = simPbxPerTest();
const TAKEN_OVER = 'PBX taken over: calls re-adopted, pending effects finished';

type StoredEvent = { type: string; callId?: string; by?: string; outcome?: string };

describe('serve alone: its own lease lapses while a caller comes and goes', () => {
  it('counts that caller once, as an abandon, and the caller still there once', async () => {
    const sim = await pbx.start();
    const site = freshSiteId();
    const config = write(`site-${site}.json`, siteConfig(site));
    const users = write(`users-${site}.json`, [
      { username: 'sup', roles: ['supervisor'], sites: [site], password: 'dev-only' },
    ]);
    const env = { ...fleetEnv(sim, 'unused', 'a'), ARI_APP: `sasacd-${site}` };
    const a = spawnServe(['--config', config, '--users', users, '--port', '0'], env);
    await a.waitForLine((l) => l.msg === TAKEN_OVER, 60_000);
    const url = await a.url;
    const redis = connect();
    const epoch = async () => Number(await redis.get(`sas:{${site}}:epoch`));
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const epochBefore = await epoch();

    // Starved beyond the TTL (3 s): the lease expires in Redis. Meanwhile one caller comes and goes
    // (the old link's StasisStart and StasisEnd wait unread in its socket), another comes and stays.
    a.proc.kill('SIGSTOP');
    await waitFor(async () => (await redis.exists(`sas:{${site}}:lease`)) === 0, 20_000);
    const gone = await placeCall(sim, site, '0633333333');
    const stays = await placeCall(sim, site, '0644444444');
    expect(
      (await fetch(`${sim.url}/sim/calls/${gone.callId}/hangup`, { method: 'POST' })).status,
    ).toBeLessThan(300);
    await waitFor(() => timeline(gone).endedAtMs !== null, 10_000);
    expect(timeline(gone).route, 'the caller reached the (old) Stasis application').toBe('stasis');
    const resumedAt = Date.now();
    a.proc.kill('SIGCONT');
    await a.waitForLine((l) => l.msg === TAKEN_OVER && (l.time as number) >= resumedAt, 60_000);
    expect(await epoch(), 'the lease was re-acquired (a new tenure)').toBeGreaterThan(epochBefore);

    const events = async () => (await readStream(site)).map((e) => e.event as StoredEvent);
    const of = (all: StoredEvent[], type: string, call: { channelId: string }) =>
      all.filter((e) => e.type === type && e.callId === call.channelId);
    // The caller who came and went: its arrival and its end, from the old link's late events.
    await waitFor(async () => of(await events(), 'CallEnded', gone).length > 0, 30_000);
    await fetch(`${sim.url}/sim/calls/${stays.callId}/hangup`, { method: 'POST' });
    await waitFor(async () => of(await events(), 'CallEnded', stays).length > 0, 30_000);

    const all = await events();
    for (const call of [gone, stays]) {
      expect(of(all, 'CallArrived', call), `${call.channelId} arrived`).toHaveLength(1);
      expect(of(all, 'CallEnded', call), `${call.channelId} ended`).toHaveLength(1);
      expect(of(all, 'CallEnded', call)[0]).toMatchObject({ by: 'caller', outcome: 'abandoned' });
    }
    expect(all.filter((e) => e.type === 'CallArrived')).toHaveLength(2);

    // The supervisor's indicators: two arrivals, two abandons, nothing counted twice.
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup', password: 'dev-only' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const since = Date.now() - 26 * 3_600_000;
    const res = await fetch(`${url}/api/v1/sites/${site}/indicators?granularity=day&since=${since}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(res.status).toBe(200);
    const spans = ((await res.json()) as { spans: { all: Record<string, number> }[] }).spans;
    const sum = (k: string) => spans.reduce((n, s) => n + (s.all[k] ?? 0), 0);
    expect(sum('calls.arrived')).toBe(2);
    expect(sum('calls.abandoned')).toBe(2);

    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 180_000);
});
