// Exact wait quantiles. The reducer keeps every answered wait (one number per answer and queue
// step: a few million a year for a busy SAS), so any span's quantiles are exact and spans merge
// by concatenation; no streaming sketch, no approximation to document away.

/**
 * Nearest-rank quantile (the smallest value with at least q·n values at or below it): p50 of
 * [1, 2, 3, 4] is 2, p90 is 4. Null for no values. Sorts a copy.
 */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
