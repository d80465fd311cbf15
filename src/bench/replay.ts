// Benchmark of the replay through the live system (`sas-acd simulate replay`): a generated peak
// hour replayed at rising speeds, each on a fresh stack (redis-server, sim-pbx, `sas-acd serve` as
// child processes), until one no longer reconciles. Reported: the largest speed that still
// reconciles, as simulated calls per real second, with the machine's load (the replay's figures
// are the processes' timing, so a busy machine lowers it). Baseline in the same run: the digital
// twin playing the same trace in virtual time. `--pbx freeswitch` (bench replay-freeswitch): the same
// on sim-fs.
import { cpus, loadavg } from 'node:os';
import type { PbxKind } from '../app/pbx.js';
import { parseSiteConfig } from '../core/config.js';
import { exampleSite } from '../core/example-site.js';
import { runReplay } from '../../simulator/replay/run-replay.js';
import { generateTrace } from '../../simulator/traffic/generate.js';
import { validateScenario, type Scenario } from '../../simulator/traffic/scenario.js';
import { figuresOf } from '../../simulator/twin/results.js';
import { simulate } from '../../simulator/twin/simulate.js';
import { buildTwinSiteFromConfig } from '../../simulator/twin/site-from-config.js';
import { addBench } from './registry.js';

/** ILLUSTRATIVE: a made-up peak hour of a small SAS, on the example site's seats. */
function peakHour(hours: number): Scenario {
  const r = validateScenario({
    description: 'ILLUSTRATIVE benchmark scenario: a made-up peak hour',
    seed: 22,
    hours,
    arrivals: { callsPerHour: 60 },
    qualification: { P1: 0.3, P2: 0.35, DR: 0.35 },
    handlingSeconds: {
      n1: { dist: 'lognormal', mean: 60, sd: 30 },
      'n2-amu': { dist: 'lognormal', mean: 120, sd: 60 },
      'n2-mg': { dist: 'lognormal', mean: 150, sd: 60 },
    },
    patienceSeconds: { dist: 'exponential', mean: 180 },
    staff: { n1: 3, 'n2-amu': 2, 'n2-mg': 2 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

/** The bench on one simulated PBX: sim-pbx (Asterisk) or sim-fs (FreeSWITCH). */
async function replayBench(quick: boolean, pbx: PbxKind) {
  const s = peakHour(quick ? 0.25 : 1);
  const calls = generateTrace(s);
  // The example site with MG open at all hours, so that P2 goes to N2 MG whatever the hour.
  const parsed = parseSiteConfig({
    ...exampleSite,
    routing: { ...exampleSite.routing, mgHours: 'always' },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const config = parsed.config;
  const staff = { n1: 3, 'n2-amu': 2, 'n2-mg': 2 };
  const speeds = quick ? [20] : [20, 40, 80, 160];
  const runs: Record<string, unknown>[] = [];
  let best: { speed: number; callsPerSecond: number } | null = null;
  const load = [loadavg()[0]!];
  for (const speed of speeds) {
    const run = await runReplay({ calls, config, speed, staff, wrapUpSeconds: 0, pbx });
    load.push(loadavg()[0]!);
    const callsPerSecond = calls.length / run.realSeconds;
    runs.push({
      speed,
      reconciled: run.report.reconciled,
      realSeconds: Number(run.realSeconds.toFixed(1)),
      simulatedCallsPerRealSecond: Number(callsPerSecond.toFixed(2)),
      mismatches: run.mismatches.map((m) => `${m.queue} ${m.figure}: PBX ${m.groundTruth}, ACD ${m.acd}`),
      calls: run.report.calls,
    });
    if (!run.report.reconciled) break;
    best = { speed, callsPerSecond };
  }
  // Baseline: the twin on the same trace and the same site, in virtual time.
  const t0 = performance.now();
  const twinSite = buildTwinSiteFromConfig(config, s);
  const twin = figuresOf(s, twinSite, simulate(s, twinSite, calls));
  const twinSeconds = (performance.now() - t0) / 1000;
  return {
    pbx,
    calls: calls.length,
    hours: s.hours,
    largestReconciledSpeed: best?.speed ?? null,
    simulatedCallsPerRealSecond: best ? Number(best.callsPerSecond.toFixed(2)) : null,
    runs,
    loadAverage1m: { min: Math.min(...load), max: Math.max(...load) },
    cpus: cpus().length,
    baselineTwinCallsPerSecond: Math.round(twin.calls.arrived / twinSeconds),
    illustrative: true,
  };
}

addBench('replay', {
  description:
    'a generated peak hour replayed through the live system (sim-pbx) at rising speeds: the largest that still reconciles, beside the twin on the same trace',
  run: ({ quick }) => replayBench(quick, 'asterisk'),
});

// `sas-acd bench replay --pbx freeswitch` runs this one (src/cli/bench.ts).
addBench('replay-freeswitch', {
  description:
    'the replay bench on sim-fs (the simulated drachtio-server + FreeSWITCH, `serve` with PBX=freeswitch)',
  run: ({ quick }) => replayBench(quick, 'freeswitch'),
});
