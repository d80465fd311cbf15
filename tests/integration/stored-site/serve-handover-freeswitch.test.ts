// A graceful hand-over on FreeSWITCH: two `serve --pbx freeswitch` processes (the CLI) on one sim-fs,
// whose drachtio-server hands new INVITEs round robin to every app connected for them, as the real
// one does. The leader gets SIGTERM with a call talking and one waiting, and a new call arrives
// every 150 ms until the standby has taken the site over. The leaving process parks the calls
// drachtio still gives it, stops taking calls once the next leader is connected, and leaves; the
// next leader makes every parked caller arrive (src/app/pbx-handover.ts). No call may get
// drachtio's 503 (the trunk's fail-over to the fallback) or stay unanswered, none is cut, each
// arrives and ends once in the stream, and sim-fs holds nothing at the end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { PhoneClient } from '../../../simulator/bots/phone-client.js';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { connect, freshSiteId, stopAll, waitFor } from './fixtures/site.js';
import { expectEachCallOnce } from './fixtures/stream.js';
import { killServes, spawnServe } from './fixtures/serve-process.js';
import { dialFs, fsArmApi, fsLeftovers, fsServeEnv } from './fixtures/sim-fs-serve.js';

const dir = mkdtempSync(join(tmpdir(), 'sas-acd-serve-handover-fs-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

let lab: SimFsServer | null = null;
const phones: PhoneClient[] = [];
afterEach(async () => {
  killServes();
  for (const p of phones.splice(0)) p.close();
  await lab?.close();
  lab = null;
});
afterAll(stopAll);

const takenOver = 'PBX taken over: calls re-adopted, pending effects finished';

describe('serve --pbx freeswitch: a leader leaving gracefully', () => {
  it('hands the site over with no call refused by drachtio; none lost, cut, doubled or left', async () => {
    lab = await startSimFs({ eslPassword: 'not-ClueCon' });
    const sim = lab;
    const site = freshSiteId();
    const config = write(`site-${site}.json`, { ...exampleSite, id: site });
    const users = write(`users-${site}.json`, [
      { username: 'arm-1', roles: ['arm'], sites: [site], agentId: 'arm-1', password: 'dev-only-1' },
    ]);
    const args = ['--config', config, '--users', users, '--port', '0', '--pbx', 'freeswitch'];
    const a = spawnServe(args, fsServeEnv(sim));
    await a.waitForLine((l) => l.msg === takenOver);
    // b joins the site's peers before it serves: once its URL is known, a sees a successor.
    const b = spawnServe(args, fsServeEnv(sim));
    const urlB = await b.url;
    const redis = connect();
    const holder = () => redis.hget(`sas:{${site}}:lease`, 'holder');
    const holderA = await holder();

    const phone = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    phone.autoAnswer(20);
    phones.push(phone);
    expect((await (await fsArmApi(urlB, 'arm-1', 'dev-only-1', site))('/agent/login')).status).toBe(200);
    const talking = await dialFs(sim, '0611111111');
    await waitFor(() => sim.sim.hears(talking.simId).phones.includes('PJSIP/arm-1'), 20_000);
    const waiting = await dialFs(sim, '0622222222');
    await waitFor(() => sim.sim.hears(waiting.simId).music, 20_000);
    const calls = [talking, waiting];

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
    const dialNext = async () => {
      calls.push(await dialFs(sim, `06990000${String(n++).padStart(2, '0')}`));
      await new Promise((resolve) => setTimeout(resolve, 150));
    };
    while (!handedOver) await dialNext();
    const handOverMs = Date.now() - leftAt;
    for (const stop = Date.now() + 1000; Date.now() < stop;) await dialNext();
    expect(await a.exited, 'a exits cleanly').toBe(0);
    const report = (await taken).adoption as Record<string, number>;
    expect(await holder()).not.toBe(holderA);

    const timeline = (c: { simId: string }) => sim.sim.timeline(c.simId)!;
    // Every caller is answered by FreeSWITCH: none refused (drachtio's 503 sends the trunk to the
    // fallback), none left ringing.
    await waitFor(
      () => calls.every((c) => timeline(c).answeredByPbxAtMs !== null || timeline(c).endedAtMs !== null),
      20_000,
    ).catch(() => undefined);
    const refused = calls.filter((c) => timeline(c).answeredByPbxAtMs === null);
    const parkedByA = a.lines.filter((l) => l.msg === 'caller parked until the take-over').length;
    const parkedByB = b.lines.filter((l) => l.msg === 'caller parked until the take-over').length;
    console.log(
      `FreeSWITCH graceful hand-over: taken over ${handOverMs} ms after SIGTERM, ${calls.length - 2} calls placed meanwhile, refused or unanswered ${refused.length}, parked by the leaving process ${parkedByA}, by the next leader ${parkedByB}, adoption ${JSON.stringify(report)}`,
    );
    for (const c of refused)
      console.log(
        `unanswered ${c.callId} (${calls.indexOf(c)}):`,
        JSON.stringify(timeline(c)),
        JSON.stringify([...a.lines, ...b.lines].filter((l) => JSON.stringify(l).includes(c.callId))),
      );
    expect(
      refused.map((c) => ({ call: c.simId, status: timeline(c).status })),
      'calls refused or unanswered during the hand-over',
    ).toEqual([]);
    expect(a.lines.some((l) => l.msg === 'hand-over: the next leader holds the PBX')).toBe(true);
    expect(b.lines.some((l) => l.msg === 'hand-over: the previous leader has left the PBX')).toBe(true);
    expect(report).toMatchObject({ legs: 1, ended: 0, strays: 0, gone: 0 });
    expect(
      calls.filter((c) => timeline(c).endedAtMs !== null),
      'no call cut',
    ).toEqual([]);
    expect(sim.sim.hears(talking.simId).phones).toEqual(['PJSIP/arm-1']);

    const arm = await fsArmApi(urlB, 'arm-1', 'dev-only-1', site);
    const hungUp = await waitFor(async () => {
      const r = await arm(`/calls/${talking.callId}/hangup`, { disposition: 'conseil-medical' });
      return r.status === 409 ? null : r;
    }, 20_000);
    expect(hungUp.status).toBe(200);
    await waitFor(
      () => calls.some((c) => c !== talking && sim.sim.hears(c.simId).phones.includes('PJSIP/arm-1')),
      20_000,
    );
    for (const call of calls) {
      if (timeline(call).endedAtMs === null)
        await fetch(`${sim.url}/sim/calls/${call.simId}/hangup`, { method: 'POST' });
      await waitFor(() => timeline(call).endedAtMs !== null, 10_000);
    }
    await expectEachCallOnce(
      site,
      calls.map((c) => c.callId),
    );
    await waitFor(() => fsLeftovers(sim) === 0, 10_000).catch(() => {
      throw new Error(`left on the PBX: ${JSON.stringify(sim.sim.leftovers())}`);
    });

    // Alone now: b stops at once, without waiting for a successor.
    const stopAt = Date.now();
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.lines.some((l) => l.msg === 'hand-over: no next leader took the PBX over')).toBe(false);
    console.log(`lone process stopped in ${Date.now() - stopAt} ms`);
    redis.disconnect();
  }, 240_000);
});
