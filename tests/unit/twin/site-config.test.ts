// Issue 22: the twin runs the site's own configuration when given one (`simulate twin --config`):
// its lines (entry queues, priorities), queues and thresholds, routing; the scenario brings the
// traffic and the staff. Without it, the clean theory site (every line into N1) as before.
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { validateScenario } from '../../../simulator/traffic/scenario.js';
import { runTwin } from '../../../simulator/twin/run-twin.js';
import { buildTwinSiteFromConfig, TwinSiteError } from '../../../simulator/twin/site-from-config.js';

const parsed = parseSiteConfig({ ...exampleSite, routing: { ...exampleSite.routing, mgHours: 'always' } });
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const site = parsed.config;

const scenario = (() => {
  const r = validateScenario({
    description: 'ILLUSTRATIVE test scenario',
    seed: 7,
    hours: 3,
    arrivals: { callsPerHour: 40 },
    lines: { '15': 0.7, sdis: 0.3 },
    qualification: { P1: 0.5, DR: 0.5 },
    handlingSeconds: {
      n1: { dist: 'exponential', mean: 60 },
      'n2-amu': { dist: 'exponential', mean: 90 },
    },
    staff: { n1: 3, 'n2-amu': 3 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
})();

describe("the twin on the site's own configuration", () => {
  it("sends the fire brigade's calls to N2 AMU as the site does, where the theory site sends all to N1", () => {
    const own = runTwin(scenario, { site });
    const theory = runTwin(scenario);
    expect(own.calls.arrived).toBe(theory.calls.arrived);
    // Theory: every call is offered to N1. The site: the sdis line enters N2 AMU directly.
    expect(theory.queues.n1!.offered).toBe(theory.calls.arrived);
    expect(own.queues.n1!.offered).toBeLessThan(own.calls.arrived);
    expect(own.lines.sdis!.offered).toBeGreaterThan(0);
    expect(own.queues['n2-amu']!.offered).toBeGreaterThan(
      theory.queues['n2-amu']!.offered - own.lines.sdis!.offered,
    );
  });

  it('keeps the scenario staff as seats and the site thresholds', () => {
    const twinSite = buildTwinSiteFromConfig(site, scenario);
    expect(twinSite.config.agents.map((a) => a.id).sort()).toEqual(
      ['n1-1', 'n1-2', 'n1-3', 'n2-amu-1', 'n2-amu-2', 'n2-amu-3'].sort(),
    );
    expect(twinSite.config.queues.find((q) => q.id === 'n2-amu')!.thresholdSeconds).toBe(60);
    expect(twinSite.config.lines.find((l) => l.id === 'sdis')!.priority).toBe(5);
  });

  it('names a scenario line or step the site does not have', () => {
    const other = {
      ...scenario,
      lines: { '15': 0.5, radio: 0.5 },
      staff: { ...scenario.staff, 'book-mg': 1 },
    };
    const lacking = { ...site, queues: site.queues.filter((q) => q.id !== 'book-mg') };
    expect(() => buildTwinSiteFromConfig(lacking, other)).toThrow(TwinSiteError);
    expect(() => buildTwinSiteFromConfig(lacking, other)).toThrow(/line radio[\s\S]*step book-mg/);
  });
});
