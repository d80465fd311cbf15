// A graceful hand-over on FreeSWITCH with several sites: two `serve --pbx freeswitch` processes (the
// CLI) share two sites, each site with its own sim-fs (its own drachtio-server and FreeSWITCH), and
// both sites led by the first process, the second standing by. The leader gets SIGTERM with a call
// talking and one waiting on each site, and new calls keep arriving on every site until the standby
// has taken every site over. Each site goes through its own hand-over (src/app/pbx-handover.ts) at
// the same time: no caller gets drachtio's 503 or stays unanswered, none is cut, each arrives and
// ends once in its own site's stream (none in the other's), and neither sim-fs holds anything at
// the end.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { jsonWriter, login, siteLedBy } from './fixtures/serve-sites.js';
import { killServes, spawnServe } from './fixtures/serve-process.js';
import { dialFs, fsLeftovers, fsSitesEnv } from './fixtures/sim-fs-serve.js';
import { connect, freshSiteId, redisUrl, stopAll, waitFor } from './fixtures/site.js';
import { expectEachCallOnce } from './fixtures/stream.js';

const write = jsonWriter('sas-acd-sites-handover-fs-');
const labs: SimFsServer[] = [];
const phones: PhoneClient[] = [];
afterEach(async () => {
  killServes();
  for (const p of phones.splice(0)) p.close();
  await Promise.all(labs.splice(0).map((l) => l.close()));
});
afterAll(stopAll);

const takenOverMsg = 'PBX taken over: calls re-adopted, pending effects finished';
type Call = { simId: string; callId: string };

describe('serve with several sites on FreeSWITCH: a leader leaving gracefully', () => {
  it('hands every site over with no call refused by drachtio; none lost, cut, doubled or left', async () => {
    const fleet = `f${freshSiteId()}`;
    const procs = [`${fleet}-p1`, `${fleet}-p2`] as const;
    // Both sites are p1's by the rendezvous hashing: p2 leads neither until p1 leaves.
    const sites = [siteLedBy(procs[0], procs), siteLedBy(procs[0], procs)] as const;
    const labOf: Record<string, SimFsServer> = {};
    for (const site of sites) labs.push((labOf[site] = await startSimFs({ eslPassword: 'not-ClueCon' })));
    const lab = (site: string) => labOf[site]!;
    const configs = sites.map((id) => write(`site-${id}.json`, { ...exampleSite, id }));
    const users = write(
      `users-${fleet}.json`,
      sites.map((s) => ({
        username: `arm-1@${s}`,
        roles: ['arm'],
        sites: [s],
        agentId: 'arm-1',
        password: 'dev-only',
      })),
    );
    const env = (proc: string) => ({
      REDIS_URL: redisUrl(),
      JWT_SECRET: 'x'.repeat(40),
      FLEET_NAME: fleet,
      FLEET_PROCESS_ID: proc,
      ...fsSitesEnv(labOf),
    });
    const args = ['--config', configs.join(','), '--users', users, '--port', '0', '--pbx', 'freeswitch'];
    const p1 = spawnServe(args, env(procs[0]));
    const takenOver = (serve: typeof p1, site: string, after = 0) =>
      serve.waitForLine(
        (l) => l.msg === takenOverMsg && l.site === site && (l.time as number) >= after,
        60_000,
      );
    await Promise.all(sites.map((s) => takenOver(p1, s)));
    // p2 joins once p1 leads both sites; p1 must see it in the fleet to hand its sites over.
    const p2 = spawnServe(args, env(procs[1]));
    const url2 = await p2.url;
    await p1.waitForLine(
      (l) => l.msg === 'fleet members' && Array.isArray(l.members) && l.members.includes(procs[1]),
      30_000,
    );
    const redis = connect();
    const holder = (site: string) => redis.hget(`sas:{${site}}:lease`, 'holder');
    expect(await Promise.all(sites.map(holder))).toEqual([procs[0], procs[0]]);
    // A standby does not connect: each drachtio-server has p1 only.
    expect(sites.map((s) => lab(s).sim.drachtio.appCount)).toEqual([1, 1]);

    const callsOf = new Map<string, Call[]>(sites.map((s) => [s, []]));
    const talkingOf = new Map<string, Call>();
    for (const site of sites) {
      const phone = await PhoneClient.register(lab(site).endpointsWsUrl, 'PJSIP/arm-1');
      phone.autoAnswer(20);
      phones.push(phone);
      expect(await (await login(url2, `arm-1@${site}`, site))('/agent/login')).toBe(200);
      const talking = await dialFs(lab(site), '0611111111');
      await waitFor(() => lab(site).sim.hears(talking.simId).phones.includes('PJSIP/arm-1'), 20_000);
      const waiting = await dialFs(lab(site), '0622222222');
      await waitFor(() => lab(site).sim.hears(waiting.simId).music, 20_000);
      talkingOf.set(site, talking);
      callsOf.get(site)!.push(talking, waiting);
    }

    // SIGTERM to p1; on every site a call every 150 ms until p2 has taken every site over, and a
    // second after.
    const leftAt = Date.now();
    p1.proc.kill('SIGTERM');
    let handedOver = false;
    const taken = Promise.all(sites.map((s) => takenOver(p2, s, leftAt))).then((lines) => {
      handedOver = true;
      return lines;
    });
    taken.catch(() => undefined);
    let n = 0;
    const dialNext = async () => {
      const number = `06990000${String(n++).padStart(2, '0')}`;
      for (const site of sites) callsOf.get(site)!.push(await dialFs(lab(site), number));
      await new Promise((resolve) => setTimeout(resolve, 150));
    };
    while (!handedOver) await dialNext();
    const handOverMs = Date.now() - leftAt;
    for (const stop = Date.now() + 1000; Date.now() < stop;) await dialNext();
    expect(await p1.exited, 'p1 exits cleanly').toBe(0);
    const reports = (await taken).map((l) => l.adoption as Record<string, number>);
    expect(await Promise.all(sites.map(holder)), 'p2 leads every site').toEqual([procs[1], procs[1]]);
    expect(
      sites.map((s) => lab(s).sim.drachtio.appCount),
      'p2 alone on each drachtio',
    ).toEqual([1, 1]);

    const timeline = (site: string, c: Call) => lab(site).sim.timeline(c.simId)!;
    // Every caller is answered by FreeSWITCH: none refused (drachtio's 503 sends the trunk to the
    // fallback), none left ringing.
    const answered = (site: string) => (c: Call) =>
      timeline(site, c).answeredByPbxAtMs !== null || timeline(site, c).endedAtMs !== null;
    await waitFor(() => sites.every((s) => callsOf.get(s)!.every(answered(s))), 20_000).catch(
      () => undefined,
    );
    const parked = (serve: typeof p1, site: string) =>
      serve.lines.filter((l) => l.msg === 'caller parked until the take-over' && l.site === site).length;
    console.log(
      `FreeSWITCH graceful hand-over of ${sites.length} sites: taken over ${handOverMs} ms after SIGTERM, ${n} calls placed meanwhile on each site; ` +
        sites
          .map(
            (s, i) =>
              `${s}: parked by the leaving process ${parked(p1, s)}, by the next leader ${parked(p2, s)}, adoption ${JSON.stringify(reports[i])}`,
          )
          .join('; '),
    );
    for (const site of sites) {
      const refused = callsOf.get(site)!.filter((c) => timeline(site, c).answeredByPbxAtMs === null);
      for (const c of refused)
        console.log(
          `unanswered on ${site}: ${c.callId}`,
          JSON.stringify(timeline(site, c)),
          JSON.stringify([...p1.lines, ...p2.lines].filter((l) => JSON.stringify(l).includes(c.callId))),
        );
      expect(
        refused.map((c) => ({ call: c.simId, status: timeline(site, c).status })),
        `calls refused or unanswered on ${site} during the hand-over`,
      ).toEqual([]);
      expect(
        callsOf.get(site)!.filter((c) => timeline(site, c).endedAtMs !== null),
        `no call cut on ${site}`,
      ).toEqual([]);
      expect(lab(site).sim.hears(talkingOf.get(site)!.simId).phones, `${site} talking`).toEqual([
        'PJSIP/arm-1',
      ]);
      const of = (serve: typeof p1, msg: string) => serve.lines.some((l) => l.msg === msg && l.site === site);
      expect(of(p1, 'hand-over: the next leader holds the PBX'), site).toBe(true);
      expect(of(p2, 'hand-over: the previous leader has left the PBX'), site).toBe(true);
    }
    for (const report of reports) expect(report).toMatchObject({ legs: 1, ended: 0, strays: 0, gone: 0 });

    // Each ARM ends its call through p2, and its phone then gets a waiting caller; the rest hang up.
    for (const site of sites) {
      const arm = await login(url2, `arm-1@${site}`, site);
      const talking = talkingOf.get(site)!;
      expect(
        await waitFor(async () => {
          const status = await arm(`/calls/${talking.callId}/hangup`, { disposition: 'conseil-medical' });
          return status === 409 ? null : status;
        }, 20_000),
      ).toBe(200);
    }
    for (const site of sites) {
      const talking = talkingOf.get(site)!;
      await waitFor(
        () =>
          callsOf
            .get(site)!
            .some((c) => c !== talking && lab(site).sim.hears(c.simId).phones.includes('PJSIP/arm-1')),
        20_000,
      );
    }
    for (const site of sites)
      for (const call of callsOf.get(site)!)
        if (timeline(site, call).endedAtMs === null)
          await fetch(`${lab(site).url}/sim/calls/${call.simId}/hangup`, { method: 'POST' });
    for (const site of sites) {
      await waitFor(() => callsOf.get(site)!.every((c) => timeline(site, c).endedAtMs !== null), 20_000);
      const ids = callsOf.get(site)!.map((c) => c.callId);
      const others = sites.filter((s) => s !== site).flatMap((s) => callsOf.get(s)!.map((c) => c.callId));
      const all = await expectEachCallOnce(site, ids, `${site} `);
      expect(
        all.filter((e) => e.callId !== undefined && others.includes(e.callId)),
        `no other site's call in ${site}`,
      ).toEqual([]);
      await waitFor(() => fsLeftovers(lab(site)) === 0, 10_000).catch(() => {
        throw new Error(`left on ${site}'s PBX: ${JSON.stringify(lab(site).sim.leftovers())}`);
      });
    }

    // Alone now: p2 stops at once, without waiting for a successor.
    p2.proc.kill('SIGTERM');
    expect(await p2.exited).toBe(0);
    expect(p2.lines.some((l) => l.msg === 'hand-over: no next leader took the PBX over')).toBe(false);
    redis.disconnect();
  }, 180_000);
});
