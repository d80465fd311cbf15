// `sas-acd simulate replay` end to end, as a user runs it: the command starts its own redis-server,
// sim-pbx and `sas-acd serve` as child processes, bots work through the API and Socket.IO, and the
// ground truth from sim-pbx's timelines is compared with the ACD's indicators. The replay itself
// fails (reconciled: false) on any call lost, duplicated or stuck and on any channel left on the PBX.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { redisServerInstalled } from '../../../src/store/redis-server.js';
import { replayCli } from './replay-cli.js';

// hand-computed.csv with the talks after t=40 (on which no figure below depends) cut to 5 s: each
// run ends at t=45 instead of t=70, 5 real seconds sooner at speed 5.
const trace = fileURLToPath(new URL('../../fixtures/replay/hand-computed-short-talks.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'replay-test-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

// The example site with P2 routed to N2 MG whatever the hour and whoever is logged in, so that the
// hand computation below does not depend on when the test runs.
const site = write(
  'site.json',
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
type CallCounts = {
  arrived: number;
  answered: number;
  answeredWithin30s: number;
  abandoned: number;
  shortAbandoned: number;
};
type Report = {
  groundTruth: { queues: Record<string, Figures>; calls: CallCounts };
  acd: { queues: Record<string, Figures>; calls: CallCounts };
  twin?: { queues: Record<string, Figures>; calls: CallCounts };
  twinGap?: { queues: Record<string, Record<keyof Figures, number | null>>; calls: CallCounts };
  reconciled: boolean;
  calls: { lost: number; duplicated: number; stuck: number };
  chaos?: { fault: string; atSeconds: number; backAfterMs: number; refusedConnections?: number }[];
};

const SPEED = 5;
/** How late, in real seconds, a hand-off may come on a loaded machine (bot, API, PBX round trips). */
const LATENCY_S = 1.5;
/** How late, in real seconds, an answer may come on a heavily loaded machine (seen: 1.8 s at load 19 on 2 cores): waits are only ever late. */
const LATE_S = 4;

describe.skipIf(!redisServerInstalled())('sas-acd simulate replay (needs redis-server)', () => {
  /** The hand-computed trace through the live stack (with `extra` options): both sides as by hand. */
  async function expectHandFigures(extra: string[], speed = SPEED): Promise<Report> {
    const before = replayDirs();
    const r = await replay([
      '--trace',
      trace,
      '--speed',
      String(speed),
      '--staff',
      'n1=2,n2-amu=1,n2-mg=1',
      '--wrap-up',
      '0',
      '--config',
      site,
      // Two processes date the same instant up to LATENCY_S apart on a loaded machine (CI).
      '--tolerance-ms',
      String(LATENCY_S * 1000),
      '--json',
      ...extra,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const keys = ['acd', 'calls', 'groundTruth', 'reconciled'];
    if (extra.includes('--chaos')) keys.push('chaos');
    if (extra.includes('--twin')) keys.push('twin', 'twinGap');
    expect(Object.keys(report).sort()).toEqual(keys.sort());
    expect(report.reconciled).toBe(true);
    expect(report.calls).toEqual({ lost: 0, duplicated: 0, stuck: 0 });
    // By hand: two N1 ARMs take C1 (t=0) and C2 (t=1) at once, for 40 s; C3 (t=2, patience 10)
    // hangs up at t=12; C4 (t=5) waits for the first free ARM, at t=40: 35 s. C1 (P1) goes on to
    // N2 AMU and C2 (P2) to N2 MG, each answered at once. C3 and C4 (DR) end at N1.
    const hand: Record<string, Omit<Figures, 'meanWaitSeconds'> & { meanWaitSeconds: number }> = {
      n1: { offered: 4, answered: 3, abandoned: 1, answeredWithinThreshold: 2, meanWaitSeconds: 35 / 3 },
      'n2-amu': { offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 1, meanWaitSeconds: 0 },
      'n2-mg': { offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 1, meanWaitSeconds: 0 },
    };
    // C4 is answered when an ARM is free (t=40) and an ACD leads: a killed ACD back later than
    // t=40 (its new process ready, measured by the chaos report) makes C4 wait that much longer,
    // on the PBX as in the ACD (seen: load 18, back 14 real s after the kill at speed 2.5).
    const killed = report.chaos?.find((c) => c.fault === 'kill-acd');
    const backAt = killed ? killed.atSeconds + (killed.backAfterMs / 1000) * speed : 0;
    const c4Later = Math.max(0, backAt - 40);
    for (const side of [report.groundTruth, report.acd]) {
      expect(Object.keys(side.queues).sort()).toEqual(['n1', 'n2-amu', 'n2-mg']);
      for (const [id, h] of Object.entries(hand)) {
        const { meanWaitSeconds, ...counts } = side.queues[id]!;
        const { meanWaitSeconds: handWait, ...handCounts } = h;
        expect(counts, id).toEqual(handCounts);
        // Waits are measured on the clock: each answer may come up to LATE_S real seconds late.
        expect(meanWaitSeconds, id).toBeGreaterThanOrEqual(handWait - LATENCY_S * speed);
        const later = id === 'n1' ? c4Later / 3 : 0;
        expect(meanWaitSeconds, id).toBeLessThanOrEqual(handWait + later + LATE_S * speed);
      }
    }
    // Annex 3's per-call counts, with the ACD's real-time thresholds (30 s QS, 5 s short abandon):
    // C1, C2, C4 answered within 30 real s (C4: 35 simulated s, 7 real s at speed 5); C3 hung up
    // after 10 simulated s: 2 real s at speed 5, 4 at speed 2.5, a short abandon (< 5 s) at both.
    const perCall = { arrived: 4, answered: 3, answeredWithin30s: 3, abandoned: 1, shortAbandoned: 1 };
    expect(report.groundTruth.calls).toEqual(perCall);
    expect(report.acd.calls).toEqual(perCall);
    // The stack's children are gone and their folder removed (the run reconciled).
    expect(replayDirs()).toEqual(before);
    return report;
  }

  it('gives the hand-computed figures on both sides, reconciled, with nothing lost, doubled or stuck; the twin beside them exactly', async () => {
    const report = await expectHandFigures(['--twin']);
    // The twin runs the same trace in virtual time: the hand computation to the millisecond.
    expect(report.twin!.queues).toEqual({
      n1: { offered: 4, answered: 3, abandoned: 1, answeredWithinThreshold: 2, meanWaitSeconds: 35 / 3 },
      'n2-amu': { offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 1, meanWaitSeconds: 0 },
      'n2-mg': { offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 1, meanWaitSeconds: 0 },
    });
    // Its thresholds are simulated seconds: C4 (35 s) is not within 30 s, C3 (10 s) not a short abandon.
    expect(report.twin!.calls).toEqual({
      arrived: 4,
      answered: 3,
      answeredWithin30s: 2,
      abandoned: 1,
      shortAbandoned: 0,
    });
    // Its gap to the PBX (twin − PBX): nothing on the queues, the two real-time thresholds above.
    expect(report.twinGap!.calls).toEqual({
      arrived: 0,
      answered: 0,
      answeredWithin30s: -1,
      abandoned: 0,
      shortAbandoned: -1,
    });
    expect(report.twinGap!.queues.n1!.offered).toBe(0);
  }, 180_000);

  it('gives the same figures when the ACD is killed (kill -9) mid-call and started again', async () => {
    // At t=14 s: C1 and C2 talk with the two N1 ARMs, C4 waits, C3 has hung up. The new ACD
    // process takes the calls over from the PBX and Redis; nothing is lost or counted twice.
    // It should be back before the talks end at t=40 (later, C4 waits for it: the bound on N1's
    // wait takes the measured return into account): 26 simulated s, 10.4 real s at speed 2.5 (at
    // speed 5 from t=20, 4 real s were too few once in four CI runs on a loaded machine; at speed
    // 3, 8.7 s were too few at load 20, where a new process takes longer to start; at speed 2,
    // C3's 10 s of patience would be 5 real s, no longer a short abandon).
    const report = await expectHandFigures(['--chaos', 'kill-acd-at=14'], 2.5);
    expect(report.chaos?.map((c) => c.fault)).toEqual(['kill-acd']);
  }, 180_000);

  it('gives the same figures across an ACD↔PBX link cut and a Redis crash (kill -9) and restart', async () => {
    // t=8..13 s: the ARI link is cut; C3 hangs up at t=12 unseen by the ACD, which learns it at
    // the reconnection and dates its end then (the PBX keeps no record of a channel gone). So C3
    // is a short abandon (< 5 real s) on both sides only if the link is back soon enough:
    // ari-client retries 100 ms doubled (0.1, 0.3, 0.7, 1.5, 3.1 s after the cut), so a 10 s cut
    // (2 real s) came back at 4.3 real s into C3's call, and a loaded machine pushed it past 5 s
    // (CI: shortAbandoned PBX 1, ACD 0). A 5 s cut (1 real s) comes back at about 2.7 s.
    // t=25 s: redis-server killed and started again on its AOF, mid-call.
    const report = await expectHandFigures(['--chaos', 'drop-ari-at=8:5', 'restart-redis-at=25']);
    expect(report.chaos?.map((c) => [c.fault, c.atSeconds])).toEqual([
      ['drop-ari', 8],
      ['restart-redis', 25],
    ]);
    // The cut was real: the ACD tried to reconnect during it and was refused.
    expect(report.chaos![0]!.refusedConnections).toBeGreaterThan(0);
  }, 180_000);
});

describe('sas-acd simulate replay refuses a bad trace, starting nothing', () => {
  const header = 'arrival_s,line,caller,patience_s,n1_talk_s,qualification,n2_talk_s';
  const cases: [string, string, RegExp][] = [
    [
      'a missing column',
      'arrival_s,line,caller,n1_talk_s,qualification,n2_talk_s\n0,15,C1,40,DR,\n',
      /line 1: .*patience_s/,
    ],
    ['a bad number', `${header}\n0,15,C1,,40,DR,\n1,15,C2,,forty,DR,\n`, /line 3: .*n1_talk_s/],
    [
      'an unknown qualification',
      `${header}\n0,15,C1,,40,DR,\n1,15,C2,,40,DR,\n2,15,C3,,40,P3,\n`,
      /line 4: .*P3/,
    ],
  ];
  // The first case spawns the command as a user runs it; the others run the same commander program
  // in this process (tests/unit/cli-in-process.ts): a spawn compiles the whole CLI through tsx.
  for (const [i, [what, text, message]] of cases.entries())
    it(`with ${what}: exit code 2, the line named${i === 0 ? ' (spawned bin/sas-acd.mjs)' : ''}`, async () => {
      const before = replayDirs();
      const args = ['--trace', write(`${what}.csv`, text), '--staff', 'n1=1', '--json'];
      const r = i === 0 ? await replay(args) : await replayInProcess(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      // Nothing started: no stack folder was made (it is made before the first child starts).
      expect(replayDirs()).toEqual(before);
    });
});
