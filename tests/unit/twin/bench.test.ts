// Smoke test of the twin benchmark on its quick week: it reports calls, seconds and calls per
// second beside the trace-generation baseline (the figures are read from `sas-acd bench twin`).
import { describe, expect, it } from 'vitest';
import { benches } from '../../../src/bench/registry.js';
import '../../../src/bench/twin.js';

describe('the twin benchmark', () => {
  it('runs a week through both levels and prints calls, seconds and calls per second beside a baseline', async () => {
    const r = await benches['twin']!.run({ quick: true });
    expect(r).toMatchObject({
      calls: expect.any(Number),
      seconds: expect.any(Number),
      callsPerSecond: expect.any(Number),
      baselineCallsPerSecond: expect.any(Number),
    });
    expect(r['calls'] as number).toBeGreaterThan(5000);
    expect(r['n2Answered'] as number).toBeGreaterThan(0);
  });
});
