// Kill -9 drills of the writer under generated traffic, with two real `serve` processes, sim-pbx
// and the shared redis-server (src/bench/failover-drill.ts; `npx sas-acd bench failover` runs 20).
// Checked against sim-pbx's ground truth: no call lost, none answered or ended twice, none stuck,
// no effect left in the outbox. Take-over times and the fallback share are printed, not asserted:
// they are the benchmark's speed figures and a busy machine only makes them longer.
//
// In the default suite again: the call it lost under load in about one CI run of three was found
// (the old leader died between connecting the agent and bridging the caller; docs/store.md, "No
// hang-up before the take-over" and "Rings in order"). After the fix: 3 runs in a row and 20 bench
// drills (load 5–18), none lost, duplicated or stuck.
import { describe, expect, inject, it } from 'vitest';
import { runFailoverDrills } from '../../../src/bench/failover-drill.js';

describe('fail-over drills (serve ×2, sim-pbx, kill -9 of the writer)', () => {
  it('loses no call, answers none twice, leaves none stuck and drops no effect', async () => {
    const result = await runFailoverDrills({ redisUrl: inject('redisUrl'), drills: 2 });
    console.log(
      `failover drills: take-over ${result.takeoverMs.join(', ')} ms, fallback ${result.callsFallback}/${result.calls}`,
    );
    expect(result.callsAcd).toBeGreaterThan(0);
    expect(result.examples, JSON.stringify(result.examples)).toEqual({});
    expect(result).toMatchObject({ callsLost: 0, callsDuplicated: 0, callsStuck: 0, effectsLeft: 0 });
    // Every call the fallback group answered in a take-over gap is counted by the ACD, once.
    expect(result.fallbackCounted).toBe(result.callsFallbackAnswered);
  }, 300_000);
});
