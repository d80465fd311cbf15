// Shared by the twin-vs-theory tests: a single-level scenario (every call a DR, ended at N1),
// Poisson arrivals, exponential handling, and a check that a figure of the twin agrees with a
// formula within a tolerance derived from the replications' standard error.
import { expect } from 'vitest';
import { t975 } from '../../../simulator/twin/confidence.js';
import type { TwinResults } from '../../../simulator/twin/run-twin.js';
import { validateTwinScenario } from '../../../simulator/twin/twin-scenario.js';
import type { Scenario } from '../../../simulator/traffic/scenario.js';

export function singleLevel(opts: {
  callsPerHour: number;
  ahtSeconds: number;
  agents: number;
  hours: number;
  seed?: number;
  patienceSeconds?: number;
  lines?: Record<string, number>;
  linePriorities?: Record<string, number>;
}): { scenario: Scenario; linePriorities: Record<string, number> } {
  const r = validateTwinScenario({
    seed: opts.seed ?? 12,
    hours: opts.hours,
    arrivals: { callsPerHour: opts.callsPerHour },
    ...(opts.lines ? { lines: opts.lines } : {}),
    ...(opts.linePriorities ? { linePriorities: opts.linePriorities } : {}),
    qualification: { P0: 0, P1: 0, P2: 0, DR: 1 },
    handlingSeconds: { n1: { dist: 'exponential', mean: opts.ahtSeconds } },
    patienceSeconds:
      opts.patienceSeconds === undefined ? null : { dist: 'exponential', mean: opts.patienceSeconds },
    staff: { n1: opts.agents },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.twin;
}

/** Reads a figure's mean and 95 % interval out of replicated results, by path ("queues.n1.qs30"). */
export function figure(results: TwinResults, path: string): { mean: number; se: number } {
  const get = (tree: unknown): unknown =>
    path.split('.').reduce<unknown>((t, k) => (t as Record<string, unknown> | null)?.[k], tree);
  const mean = get(results) as number;
  const ci = get(results.ci95) as [number, number];
  // The interval is mean ± t·SE: the standard error comes back out of its half-width.
  const se = (ci[1] - ci[0]) / 2 / t975(results.replications - 1);
  return { mean, se };
}

/**
 * The twin agrees with theory when the gap is within 4 standard errors of the replications'
 * mean (a false alarm about once in 16,000 draws; seeds are fixed, so a pass is a stable pass).
 */
export function expectAgrees(results: TwinResults, path: string, theory: number): void {
  const { mean, se } = figure(results, path);
  const gap = Math.abs(mean - theory);
  expect(
    gap,
    `${path}: twin ${mean.toFixed(4)} ± ${se.toFixed(4)} (SE) vs theory ${theory.toFixed(4)}`,
  ).toBeLessThanOrEqual(4 * se);
}
