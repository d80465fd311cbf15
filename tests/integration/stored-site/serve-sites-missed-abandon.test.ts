// Two `serve` processes sharing two sites (one sim-pbx, an application per site), both paused
// (SIGSTOP) while a caller of the first site comes and goes: only the paused leader's socket for
// that site's application heard them. The other process resumes first and takes the site over; once
// resumed, the old leader hands the pair to the site's leader as one missed abandon
// (src/app/site-pbx.ts, wired per site in src/app/serve-sites.ts). The caller is counted once, in
// its own site's stream only; the quiet second site records nothing of it; the PBX ends clean.
import { describe, expect, it } from 'vitest';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { spawnServe, type ServeProcess } from './fixtures/serve-process.js';
import {
  fleetEnv,
  jsonWriter,
  placeCall,
  simPbxPerTest,
  siteConfig,
  siteLedBy,
} from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-sites-missed-');
const pbx = simPbxPerTest();
const TAKEN_OVER = 'PBX taken over: calls re-adopted, pending effects finished';
const MISSED = 'caller heard only by a link whose lead ended: sent to the leader as a missed abandon';

type StoredEvent = { type: string; callId?: string };

describe('serve with several sites: a leader paused while a caller of its site comes and goes', () => {
  it('counts that caller once, as a missed abandon in its own site only', async () => {
    const sim = await pbx.start();
    const fleet = `f${freshSiteId()}`;
    const procs = [`${fleet}-p1`, `${fleet}-p2`] as const;
    const [site, quiet] = [siteLedBy(procs[0], procs), siteLedBy(procs[1], procs)] as const;
    const configs = [site, quiet].map((id) => write(`site-${id}.json`, siteConfig(id)));
    const users = write(`users-${fleet}.json`, [
      { username: 'sup', roles: ['supervisor'], sites: [site, quiet], password: 'dev-only' },
    ]);
    const args = ['--config', configs.join(','), '--users', users, '--port', '0'];
    const serves = new Map<string, ServeProcess>(
      procs.map((p) => [p, spawnServe(args, fleetEnv(sim, fleet, p))]),
    );
    const [p1, p2] = procs.map((p) => serves.get(p)!) as [ServeProcess, ServeProcess];
    await Promise.all([p1.url, p2.url]);
    const redis = connect();
    const holder = (id: string) => redis.hget(`sas:{${id}}:lease`, 'holder');
    const takenOver = (proc: ServeProcess, id: string, after = 0) =>
      proc.waitForLine((l) => l.msg === TAKEN_OVER && l.site === id && (l.time as number) >= after, 60_000);
    await waitFor(
      async () => (await holder(site)) === procs[0] && (await holder(quiet)) === procs[1],
      60_000,
    );
    await Promise.all([takenOver(p1, site), takenOver(p2, quiet)]);
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;

    // Both paused while the caller comes and goes: only p1's socket for the site's application
    // hears them. Then p2 alone resumes; p1's heartbeat and lease lapse, p2 takes the site over.
    p1.proc.kill('SIGSTOP');
    p2.proc.kill('SIGSTOP');
    const gone = await placeCall(sim, site, '0644444444');
    expect(
      (await fetch(`${sim.url}/sim/calls/${gone.callId}/hangup`, { method: 'POST' })).status,
    ).toBeLessThan(300);
    await waitFor(() => timeline(gone).endedAtMs !== null, 10_000);
    expect(timeline(gone).route, 'the caller reached the (paused) Stasis application').toBe('stasis');
    const resumedAt = Date.now();
    p2.proc.kill('SIGCONT');
    await takenOver(p2, site, resumedAt);
    expect(await holder(site), 'p2 leads the site now').toBe(procs[1]);
    const p2Epoch = await redis.hget(`sas:{${site}}:lease`, 'epoch');
    p1.proc.kill('SIGCONT');

    // p1 sees p2 holding the site's lease with a later epoch as soon as it resumes, and hands the
    // pair over as one missed abandon, decided by p2 (before p1 is back in the fleet and given the
    // site again by the rendezvous, which takes heartbeats and a hand-over).
    await p1.waitForLine((l) => l.msg === MISSED && l.site === site && l.callId === gone.channelId, 30_000);
    const entries = async (id: string) =>
      (await readStream(id)).filter((e) => (e.event as StoredEvent).callId === gone.channelId);
    const mine = async (id: string) => (await entries(id)).map((e) => e.event as StoredEvent);
    await waitFor(async () => (await mine(site)).length > 0, 30_000);
    expect((await entries(site))[0]!.epoch, "decided under p2's lease").toBe(p2Epoch);
    // p1 takes its site back: its take-over knows the call as counted, and nothing more is told.
    await waitFor(async () => (await holder(site)) === procs[0], 60_000);
    await takenOver(p1, site, resumedAt);
    expect(
      (await mine(site)).map((e) => e.type),
      'one missed abandon: never an arrival (no agent offered), never an end',
    ).toEqual(['MissedCallAbandoned']);
    expect(await mine(quiet), 'nothing of it in the other site').toEqual([]);
    expect(
      (await readStream(quiet)).filter((e) => (e.event as StoredEvent).type === 'MissedCallAbandoned'),
    ).toEqual([]);

    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });
    p1.proc.kill('SIGTERM');
    p2.proc.kill('SIGTERM');
    expect(await p1.exited).toBe(0);
    expect(await p2.exited).toBe(0);
  }, 240_000);
});
