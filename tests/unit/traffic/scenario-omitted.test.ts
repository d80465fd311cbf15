// Issue 22: a scenario may leave out the qualification shares that are zero, and its line
// priorities are part of the scenario schema (checked against its lines).
import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../../simulator/traffic/generate.js';
import { validateScenario } from '../../../simulator/traffic/scenario.js';

const base = {
  seed: 3,
  hours: 2,
  arrivals: { callsPerHour: 30 },
  handlingSeconds: { n1: { dist: 'fixed', mean: 60 }, 'n2-amu': { dist: 'fixed', mean: 90 } },
};

describe('scenario schema', () => {
  it('reads a share left out as 0, and gives the same trace as when it is written', () => {
    const short = validateScenario({ ...base, qualification: { P1: 0.75, DR: 0.25 } });
    const full = validateScenario({ ...base, qualification: { P0: 0, P1: 0.75, P2: 0, DR: 0.25 } });
    if (!short.ok || !full.ok) throw new Error('both scenarios should be valid');
    expect(short.scenario.qualification).toEqual({ P0: 0, P1: 0.75, P2: 0, DR: 0.25 });
    expect(generateTrace(short.scenario)).toEqual(generateTrace(full.scenario));
  });

  it('takes line priorities for its own lines, 0 to 9, and names any other', () => {
    const ok = validateScenario({
      ...base,
      qualification: { DR: 1 },
      lines: { '15': 0.9, sdis: 0.1 },
      linePriorities: { sdis: 5 },
    });
    expect(ok.ok && ok.scenario.linePriorities).toEqual({ sdis: 5 });
    const bad = validateScenario({
      ...base,
      qualification: { DR: 1 },
      linePriorities: { '15': 1.5, pro: 2 },
    });
    expect(bad.ok ? [] : bad.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'linePriorities.15: expected an integer 0–9, got 1.5',
      "linePriorities.pro: not one of the scenario's lines (15)",
    ]);
  });
});
