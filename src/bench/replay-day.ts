// Replay vs twin over a generated DAY (`sas-acd bench replay-day`): the same seeded day through the
// live system (`simulate replay --twin`: redis-server, sim-pbx and `sas-acd serve` as child
// processes, bot agents) and through the digital twin, and their gap per queue on the indicators a
// SAS watches: QS at the queue's threshold (30 s on N1), mean wait, abandons. A day at speed 30
// (the default; REPLAY_DAY_SPEED=K for another) is about 50 real minutes, far too long for CI
// (tests/integration/replay/replay-vs-twin.test.ts runs a quarter-hour there). Baseline, in the
// same run: the twin on other generated days of the same scenario (other seeds), how much a figure
// moves from one day to the next, against which the live-vs-twin gap is read (`gapInSpreads`: the
// gap in standard deviations of that day-to-day spread).
import { cpus, loadavg } from 'node:os';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import { exampleSite } from '../core/example-site.js';
import type { QueueFigures } from '../../simulator/replay/ground-truth.js';
import { replayTwin } from '../../simulator/replay/replay-twin.js';
import type { StaffPlan } from '../../simulator/replay/replay-site.js';
import { runReplay } from '../../simulator/replay/run-replay.js';
import { generateTrace } from '../../simulator/traffic/generate.js';
import { validateScenario, type Scenario } from '../../simulator/traffic/scenario.js';
import { addBench } from './registry.js';
import { dayVerdict, type DayVerdict } from './replay-day-verdict.js';

/**
 * ILLUSTRATIVE: a made-up day of a small SAS (600 calls over the shipped, made-up "samu-like" hourly
 * profile: a night trough, a late-morning rise, an evening peak), with made-up handling times and
 * patience. `hours` below 24 keeps the day's first hours (the night: few calls).
 */
export function benchDay(hours: number, seed = 22): Scenario {
  const r = validateScenario({
    description: 'ILLUSTRATIVE benchmark scenario: a made-up day of a small SAS',
    seed,
    hours,
    arrivals: { callsPerDay: 600, hourlyProfile: 'samu-like', startDayOfWeek: 1 },
    lines: { '15': 1 },
    qualification: { P1: 0.3, P2: 0.35, DR: 0.35 },
    handlingSeconds: {
      n1: { dist: 'exponential', mean: 90 },
      'n2-amu': { dist: 'exponential', mean: 150 },
      'n2-mg': { dist: 'exponential', mean: 180 },
    },
    patienceSeconds: { dist: 'exponential', mean: 180 },
    staff: { n1: 2, 'n2-amu': 1, 'n2-mg': 1 },
    ringSeconds: 0,
    wrapUpSeconds: 0,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

const STAFF: StaffPlan = { n1: 2, 'n2-amu': 1, 'n2-mg': 1 };
/** Other generated days for the baseline's day-to-day spread. */
const BASELINE_DAYS = 20;
/** Real seconds two processes may disagree on an instant (the replay-vs-twin test's: a loaded machine). */
const TOLERANCE_MS = 1500;
/** The replay's warnings kept in the result (all are printed on stderr). */
const MAX_WARNINGS_KEPT = 50;

/** The example site with P2 to N2 MG whatever the hour (the live day starts now, the twin's at 00:00). */
function benchSite(): SiteConfig {
  const parsed = parseSiteConfig({
    ...exampleSite,
    routing: { ...exampleSite.routing, mgHours: 'always', p2WithoutGpRegulator: null },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

export type Indicators = {
  offered: number;
  qs: number | null;
  meanWaitSeconds: number | null;
  abandoned: number;
};

/** QS as annex 3 defines it (answered within the threshold / answered), per queue step. */
export function indicatorsOf(q: QueueFigures): Indicators {
  return {
    offered: q.offered,
    qs: q.answered > 0 ? round(q.answeredWithinThreshold / q.answered, 3) : null,
    meanWaitSeconds: q.meanWaitSeconds === null ? null : round(q.meanWaitSeconds, 1),
    abandoned: q.abandoned,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const KEYS = ['offered', 'qs', 'meanWaitSeconds', 'abandoned'] as const;

/** Mean and (sample) standard deviation of each indicator over the baseline days, per queue. */
export function spreadOf(days: Record<string, Indicators>[]) {
  const queues = [...new Set(days.flatMap((d) => Object.keys(d)))].sort();
  const out: Record<string, Record<(typeof KEYS)[number], { mean: number; sd: number } | null>> = {};
  for (const id of queues) {
    out[id] = {} as (typeof out)[string];
    for (const k of KEYS) {
      const values = days.map((d) => d[id]?.[k]).filter((v): v is number => typeof v === 'number');
      if (values.length < 2) {
        out[id]![k] = null;
        continue;
      }
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
      out[id]![k] = { mean: round(mean, 3), sd: round(sd, 3) };
    }
  }
  return out;
}

const gap = (live: number | null | undefined, twin: number | null | undefined) =>
  live == null || twin == null ? null : round(twin - live, 3);

async function replayDayBench(quick: boolean) {
  const hours = quick ? 3 : 24;
  const speed = Number(process.env.REPLAY_DAY_SPEED ?? 30);
  if (!(speed > 0 && speed <= 1000)) throw new Error('REPLAY_DAY_SPEED: a number from 0 (excluded) to 1000');
  const s = benchDay(hours);
  const calls = generateTrace(s);
  const config = benchSite();
  const load = [loadavg()[0]!];
  // The replay's own warnings (a stall, a caller not injected, a bot's error): on stderr as they
  // come, dated (to set beside the children's logs), and the first ones in the result.
  const warnings: string[] = [];
  let warningCount = 0;
  const run = await runReplay({
    calls,
    config,
    speed,
    staff: STAFF,
    wrapUpSeconds: 0,
    twin: true,
    toleranceMs: TOLERANCE_MS,
    onWarning: (message) => {
      const dated = `${new Date().toISOString()} ${message}`;
      console.error(`replay-day warning: ${dated}`);
      if (warnings.length < MAX_WARNINGS_KEPT) warnings.push(dated);
      warningCount++;
    },
  });
  load.push(loadavg()[0]!);
  const live: Record<string, Indicators> = {};
  const acd: Record<string, Indicators> = {};
  const twin: Record<string, Indicators> = {};
  for (const [id, q] of Object.entries(run.report.groundTruth.queues)) live[id] = indicatorsOf(q);
  for (const [id, q] of Object.entries(run.report.acd.queues)) acd[id] = indicatorsOf(q);
  for (const [id, q] of Object.entries(run.report.twin!.queues)) twin[id] = indicatorsOf(q);

  // Baseline: the twin on other days of the same scenario (same site, seats and wrap-up).
  const t0 = performance.now();
  const days: Record<string, Indicators>[] = [];
  for (let d = 1; d <= BASELINE_DAYS; d++) {
    const other = generateTrace(benchDay(hours, 1000 + d));
    const side = replayTwin(other, config, STAFF, 0);
    days.push(Object.fromEntries(Object.entries(side.queues).map(([id, q]) => [id, indicatorsOf(q)])));
  }
  const baselineSeconds = (performance.now() - t0) / 1000;
  const spread = spreadOf(days);
  const twinAnswered = Object.fromEntries(
    Object.entries(run.report.twin!.queues).map(([id, q]) => [id, q.answered]),
  );
  const verdict = dayVerdict(live, twin, spread, twinAnswered, run.report.reconciled);

  const queues = [...new Set([...Object.keys(live), ...Object.keys(twin)])].sort();
  const gaps: Record<string, Record<string, number | null>> = {};
  const gapInSpreads: Record<string, Record<string, number | null>> = {};
  for (const id of queues) {
    gaps[id] = {};
    gapInSpreads[id] = {};
    for (const k of KEYS) {
      const g = gap(live[id]?.[k], twin[id]?.[k]);
      gaps[id]![k] = g;
      const sd = spread[id]?.[k]?.sd;
      gapInSpreads[id]![k] = g === null || !sd ? null : round(g / sd, 2);
    }
  }
  return {
    hours,
    speed,
    calls: calls.length,
    realSeconds: Number(run.realSeconds.toFixed(1)),
    reconciled: run.report.reconciled,
    mismatches: run.mismatches.map((m) => `${m.queue} ${m.figure}: PBX ${m.groundTruth}, ACD ${m.acd}`),
    lostDuplicatedStuck: run.report.calls,
    warnings: { count: warningCount, first: warnings },
    // Kept when the live day did not reconcile: the children's output (serve, sim-pbx), to read why.
    logDir: run.logDir,
    thresholdsSeconds: Object.fromEntries(
      config.queues.filter((q) => queues.includes(q.id)).map((q) => [q.id, q.thresholdSeconds]),
    ),
    live,
    acd,
    twin,
    gap: gaps,
    baseline: { days: BASELINE_DAYS, seconds: Number(baselineSeconds.toFixed(2)), spread },
    gapInSpreads,
    // Replay vs twin within statistical tolerance, per queue and indicator (replay-day-verdict.ts).
    verdict,
    loadAverage1m: { min: Math.min(...load), max: Math.max(...load) },
    cpus: cpus().length,
    illustrative: true,
  };
}

addBench('replay-day', {
  description:
    "a generated day replayed through the live system (sim-pbx) beside the twin: the gap per queue (QS, mean wait, abandons) against the twin's day-to-day spread",
  run: ({ quick }) => replayDayBench(quick),
  byNameOnly: true, // about 50 min: not part of `npm run bench`
  // Exit 1 when the live day and the twin disagree (or the day did not reconcile).
  failed: (r) => {
    const v = r.verdict as DayVerdict | undefined;
    return v?.agrees === false ? `the live day and the twin disagree: ${v.disagreements.join('; ')}` : null;
  },
});
