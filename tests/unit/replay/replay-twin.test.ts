// `simulate replay --twin` builds a scenario from the replayed trace for the twin: its shares must
// pass the scenario's own schema whatever the number of calls (a sum of 1/n per call used to end
// at 1.0000000000000002 for 40 calls on one line, refused after the whole live run).
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { parseSiteConfig } from '../../../src/core/config.js';
import { replayTwin } from '../../../simulator/replay/replay-twin.js';
import { generateTrace } from '../../../simulator/traffic/generate.js';
import { validateScenario } from '../../../simulator/traffic/scenario.js';

describe('replayTwin', () => {
  it('runs a generated hour of 40 calls on one line, every call offered at N1', () => {
    const parsed = validateScenario({
      description: 'ILLUSTRATIVE: one generated hour',
      seed: 7,
      hours: 1,
      arrivals: { callsPerHour: 40 },
      lines: { '15': 1 },
      qualification: { P1: 0.4, P2: 0.3, DR: 0.3 },
      handlingSeconds: {
        n1: { dist: 'exponential', mean: 90 },
        'n2-amu': { dist: 'exponential', mean: 90 },
        'n2-mg': { dist: 'exponential', mean: 90 },
      },
      patienceSeconds: { dist: 'exponential', mean: 240 },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const calls = generateTrace(parsed.scenario);
    expect(calls.length).toBeGreaterThan(20);
    // The regression needs a count whose 1/n does not add up to exactly 1.
    expect(calls.reduce((a) => a + 1 / calls.length, 0)).not.toBe(1);
    const config = parseSiteConfig({
      ...exampleSite,
      routing: { ...exampleSite.routing, mgHours: 'always', p2WithoutGpRegulator: null },
    });
    if (!config.ok) throw new Error(config.errors.join('\n'));
    const twin = replayTwin(calls, config.config, { n1: 2, 'n2-amu': 1, 'n2-mg': 1 }, 0);
    expect(twin.queues.n1!.offered).toBe(calls.length);
    expect(twin.calls.arrived).toBe(calls.length);
  });
});
