// Two `serve` processes: the leader is paused (SIGSTOP) while a caller arrives AND hangs up, and
// the standby takes the site over before the leader resumes. The caller's StasisStart and StasisEnd
// reached only the paused process's WebSocket (Asterisk, like sim-pbx, gives an application's events
// to one connection) and no take-over can list a caller already gone. Once resumed, the old process
// may read its socket before its writer notices the lapse (libuv runs the I/O before the timers):
// it sees its lease past its deadline, keeps the pair as its link's late events instead of deciding
// them as leader, and hands it to the new leader (src/app/site-pbx.ts → recordMissedAbandon,
// src/core/rules/fallback.ts): the caller is counted once, as one arrival and one abandon, never
// offered to an agent in between; the PBX ends clean.
import { describe, expect, it } from 'vitest';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { spawnServe } from './fixtures/serve-process.js';
import { fleetEnv, jsonWriter, login, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-serve-missed-abandon-');
const pbx = simPbxPerTest();
const TAKEN_OVER = 'PBX taken over: calls re-adopted, pending effects finished';
const MISSED = 'caller heard only by a link whose lead ended: sent to the leader as a missed abandon';
const LAPSED = 'PBX event heard after the lease lapsed: kept as a late event, not decided as leader';

type StoredEvent = { type: string; callId?: string; by?: string; outcome?: string };

describe('serve with a standby: the leader paused while a caller comes and goes', () => {
  it('counts that caller once, as a missed abandon sent by the old process to the new leader', async () => {
    const sim = await pbx.start();
    const site = freshSiteId();
    const config = write(`site-${site}.json`, siteConfig(site));
    const users = write(`users-${site}.json`, [
      { username: 'sup', roles: ['supervisor'], sites: [site], password: 'dev-only' },
      { username: 'arm-1', roles: ['arm'], sites: [site], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = (proc: string) => ({ ...fleetEnv(sim, 'unused', proc), ARI_APP: `sasacd-${site}` });
    const args = ['--config', config, '--users', users, '--port', '0'];
    const a = spawnServe(args, env('a'));
    await a.waitForLine((l) => l.msg === TAKEN_OVER, 60_000);
    const b = spawnServe(args, env('b'));
    const urlB = await b.url;
    const redis = connect();
    const holder = () => redis.hget(`sas:{${site}}:lease`, 'holder');
    const holderA = await holder();
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    // A free ARM with a phone: an arrival decided live would offer the caller to it.
    const phone = await pbx.phone(`PJSIP/${site}-arm-1`);
    expect(await (await login(await a.url, 'arm-1', site))('/agent/login')).toBe(200);

    // Both paused while the caller comes and goes: only a's socket (it holds the application) hears
    // them, whatever the machine's load. Then b alone resumes and takes the site over.
    a.proc.kill('SIGSTOP');
    b.proc.kill('SIGSTOP');
    const gone = await placeCall(sim, site, '0633333333');
    expect(
      (await fetch(`${sim.url}/sim/calls/${gone.callId}/hangup`, { method: 'POST' })).status,
    ).toBeLessThan(300);
    await waitFor(() => timeline(gone).endedAtMs !== null, 10_000);
    expect(timeline(gone).route, 'the caller reached the (paused) Stasis application').toBe('stasis');
    const resumedAt = Date.now();
    b.proc.kill('SIGCONT');
    await b.waitForLine((l) => l.msg === TAKEN_OVER && (l.time as number) >= resumedAt, 60_000);
    expect(await holder(), 'b leads now').not.toBe(holderA);
    a.proc.kill('SIGCONT');

    // Counted once, by a missed abandon (a's late link): a saw its lease lapsed before deciding
    // anything its socket held, so no arrival went through the commands stream.
    const events = async () => (await readStream(site)).map((e) => e.event as StoredEvent);
    const mine = (all: StoredEvent[]) => all.filter((e) => e.callId === gone.channelId);
    const counted = (all: StoredEvent[]) =>
      mine(all).filter(
        (e) => e.type === 'MissedCallAbandoned' || (e.type === 'CallEnded' && e.outcome === 'abandoned'),
      ).length;
    await waitFor(async () => counted(await events()) > 0, 30_000);

    // The supervisor's indicators (b's read model): one arrival, one abandon.
    const signIn = await fetch(`${urlB}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup', password: 'dev-only' }),
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const since = Date.now() - 26 * 3_600_000;
    const indicators = async () => {
      const res = await fetch(`${urlB}/api/v1/sites/${site}/indicators?granularity=day&since=${since}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(200);
      const spans = ((await res.json()) as { spans: { all: Record<string, number> }[] }).spans;
      const sum = (k: string) => spans.reduce((n, s) => n + (s.all[k] ?? 0), 0);
      return { arrived: sum('calls.arrived'), abandoned: sum('calls.abandoned') };
    };
    await waitFor(async () => (await indicators()).abandoned > 0, 20_000);

    // a said what it did with the events its socket held, and is a standby again (b holds the lease).
    await a.waitForLine((l) => l.msg === MISSED && l.callId === gone.channelId, 30_000);
    await a.waitForLine(
      (l) => l.msg === 'site writer role' && l.role === 'standby' && (l.time as number) >= resumedAt,
      30_000,
    );
    const all = await events();
    expect(counted(all), JSON.stringify(mine(all))).toBe(1);
    expect(
      mine(all).map((e) => e.type),
      'one missed abandon: never an arrival (no agent offered), never an end',
    ).toEqual(['MissedCallAbandoned']);
    expect(await indicators()).toEqual({ arrived: 1, abandoned: 1 });
    expect(
      phone.messages.filter((m) => m.type === 'invite'),
      'the free ARM was never rung for the caller gone',
    ).toEqual([]);
    expect(await holder(), 'b still leads').not.toBe(holderA);
    // Which of a's two checks saw the lapse first: its PBX link (about to decide an event of its
    // socket) or its writer (before its next step); the same outcome either way.
    const sawIt = a.lines.some((l) => l.msg === LAPSED) ? 'its PBX link' : 'its writer';
    console.log(`a saw its lease lapsed through ${sawIt}`);

    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  }, 240_000);
});
