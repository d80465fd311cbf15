// Twin vs Erlang C: one level (every call a DR, ended at N1), Poisson arrivals, exponential
// handling, nobody hangs up — an M/M/c queue, whose probability of waiting, QS 30 s and mean wait
// are known exactly (simulator/staffing/erlang-c.ts).
import { describe, it } from 'vitest';
import { erlangCMetrics } from '../../../simulator/staffing/erlang-c.js';
import { runTwin } from '../../../simulator/twin/run-twin.js';
import { expectAgrees, singleLevel } from './theory-harness.js';

describe('twin vs Erlang C (M/M/c)', () => {
  it('agrees on the probability of waiting, QS 30 s and the mean wait at 80 % occupancy', () => {
    const callsPerHour = 64;
    const ahtSeconds = 180;
    const agents = 4;
    const { scenario } = singleLevel({ callsPerHour, ahtSeconds, agents, hours: 120 });
    const results = runTwin(scenario, { replications: 6 });
    const theory = erlangCMetrics({ callsPerHour, ahtSeconds, agents, thresholdSeconds: 30 });
    expectAgrees(results, 'queues.n1.probabilityOfWaiting', theory.probabilityOfWaiting);
    expectAgrees(results, 'queues.n1.qs30', theory.serviceLevel);
    expectAgrees(results, 'queues.n1.meanWaitSeconds', theory.averageSpeedOfAnswerSeconds!);
    expectAgrees(results, 'occupancy.n1', theory.occupancy);
  });
});
