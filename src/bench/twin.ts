// Benchmark of the digital twin: a synthetic year of a large SAS (about 500,000 calls through N1
// and N2, callers who hang up, hourly staff) driven through the routing engine in virtual time.
// The baseline, in the same run, is generating the same traffic alone (the trace the twin plays).
import { generateTrace } from '../../simulator/traffic/generate.js';
import { validateScenario, type Scenario } from '../../simulator/traffic/scenario.js';
import { figuresOf } from '../../simulator/twin/results.js';
import { simulate } from '../../simulator/twin/simulate.js';
import { buildTwinSite } from '../../simulator/twin/site.js';
import { addBench } from './registry.js';

/** ILLUSTRATIVE: a made-up large SAS, about 1,370 calls a day (500,000 a year). */
export function benchScenario(hours: number): Scenario {
  const r = validateScenario({
    description: 'ILLUSTRATIVE benchmark scenario: a made-up large SAS, 500,000 calls a year',
    seed: 2026,
    hours,
    arrivals: { callsPerHour: 500_000 / 8760 },
    qualification: { P0: 0.02, P1: 0.3, P2: 0.4, DR: 0.28 },
    handlingSeconds: {
      n1: { dist: 'exponential', mean: 90 },
      'n2-amu': { dist: 'exponential', mean: 240 },
      'n2-mg': { dist: 'lognormal', mean: 300, sd: 120 },
    },
    patienceSeconds: { dist: 'exponential', mean: 180 },
    staff: {
      n1: 3,
      'n2-amu': 3,
      'n2-mg': [3, 3, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4],
    },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

addBench('twin', {
  description:
    'digital twin over a synthetic year of a large SAS (500,000 calls, N1 and N2), beside trace generation alone',
  run: async ({ quick }) => {
    const s = benchScenario(quick ? 24 * 7 : 8760);
    let t0 = performance.now();
    const trace = generateTrace(s);
    const generationSeconds = seconds(t0);
    const site = buildTwinSite(s);
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const run = simulate(s, site, trace);
    const simulationSeconds = seconds(t0);
    const cpu = process.cpuUsage(cpu0);
    t0 = performance.now();
    const f = figuresOf(s, site, run);
    const figuresSeconds = seconds(t0);
    const total = generationSeconds + simulationSeconds + figuresSeconds;
    return {
      calls: f.calls.arrived,
      seconds: Number(total.toFixed(2)),
      callsPerSecond: Math.round(f.calls.arrived / total),
      hours: s.hours,
      simulationSeconds: Number(simulationSeconds.toFixed(2)),
      // On a loaded machine wall time overstates the cost: the process's own CPU time, beside it.
      simulationCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      callsPerCpuSecond: Math.round(f.calls.arrived / ((cpu.user + cpu.system) / 1e6)),
      figuresSeconds: Number(figuresSeconds.toFixed(2)),
      engineCommands: run.engineCommands,
      engineEvents: run.engineEvents,
      engineCommandsPerSecond: Math.round(run.engineCommands / simulationSeconds),
      baselineGenerationSeconds: Number(generationSeconds.toFixed(2)),
      baselineCallsPerSecond: Math.round(trace.length / generationSeconds),
      n2Answered: (f.queues['n2-amu']?.answered ?? 0) + (f.queues['n2-mg']?.answered ?? 0),
      qs30: f.calls.qs30 === null ? null : Number(f.calls.qs30.toFixed(3)),
      illustrative: true,
    };
  },
});
