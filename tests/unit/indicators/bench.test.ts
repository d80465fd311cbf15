// Smoke test of the indicators benchmark: it runs on a short busy stretch and reports its figures
// beside the baseline (the figures themselves are read from `sas-acd bench indicators`, not asserted).
import { describe, expect, it } from 'vitest';
import { benches } from '../../../src/bench/registry.js';
import '../../../src/bench/indicators.js';

describe('the indicators benchmark', () => {
  it('reduces the events of an engine-driven busy stretch and reports events per second beside a baseline', async () => {
    const r = await benches['indicators']!.run({ quick: true });
    expect(r).toMatchObject({
      indicatorEventsPerSecond: expect.any(Number),
      baselineEventsPerSecond: expect.any(Number),
    });
    expect(r['answered'] as number).toBeGreaterThan(0);
    expect(r['answered'] as number).toBeLessThanOrEqual(r['calls'] as number);
  });
});
