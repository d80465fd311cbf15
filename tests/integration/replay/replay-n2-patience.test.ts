// A caller gives up at N2 on the live system as in the twin: the replay injects each caller with
// its patience for each of its waits (sim-pbx `patiencePerWait`), as the twin restarts it at each
// queue step. Before, sim-pbx's patience ran only until the first answer, so after N1 no caller
// ever gave up: a generated day showed no N2 abandon live against 18 and 37 in the twin.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { redisServerInstalled } from '../../../src/store/redis-server.js';
import { replayCli } from './replay-cli.js';

const trace = fileURLToPath(new URL('../../fixtures/replay/n2-patience.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'replay-n2-patience-'));
const site = join(dir, 'site.json');
// The example site (P1 to N2 AMU), MG open at all hours so the hour of the run changes nothing.
writeFileSync(
  site,
  JSON.stringify({
    ...exampleSite,
    routing: { ...exampleSite.routing, mgHours: 'always', p2WithoutGpRegulator: null },
  }),
);

type Figures = {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithinThreshold: number;
  meanWaitSeconds: number | null;
};
type Report = {
  groundTruth: { queues: Record<string, Figures> };
  acd: { queues: Record<string, Figures> };
  twin: { queues: Record<string, Figures> };
  reconciled: boolean;
  calls: { lost: number; duplicated: number; stuck: number };
};

const SPEED = 4;
/** Real seconds a hand-off may come early or late on a loaded machine (bot, API, PBX round trips). */
const LATENCY_S = 1.5;
/** Real seconds an answer may come late on a heavily loaded machine (as in replay.test.ts). */
const LATE_S = 4;

// By hand (two N1 ARMs A and B, one N2 AMU doctor; every talk from the trace; all P1):
// - C1 (t=0, no patience): A at once, 0–10; the doctor at once, 10–70.
// - C2 (t=2, patience 15): B at once, 2–18; waits at N2 from t=18, the doctor busy until 70:
//   gives up at t=33 (15 s after its N2 wait began; with the patience counted from the arrival or
//   only until the first answer it would not, or would at t=17 while talking).
// - C3 (t=4, patience 45): waits at N1 for A (free at 10, B at 18): 6 s; A 10–50; waits at N2 from
//   t=50, the doctor free at 70: answered after 20 s (< 45: its patience starts again at N2, whereas
//   counted from its arrival it would run out at t=49).
// Every separation above is at least 8 simulated seconds (2 real at speed 4).
const HAND: Record<string, Figures> = {
  n1: { offered: 3, answered: 3, abandoned: 0, answeredWithinThreshold: 3, meanWaitSeconds: 6 / 3 },
  'n2-amu': { offered: 3, answered: 2, abandoned: 1, answeredWithinThreshold: 2, meanWaitSeconds: 20 / 2 },
};

describe.skipIf(!redisServerInstalled())(
  'replay: patience at each wait, as in the twin (needs redis-server)',
  () => {
    it('a caller gives up while waiting for N2 on the PBX, in the ACD and in the twin alike', async () => {
      const r = await replayCli(dir).spawned([
        '--trace',
        trace,
        '--speed',
        String(SPEED),
        '--staff',
        'n1=2,n2-amu=1',
        '--wrap-up',
        '0',
        '--config',
        site,
        '--tolerance-ms',
        String(LATENCY_S * 1000),
        '--twin',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.reconciled).toBe(true);
      expect(report.calls).toEqual({ lost: 0, duplicated: 0, stuck: 0 });
      // The twin, in virtual time, to the millisecond.
      expect(report.twin.queues).toEqual(HAND);
      for (const [name, side] of [
        ['PBX', report.groundTruth],
        ['ACD', report.acd],
      ] as const) {
        expect(Object.keys(side.queues).sort(), name).toEqual(['n1', 'n2-amu']);
        for (const [id, hand] of Object.entries(HAND)) {
          const { meanWaitSeconds, ...counts } = side.queues[id]!;
          const { meanWaitSeconds: handWait, ...handCounts } = hand;
          expect(counts, `${name} ${id}`).toEqual(handCounts);
          // Waits are measured on the clock: each hand-off may come a little early or late.
          expect(meanWaitSeconds, `${name} ${id}`).toBeGreaterThanOrEqual(handWait! - LATENCY_S * SPEED);
          expect(meanWaitSeconds, `${name} ${id}`).toBeLessThanOrEqual(handWait! + LATE_S * SPEED);
        }
      }
    }, 300_000); // the stack starts slowly on a busy machine (92 s a run at load 14-16)
  },
);
