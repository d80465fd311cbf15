// The pure parts of `sas-acd bench replay-day` (the live day itself runs outside `npm test`: about
// 50 real minutes): the indicators it compares, the day-to-day spread of its baseline, its day.
import { describe, expect, it } from 'vitest';
import { benchDay, indicatorsOf, spreadOf } from '../../../src/bench/replay-day.js';
import { generateTrace } from '../../../simulator/traffic/generate.js';

describe('bench replay-day', () => {
  it('compares QS (answered within the threshold / answered), mean wait and abandons per queue', () => {
    expect(
      indicatorsOf({
        offered: 10,
        answered: 8,
        abandoned: 2,
        answeredWithinThreshold: 6,
        meanWaitSeconds: 12.345,
      }),
    ).toEqual({ offered: 10, qs: 0.75, meanWaitSeconds: 12.3, abandoned: 2 });
    // Nothing answered: no QS and no mean wait, never a division by zero.
    expect(
      indicatorsOf({
        offered: 2,
        answered: 0,
        abandoned: 2,
        answeredWithinThreshold: 0,
        meanWaitSeconds: null,
      }),
    ).toEqual({ offered: 2, qs: null, meanWaitSeconds: null, abandoned: 2 });
  });

  it("spreads each indicator over the baseline's days: mean and sample standard deviation", () => {
    const day = (abandoned: number, qs: number | null) => ({
      n1: { offered: 10, qs, meanWaitSeconds: null, abandoned },
    });
    const s = spreadOf([day(1, 0.5), day(3, null), day(5, 0.7)]);
    expect(s.n1!.offered).toEqual({ mean: 10, sd: 0 });
    expect(s.n1!.abandoned).toEqual({ mean: 3, sd: 2 });
    // Only the days that have a value count; fewer than two: no spread.
    expect(s.n1!.qs!.mean).toBeCloseTo(0.6);
    expect(s.n1!.qs!.sd).toBeCloseTo(0.141, 3);
    expect(s.n1!.meanWaitSeconds).toBeNull();
  });

  it('generates a whole day with its night trough, and another day under another seed', () => {
    const calls = generateTrace(benchDay(24));
    expect(calls.length).toBeGreaterThan(450);
    expect(calls.length).toBeLessThan(750);
    const inHour = (h: number) => calls.filter((c) => Math.floor(c.arrivalS / 3600) === h).length;
    expect(inHour(4)).toBeLessThan(inHour(10));
    expect(generateTrace(benchDay(24, 1001)).map((c) => c.arrivalS)).not.toEqual(
      calls.map((c) => c.arrivalS),
    );
  });
});
