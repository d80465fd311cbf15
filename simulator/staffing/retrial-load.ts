// Offered load including retrials: a caller who abandons may call again, and those repeat attempts
// are real solicitations the team must absorb (sizing is on calls received, not on callers).

export interface RetrialRule {
  /** Probability that a caller who abandoned calls again. */
  probability: number;
  /** Attempts per caller at most, the first included (Infinity = no limit). */
  maxAttempts?: number;
}

/**
 * Calls per hour offered once retrials are counted, for a given abandon rate per attempt:
 * λ = λ₀ · Σ_{j=0}^{m−1} (p_ab·p_r)^j (a geometric series, m the attempt limit).
 */
export function callsWithRetrials(
  firstAttemptsPerHour: number,
  abandonRate: number,
  rule: RetrialRule,
): number {
  const q = Math.min(1, Math.max(0, abandonRate)) * Math.min(1, Math.max(0, rule.probability));
  const m = rule.maxAttempts ?? Infinity;
  if (q >= 1) {
    if (!Number.isFinite(m))
      throw new RangeError('every caller abandons and retries forever: the load is unbounded');
    return firstAttemptsPerHour * m;
  }
  const factor = Number.isFinite(m) ? (1 - q ** m) / (1 - q) : 1 / (1 - q);
  return firstAttemptsPerHour * factor;
}

/**
 * Fixed point between the offered load and the abandon rate it causes: start from first attempts,
 * compute the abandon rate, add the retrials it brings, repeat until the load settles.
 */
export function settleRetrials(
  firstAttemptsPerHour: number,
  rule: RetrialRule,
  abandonRateAt: (callsPerHour: number) => number,
): { callsPerHour: number; abandonRate: number; iterations: number } {
  let calls = firstAttemptsPerHour;
  let abandon = abandonRateAt(calls);
  for (let i = 1; i <= 200; i++) {
    const next = callsWithRetrials(firstAttemptsPerHour, abandon, rule);
    const settled = Math.abs(next - calls) <= 1e-9 * Math.max(1, next);
    calls = next;
    abandon = abandonRateAt(calls);
    if (settled) return { callsPerHour: calls, abandonRate: abandon, iterations: i };
  }
  return { callsPerHour: calls, abandonRate: abandon, iterations: 200 };
}
