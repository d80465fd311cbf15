// Twin vs Erlang A (M/M/c+M): exponential patience; a caller hangs up when the wait exceeds it.
import { describe, it } from 'vitest';
import { erlangAMetrics } from '../../../simulator/staffing/erlang-a.js';
import { runTwin } from '../../../simulator/twin/run-twin.js';
import { expectAgrees, singleLevel } from './theory-harness.js';

describe('twin vs Erlang A (M/M/c+M)', () => {
  it('agrees on abandons, QS 30 s, waits and occupancy with the load at the team size', () => {
    const callsPerHour = 80;
    const ahtSeconds = 180;
    const agents = 4;
    const patienceSeconds = 120;
    const { scenario } = singleLevel({ callsPerHour, ahtSeconds, agents, patienceSeconds, hours: 100 });
    const results = runTwin(scenario, { replications: 6 });
    const theory = erlangAMetrics({
      callsPerHour,
      ahtSeconds,
      agents,
      patienceSeconds,
      thresholdSeconds: 30,
    });
    expectAgrees(results, 'queues.n1.abandonRate', theory.abandonRate);
    expectAgrees(results, 'queues.n1.probabilityOfWaiting', theory.probabilityOfWaiting);
    expectAgrees(results, 'queues.n1.qs30', theory.serviceLevel);
    expectAgrees(results, 'queues.n1.meanWaitSeconds', theory.averageSpeedOfAnswerSeconds);
    expectAgrees(results, 'queues.n1.meanWaitAllSeconds', theory.meanWaitSeconds);
    expectAgrees(results, 'occupancy.n1', theory.occupancy);
  });
});
