// 95 % confidence intervals over independent replications: mean ± t(0.975, n−1)·s/√n, Student's t
// because a handful of replications is the usual case.

// t quantiles at 0.975 for 1–30 degrees of freedom (any statistics table).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Student's t quantile at 0.975; beyond 30 degrees of freedom, the Cornish–Fisher expansion. */
export function t975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.floor(df) - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export type Interval = { mean: number; halfWidth: number; ci95: [number, number] };

/** Mean and 95 % interval of a sample; null for an empty sample, a zero-width interval for one value. */
export function interval(values: readonly number[]): Interval | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, halfWidth: 0, ci95: [mean, mean] };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const halfWidth = t975(n - 1) * Math.sqrt(variance / n);
  return { mean, halfWidth, ci95: [mean - halfWidth, mean + halfWidth] };
}

export type Tree = number | null | { [key: string]: Tree };

/**
 * Combines the same figures from several replications: the mean of each number (nulls left out)
 * and, in a tree of the same shape, its 95 % interval [lo, hi] (null when under two values).
 */
export function combine(trees: readonly Tree[]): { mean: Tree; ci95: unknown } {
  const first = trees.find((t) => t !== null);
  if (first === undefined || typeof first === 'number') {
    const values = trees.filter((t): t is number => typeof t === 'number');
    const i = interval(values);
    return { mean: i?.mean ?? null, ci95: values.length >= 2 ? i!.ci95 : null };
  }
  const mean: Record<string, Tree> = {};
  const ci95: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    const sub = combine(trees.map((t) => (t !== null && typeof t === 'object' ? (t[key] ?? null) : null)));
    mean[key] = sub.mean;
    ci95[key] = sub.ci95;
  }
  return { mean, ci95 };
}
