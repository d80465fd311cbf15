// `simulate replay --pbx freeswitch`: the hand-computed trace through the own stack on sim-fs (the
// simulated drachtio-server + FreeSWITCH, `sas-acd sim-pbx --pbx freeswitch`) and `sas-acd serve`
// with PBX=freeswitch, each a child process. The ground truth comes from sim-fs's caller timelines
// (who shares media with whom, and when), never from the ACD. The replay reconciles only if nothing
// is left on sim-fs at the end (dialogs, channels, conferences, event sockets, phone legs: its
// GET /sim/leftovers), so `reconciled` also says the PBX is clean. One short run (the trace with short talks after t=40: no figure depends on them).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { redisServerInstalled } from '../../../src/store/redis-server.js';
import { replayCli } from './replay-cli.js';

const trace = fileURLToPath(new URL('../../fixtures/replay/hand-computed-short-talks.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'replay-fs-test-'));
// P2 to N2 MG whatever the hour, as in replay.test.ts: the hand computation must not depend on it.
const site = join(dir, 'site.json');
writeFileSync(
  site,
  JSON.stringify({
    ...exampleSite,
    routing: { ...exampleSite.routing, mgHours: 'always', p2WithoutGpRegulator: null },
  }),
);

const { spawned: replay, inProcess: replayInProcess, stackDirs: replayDirs } = replayCli(dir);

type Figures = {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithinThreshold: number;
  meanWaitSeconds: number | null;
};
type Side = { queues: Record<string, Figures>; calls: Record<string, number> };
type Report = {
  groundTruth: Side;
  acd: Side;
  reconciled: boolean;
  calls: { lost: number; duplicated: number; stuck: number };
  chaos?: { fault: string; atSeconds: number; backAfterMs: number }[];
};

const SPEED = 5;
/** How late, in real seconds, a hand-off may come on a loaded machine (bot, API, PBX round trips). */
const LATENCY_S = 1.5;
/** How late, in real seconds, an answer may come on a heavily loaded machine (seen: 1.8 s at load 19 on 2 cores): waits are only ever late. */
const LATE_S = 4;

describe.skipIf(!redisServerInstalled())(
  'sas-acd simulate replay --pbx freeswitch (needs redis-server)',
  () => {
    /** The hand-computed trace on the own sim-fs stack (with `extra` options): both sides as by hand. */
    async function expectHandFigures(extra: string[], speed = SPEED): Promise<Report> {
      const before = replayDirs();
      const r = await replay([
        '--trace',
        trace,
        '--pbx',
        'freeswitch',
        '--speed',
        String(speed),
        '--staff',
        'n1=2,n2-amu=1,n2-mg=1',
        '--wrap-up',
        '0',
        '--config',
        site,
        '--tolerance-ms',
        String(LATENCY_S * 1000),
        '--json',
        ...extra,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.reconciled).toBe(true);
      expect(report.calls).toEqual({ lost: 0, duplicated: 0, stuck: 0 });
      // The same hand computation as on Asterisk (replay.test.ts): C4 waits 35 s for the first free ARM,
      // C3 gives up after 10 s, C1 (P1) and C2 (P2) are answered at once at N2.
      const hand: Record<string, Omit<Figures, 'meanWaitSeconds'> & { meanWaitSeconds: number }> = {
        n1: { offered: 4, answered: 3, abandoned: 1, answeredWithinThreshold: 2, meanWaitSeconds: 35 / 3 },
        'n2-amu': { offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 1, meanWaitSeconds: 0 },
        'n2-mg': { offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 1, meanWaitSeconds: 0 },
      };
      for (const side of [report.groundTruth, report.acd]) {
        expect(Object.keys(side.queues).sort()).toEqual(['n1', 'n2-amu', 'n2-mg']);
        for (const [id, h] of Object.entries(hand)) {
          const { meanWaitSeconds, ...counts } = side.queues[id]!;
          const { meanWaitSeconds: handWait, ...handCounts } = h;
          expect(counts, id).toEqual(handCounts);
          expect(meanWaitSeconds, id).toBeGreaterThanOrEqual(handWait - LATENCY_S * speed);
          expect(meanWaitSeconds, id).toBeLessThanOrEqual(handWait + LATE_S * speed);
        }
      }
      const perCall = { arrived: 4, answered: 3, answeredWithin30s: 3, abandoned: 1, shortAbandoned: 1 };
      expect(report.groundTruth.calls).toEqual(perCall);
      expect(report.acd.calls).toEqual(perCall);
      // The stack's children are gone and their folder removed (the run reconciled).
      expect(replayDirs()).toEqual(before);
      return report;
    }

    it('gives the hand-computed figures on both sides, reconciled, nothing lost, doubled or stuck, sim-fs clean', async () => {
      await expectHandFigures([]);
    }, 240_000);

    it('gives the same figures when the ACD is killed (kill -9) mid-call and started again', async () => {
      // As on Asterisk (replay.test.ts): at t=14 C1 and C2 talk with the two N1 ARMs, C4 waits, C3
      // has hung up; the new ACD takes the calls over from sim-fs and Redis before the talks end
      // at t=40 (26 simulated s, 10.4 real s at speed 2.5; 8.7 s at speed 3 were too few at load 20).
      const report = await expectHandFigures(['--chaos', 'kill-acd-at=14'], 2.5);
      expect(report.chaos?.map((c) => c.fault)).toEqual(['kill-acd']);
    }, 240_000);

    it('gives the same figures when redis-server is killed (kill -9) mid-call and started again', async () => {
      // As on Asterisk (replay.test.ts): at t=25 C1 and C2 talk with the two N1 ARMs and C4 waits;
      // redis-server comes back on its AOF, and the ACD must carry on with sim-fs's calls.
      const report = await expectHandFigures(['--chaos', 'restart-redis-at=25']);
      expect(report.chaos?.map((c) => [c.fault, c.atSeconds])).toEqual([['restart-redis', 25]]);
    }, 240_000);

    it('refuses --chaos drop-ari-at on freeswitch (sim-fs has no ARI), starting nothing', async () => {
      const before = replayDirs();
      const r = await replayInProcess([
        '--trace',
        trace,
        '--pbx',
        'freeswitch',
        '--staff',
        'n1=2,n2-amu=1,n2-mg=1',
        '--config',
        site,
        '--chaos',
        'drop-ari-at=8',
        '--json',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/drop-ari-at needs the Asterisk simulator/);
      expect(r.stdout).toBe('');
      expect(replayDirs()).toEqual(before);
    });
  },
);
