// Poisson arrival times: a constant rate, or a rate that varies by hour of day and day of week
// (non-homogeneous Poisson process, drawn by thinning: Lewis & Shedler, 1979).
import type { Prng } from './prng.js';
import { PROFILES, type Scenario } from './scenario.js';

/** Arrival rate in calls per second at time t (seconds from the start), and its maximum. */
export interface RateFunction {
  rate(t: number): number;
  max: number;
}

export function constantRate(callsPerHour: number): RateFunction {
  const r = callsPerHour / 3600;
  return { rate: () => r, max: r };
}

/**
 * Rate from calls per day, 24 hourly weights (normalised to add up to 1) and 7 day weights
 * (normalised to a mean of 1, Monday first), the scenario starting at 00:00 on `startDayOfWeek`.
 */
export function profileRate(
  callsPerDay: number,
  hourly: readonly number[],
  dayOfWeek: readonly number[] = [1, 1, 1, 1, 1, 1, 1],
  startDayOfWeek = 1,
): RateFunction {
  const hourTotal = hourly.reduce((s, w) => s + w, 0);
  const dayMean = dayOfWeek.reduce((s, w) => s + w, 0) / 7;
  // 168 hourly rates, Monday 00:00 first.
  const week = Array.from({ length: 168 }, (_, i) => {
    const day = dayOfWeek[Math.floor(i / 24)]! / dayMean;
    return (callsPerDay * day * (hourly[i % 24]! / hourTotal)) / 3600;
  });
  const offset = (startDayOfWeek - 1) * 24;
  return {
    rate: (t) => week[(Math.floor(t / 3600) + offset) % 168]!,
    max: Math.max(...week),
  };
}

export function scenarioRate(s: Scenario): RateFunction {
  const a = s.arrivals;
  if (a.callsPerHour !== undefined) return constantRate(a.callsPerHour);
  if (a.callsPerDay !== undefined && a.hourlyProfile !== undefined) {
    const named = typeof a.hourlyProfile === 'string' ? PROFILES[a.hourlyProfile] : null;
    const hourly = named ? named.hourlyProfile : (a.hourlyProfile as number[]);
    const days = a.dayOfWeek ?? named?.dayOfWeek;
    return profileRate(a.callsPerDay, hourly, days, a.startDayOfWeek ?? 1);
  }
  throw new Error('the scenario reads its arrivals from a trace: there is no rate to draw from');
}

/** Mean number of arrivals over [0, horizon): the integral of the rate (hour by hour). */
export function expectedArrivals(r: RateFunction, horizonSeconds: number): number {
  let total = 0;
  for (let t = 0; t < horizonSeconds; t += 3600) total += r.rate(t) * Math.min(3600, horizonSeconds - t);
  return total;
}

/**
 * Arrival times over [0, horizon) by thinning: candidates from a Poisson process at the maximum
 * rate, each kept with probability rate(t)/max. With a constant rate every candidate is kept.
 */
export function* poissonArrivals(r: RateFunction, horizonSeconds: number, rng: Prng): Generator<number> {
  if (r.max <= 0) return;
  let t = 0;
  for (;;) {
    t += -Math.log(rng.nextOpen()) / r.max;
    if (t >= horizonSeconds) return;
    if (rng.next() * r.max < r.rate(t)) yield t;
  }
}
