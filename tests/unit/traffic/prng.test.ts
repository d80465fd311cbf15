import { describe, expect, it } from 'vitest';
import { sample } from '../../../simulator/traffic/distributions.js';
import { deriveSeed, Prng } from '../../../simulator/traffic/prng.js';

describe('seeded generator', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('is uniform on [0, 1): mean, variance and deciles', () => {
    const rng = new Prng(7);
    const n = 200_000;
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let sum2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < 0 || u >= 1) outside++;
      sum += u;
      sum2 += u * u;
      bins[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sum2 / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    // Chi-square with 9 degrees of freedom: 99.9 % quantile ≈ 27.9.
    const chi2 = bins.reduce((s, o) => s + (o - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('derives independent, order-free seeds from keys', () => {
    expect(deriveSeed(1, 'C1', 1)).toBe(deriveSeed(1, 'C1', 1));
    expect(deriveSeed(1, 'C1', 1)).not.toBe(deriveSeed(1, 'C1', 2));
    expect(deriveSeed(1, 'C1', 1)).not.toBe(deriveSeed(2, 'C1', 1));
  });
});

describe('distributions', () => {
  const stats = (draw: () => number, n = 100_000) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = draw();
      s += v;
      s2 += v * v;
    }
    return { mean: s / n, sd: Math.sqrt(s2 / n - (s / n) ** 2) };
  };

  it('exponential has the asked mean (and sd = mean)', () => {
    const rng = new Prng(1);
    const r = stats(() => sample({ dist: 'exponential', mean: 90 }, rng));
    expect(Math.abs(r.mean - 90)).toBeLessThan(90 * 0.02);
    expect(Math.abs(r.sd - 90)).toBeLessThan(90 * 0.03);
  });

  it('lognormal has the asked mean and sd', () => {
    const rng = new Prng(2);
    const r = stats(() => sample({ dist: 'lognormal', mean: 300, sd: 120 }, rng));
    expect(Math.abs(r.mean - 300)).toBeLessThan(300 * 0.01);
    expect(Math.abs(r.sd - 120)).toBeLessThan(120 * 0.03);
  });

  it('fixed is fixed', () => {
    expect(sample({ dist: 'fixed', mean: 60 }, new Prng(3))).toBe(60);
  });
});
