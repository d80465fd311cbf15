// Erlang B blocking probability by the classic recursion, the stable way to reach Erlang C and the
// Erlang A normalising constant without factorials (works for thousands of servers).

/** Offered load in erlangs: arrival rate times mean handling time (same time unit). */
export function offeredLoad(callsPerHour: number, ahtSeconds: number): number {
  return (callsPerHour / 3600) * ahtSeconds;
}

/**
 * Erlang B: probability that all `servers` are busy in an M/M/c/c loss system offered `erlangs`.
 * B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); every step stays in [0, 1].
 */
export function erlangB(servers: number, erlangs: number): number {
  assertServers(servers);
  assertLoad(erlangs);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (erlangs * b) / (k + erlangs * b);
  return b;
}

export function assertServers(servers: number): void {
  if (!Number.isInteger(servers) || servers < 0) {
    throw new RangeError(`number of agents must be a non-negative integer, got ${servers}`);
  }
}

export function assertLoad(erlangs: number): void {
  if (!Number.isFinite(erlangs) || erlangs < 0) {
    throw new RangeError(`offered load must be a finite non-negative number of erlangs, got ${erlangs}`);
  }
}
