// Retrials: a caller who abandons may call again after a delay. Whether a caller abandons depends
// on the queue, so the twin asks for the repeat call when it happens; the draw depends only on the
// seed, the caller and the attempt, not on the order of events, so runs stay reproducible.
import { sample } from './distributions.js';
import { deriveSeed, Prng } from './prng.js';
import type { Scenario } from './scenario.js';
import type { TraceCall } from './trace.js';

const ms = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The repeat call of a caller who hung up at `abandonedAtS` on attempt `attempt` (1 = first call),
 * or null when they do not call again. Same need (qualification, talk times), new patience.
 */
export function retrialOf(
  s: Scenario,
  call: TraceCall,
  abandonedAtS: number,
  attempt: number,
): TraceCall | null {
  const r = s.retrials;
  if (!r || attempt >= r.maxAttempts) return null;
  const rng = new Prng(deriveSeed(s.seed, 'retrial', call.caller, attempt));
  if (rng.next() >= r.probability) return null;
  return {
    ...call,
    arrivalS: ms(abandonedAtS + sample(r.delaySeconds, rng)),
    patienceS: s.patienceSeconds ? ms(sample(s.patienceSeconds, rng)) : null,
  };
}
