// Handling-time and patience distributions of a scenario, given by their mean (and sd), and how to
// draw from them with the seeded generator.
import type { Prng } from './prng.js';

export type Distribution =
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; mean: number; sd: number }
  | { dist: 'fixed'; mean: number };

/** Standard normal draw (Box–Muller; one of the pair is enough here). */
function normal(rng: Prng): number {
  return Math.sqrt(-2 * Math.log(rng.nextOpen())) * Math.cos(2 * Math.PI * rng.next());
}

/** One draw, in the distribution's unit (seconds). */
export function sample(d: Distribution, rng: Prng): number {
  switch (d.dist) {
    case 'exponential':
      return -d.mean * Math.log(rng.nextOpen());
    case 'lognormal': {
      // Moments of the lognormal from the wanted mean m and sd s: σ² = ln(1 + s²/m²), μ = ln m − σ²/2.
      const sigma2 = Math.log1p((d.sd * d.sd) / (d.mean * d.mean));
      return Math.exp(Math.log(d.mean) - sigma2 / 2 + Math.sqrt(sigma2) * normal(rng));
    }
    case 'fixed':
      return d.mean;
  }
}

/**
 * Draws keys of a table of shares (adding up to 1) at random; the cumulative table is built once,
 * as the generator draws from the same tables for every call.
 */
export function picker<K extends string>(shares: Record<K, number>): (rng: Prng) => K {
  const keys = Object.keys(shares) as K[];
  const cumulative: number[] = [];
  let total = 0;
  for (const k of keys) cumulative.push((total += shares[k]));
  // Float rounding at the end of the table: fall back on the last key with a positive share.
  const last = [...keys].reverse().find((k) => shares[k] > 0) ?? keys[keys.length - 1]!;
  return (rng) => {
    const u = rng.next();
    for (let i = 0; i < keys.length; i++) if (u < cumulative[i]!) return keys[i]!;
    return last;
  };
}
