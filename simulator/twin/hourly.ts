// Hour buckets of agent time, for occupancy per level and per hour: a span of time is split
// across the hours it covers, so long calls count in every hour they last.
const HOUR_MS = 3_600_000;

/** Adds the span [from, to) (ms from the run's start) to the hourly buckets it covers. */
export function addSpan(buckets: number[], from: number, to: number): void {
  let t = Math.max(0, from);
  while (t < to) {
    const h = Math.floor(t / HOUR_MS);
    if (h >= buckets.length) return;
    const end = Math.min(to, (h + 1) * HOUR_MS);
    buckets[h]! += end - t;
    t = end;
  }
}
