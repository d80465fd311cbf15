// Twin vs the M/M/c non-preemptive priority queue: two lines into N1, the fire-brigade-like line
// more urgent; the engine serves the most urgent waiting call first and never interrupts a call.
import { describe, it } from 'vitest';
import { erlangC } from '../../../simulator/staffing/erlang-c.js';
import { runTwin } from '../../../simulator/twin/run-twin.js';
import { expectAgrees, singleLevel } from './theory-harness.js';

/**
 * Mean wait in queue of priority class k (1 = most urgent) in an M/M/c queue with non-preemptive
 * priorities and the same service rate μ for every class (Cobham, "Priority assignment in waiting
 * line problems", Operations Research 2, 1954; Gross, Shortle, Thompson & Harris, Fundamentals of
 * Queueing Theory, 4th ed., §3.4.1):
 *   W_k = W0 / ((1 − σ_{k−1}) (1 − σ_k)),   W0 = C(c, a) / (c μ),   σ_k = Σ_{i ≤ k} λ_i / (c μ),
 * with C(c, a) the Erlang C probability of waiting and a = λ/μ the total offered load.
 */
function priorityWaits(ratesPerSecond: number[], ahtSeconds: number, agents: number): number[] {
  const mu = 1 / ahtSeconds;
  const a = ratesPerSecond.reduce((s, l) => s + l, 0) / mu;
  const w0 = erlangC(agents, a) / (agents * mu);
  let sigma = 0;
  return ratesPerSecond.map((l) => {
    const before = sigma;
    sigma += l / (agents * mu);
    return w0 / ((1 - before) * (1 - sigma));
  });
}

describe('twin vs M/M/c with non-preemptive priorities', () => {
  it('gives each line the mean wait of its priority class', () => {
    const callsPerHour = 68;
    const ahtSeconds = 180;
    const agents = 4;
    const share = { sdis: 0.3, '15': 0.7 };
    const { scenario, linePriorities } = singleLevel({
      callsPerHour,
      ahtSeconds,
      agents,
      hours: 120,
      lines: share,
      linePriorities: { sdis: 5, '15': 1 },
    });
    const results = runTwin(scenario, { replications: 6, linePriorities });
    const [urgent, normal] = priorityWaits(
      [share.sdis, share['15']].map((p) => (callsPerHour * p) / 3600),
      ahtSeconds,
      agents,
    );
    expectAgrees(results, 'lines.sdis.meanWaitSeconds', urgent!);
    expectAgrees(results, 'lines.15.meanWaitSeconds', normal!);
  });
});
