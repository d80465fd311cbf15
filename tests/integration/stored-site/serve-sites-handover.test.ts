// A graceful hand-over with calls in progress: two `serve` processes (the CLI) share two sites, one
// sim-pbx with an application per site. The process leading one site gets SIGTERM while that site has
// a call talking and one waiting, and new calls keep arriving every 150 ms until the other process
// has taken the site over. The fallback gap (calls the dialplan fallback got because no ACD held the
// site's Stasis application) must be 0; the talking call is not cut; every call arrives, is answered
// at most once and ends once in the site's stream; the PBX holds nothing at the end.
import { describe, expect, it } from 'vitest';
import { expectCleanPbx } from '../telephony/pbx-hygiene.js';
import { connect, freshSiteId, waitFor } from './fixtures/site.js';
import { expectEachCallOnce } from './fixtures/stream.js';
import { spawnServe, type ServeProcess } from './fixtures/serve-process.js';
import {
  fleetEnv,
  jsonWriter,
  login,
  placeCall,
  simPbxPerTest,
  siteConfig,
  siteLedBy,
} from './fixtures/serve-sites.js';

const write = jsonWriter('sas-acd-handover-');
const pbx = simPbxPerTest();

describe('serve with several sites: a process leaving gracefully', () => {
  it('hands its site over with calls in progress and no fallback gap; none lost, doubled or left', async () => {
    const sim = await pbx.start();
    const fleet = `f${freshSiteId()}`;
    const procs = [`${fleet}-p1`, `${fleet}-p2`] as const;
    const sites = [siteLedBy(procs[0], procs), siteLedBy(procs[1], procs)] as const;
    const [site] = sites; // led by p1, which leaves
    const configs = sites.map((id) => write(`site-${id}.json`, siteConfig(id)));
    const users = write(`users-${fleet}.json`, [
      { username: `arm-1@${site}`, roles: ['arm'], sites: [site], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const env = (proc: string) => fleetEnv(sim, fleet, proc);
    const args = ['--config', configs.join(','), '--users', users, '--port', '0'];
    const serves = new Map<string, ServeProcess>(procs.map((p) => [p, spawnServe(args, env(p))]));
    const [, url2] = (await Promise.all(procs.map((p) => serves.get(p)!.url))) as [string, string];
    const redis = connect();
    const holder = () => redis.hget(`sas:{${site}}:lease`, 'holder');
    const takenOver = (proc: string, after = 0) =>
      serves
        .get(proc)!
        .waitForLine(
          (l) =>
            l.msg === 'PBX taken over: calls re-adopted, pending effects finished' &&
            l.site === site &&
            (l.time as number) >= after,
          60_000,
        );
    await waitFor(async () => (await holder()) === procs[0], 60_000);
    await takenOver(procs[0]);

    await pbx.phone(`PJSIP/${site}-arm-1`);
    expect(await (await login(url2, `arm-1@${site}`, site))('/agent/login')).toBe(200);
    const timeline = (call: { callId: string }) => sim.pbx.timelines.calls.get(call.callId)!;
    const talking = await placeCall(sim, site, '0611111111');
    await waitFor(() => timeline(talking).answeredBy === `PJSIP/${site}-arm-1`, 20_000);
    const waiting = await placeCall(sim, site, '0622222222');
    await waitFor(() => timeline(waiting).answeredByPbxAtMs, 20_000);
    const calls = [talking, waiting];

    // SIGTERM to p1; calls keep coming until p2 has taken the site over, and a second after.
    const leftAt = Date.now();
    serves.get(procs[0])!.proc.kill('SIGTERM');
    let handedOver = false;
    const taken = takenOver(procs[1], leftAt).then((line) => {
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
    expect(await serves.get(procs[0])!.exited, 'p1 exits cleanly').toBe(0);
    const report = (await taken).adoption as Record<string, number>;
    expect(await holder()).toBe(procs[1]);

    // The fallback gap: calls the dialplan fallback got because no ACD held the application.
    const fallbackGap = calls.filter((c) => timeline(c).route === 'fallback').length;
    console.log(
      `graceful hand-over: site taken over ${handOverMs} ms after SIGTERM, ${calls.length - 2} calls placed meanwhile, fallback gap ${fallbackGap} calls, adoption ${JSON.stringify(report)}`,
    );
    expect(fallbackGap, 'calls sent to the fallback during the hand-over').toBe(0);
    expect(report).toMatchObject({ legs: 1, ended: 0, strays: 0, gone: 0 });
    expect(timeline(talking).endedAtMs, 'the talking call is not cut').toBeNull();
    expect(
      await (
        await login(url2, `arm-1@${site}`, site)
      )(`/calls/${talking.channelId}/hangup`, {
        disposition: 'conseil-medical',
      }),
    ).toBe(200);
    await waitFor(() => timeline(talking).endedAtMs !== null, 10_000);
    // The next caller reaches the ARM: calls flow on p2.
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
    serves.get(procs[1])!.proc.kill('SIGTERM');
    expect(await serves.get(procs[1])!.exited).toBe(0);
  }, 180_000);
});
