// A graceful hand-over with one site: two `serve` processes (the CLI, one --config) on one sim-pbx,
// the leader gets SIGTERM while the site has a call talking and one waiting, and new calls keep
// arriving every 150 ms until the standby has taken the site over. The leaving process sees the
// standby (src/app/serve-peers.ts) and keeps the Stasis application until the standby's client
// takes it: the fallback gap (calls the dialplan fallback got because no ACD held the application)
// must be 0; the talking call is not cut; every call arrives and ends once; the PBX is clean. A
// process alone stops at once (no wait for a successor that is not there).
import { describe, expect, it } from 'vitest';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { expectEachCallOnce } from './fixtures/stream.js';
import { spawnServe } from './fixtures/serve-process.js';
import { fleetEnv, jsonWriter, login, placeCall, simPbxPerTest, siteConfig } from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-serve-handover-');
const pbx = simPbxPerTest();

describe('serve with one site: a leader leaving gracefully', () => {
  it('hands the site over to its standby with no fallback gap; none lost, doubled or left', async () => {
    const sim = await pbx.start();
    const site = freshSiteId();
    const config = write(`site-${site}.json`, siteConfig(site));
    const users = write(`users-${site}.json`, [
      { username: 'arm-1', roles: ['arm'], sites: [site], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = (proc: string) => ({ ...fleetEnv(sim, 'unused', proc), ARI_APP: `sasacd-${site}` });
    const args = ['--config', config, '--users', users, '--port', '0'];
    const a = spawnServe(args, env('a'));
    const takenOver = 'PBX taken over: calls re-adopted, pending effects finished';
    await a.waitForLine((l) => l.msg === takenOver, 60_000);
    const b = spawnServe(args, env('b'));
    const urlB = await b.url;
    const redis = connect();
    const holder = () => redis.hget(`sas:{${site}}:lease`, 'holder');
    const holderA = await holder();

    await pbx.phone(`PJSIP/${site}-arm-1`);
    expect(await (await login(urlB, 'arm-1', site))('/agent/login')).toBe(200);
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const talking = await placeCall(sim, site, '0611111111');
    await waitFor(() => timeline(talking).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
    const waiting = await placeCall(sim, site, '0622222222');
    await waitFor(() => timeline(waiting).answeredByPbxAtMs, 20_000);
    const calls = [talking, waiting];
    // b, a healthy standby (no lease, no PBX link), is alive but not ready for a load balancer.
    expect((await fetch(`${urlB}/healthz`)).status).toBe(200);
    const standby = await fetch(`${urlB}/readyz`);
    expect(standby.status).toBe(503);
    expect(await standby.json()).toMatchObject({
      status: 'standby',
      checks: { redis: true, telephony: true, writer: true },
    });
    expect((await fetch(`${urlB}/readyz?standby=ready`)).status).toBe(200);
    expect((await fetch(`${urlB}/readyz?standby=yes`)).status).toBe(400);
    // b is a member of the site's peers once its first heartbeat is in (it joins before serving).

    const leftAt = Date.now();
    a.proc.kill('SIGTERM');
    let handedOver = false;
    const taken = b
      .waitForLine((l) => l.msg === takenOver && (l.time as number) >= leftAt, 60_000)
      .then((line) => {
        handedOver = true;
        return line;
      });
    taken.catch(() => undefined);
    let n = 0;
    while (!handedOver) {
      calls.push(await placeCall(sim, site, `06990000${String(n++).padStart(2, '0')}`));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const handOverMs = Date.now() - leftAt;
    for (const stop = Date.now() + 1000; Date.now() < stop;) {
      calls.push(await placeCall(sim, site, `06990000${String(n++).padStart(2, '0')}`));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await a.exited, 'a exits cleanly').toBe(0);
    const report = (await taken).adoption as Record<string, number>;
    expect(await holder()).not.toBe(holderA);
    const ready = await fetch(`${urlB}/readyz`);
    expect(ready.status, 'the new leader, linked, is ready').toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const fallbackGap = calls.filter((c) => timeline(c).route === 'fallback').length;
    console.log(
      `one-site graceful hand-over: taken over ${handOverMs} ms after SIGTERM, ${calls.length - 2} calls placed meanwhile, fallback gap ${fallbackGap} calls, adoption ${JSON.stringify(report)}`,
    );
    expect(fallbackGap, 'calls sent to the fallback during the hand-over').toBe(0);
    expect(a.lines.some((l) => l.msg === 'hand-over: the next leader holds the PBX')).toBe(true);
    expect(report).toMatchObject({ legs: 1, ended: 0, strays: 0, gone: 0 });
    expect(timeline(talking).endedAtMs, 'the talking call is not cut').toBeNull();

    const arm = await login(urlB, 'arm-1', site);
    expect(await arm(`/calls/${talking.channelId}/hangup`, { disposition: 'conseil-medical' })).toBe(200);
    await waitFor(() => timeline(waiting).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
    for (const call of calls) {
      if (timeline(call).endedAtMs === null)
        await fetch(`${sim.url}/sim/calls/${call.callId}/hangup`, { method: 'POST' });
      await waitFor(() => timeline(call).endedAtMs !== null, 10_000);
    }
    await expectEachCallOnce(
      site,
      calls.map((c) => c.channelId),
    );
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password }, { within: 10_000 });

    // Alone now: b stops at once, without waiting for a successor.
    const stopAt = Date.now();
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.lines.some((l) => l.msg === 'hand-over: no next leader took the PBX over')).toBe(false);
    console.log(`lone process stopped in ${Date.now() - stopAt} ms`);
  }, 180_000);
});
