// The traffic generator: a seeded scenario in, a trace out (first attempts; retrials depend on
// who abandons, which only the twin knows: see retrial.ts).
import { readFileSync } from 'node:fs';
import { poissonArrivals, scenarioRate } from './arrivals.js';
import { pick, sample, type Distribution } from './distributions.js';
import { Prng } from './prng.js';
import { scenarioLines, type Scenario } from './scenario.js';
import type { Qualification, TraceCall, TraceParseResult } from './trace.js';
import { parseTrace } from './trace-parse.js';

// Rounded like the CSV writer, so a generated trace and its file hold exactly the same numbers.
const ms = (v: number) => Math.round(v * 1000) / 1000;

export interface GenerateOptions {
  /** Called every few thousand calls with the simulated time reached, for progress bars. */
  onProgress?: (seconds: number, horizonSeconds: number) => void;
}

/** Draws the talk times and path of one call; exported for the twin's own use. */
export function drawCall(s: Scenario, arrivalS: number, index: number, rng: Prng): TraceCall {
  const h = s.handlingSeconds;
  const draw = (d: Distribution | undefined) => (d ? ms(sample(d, rng)) : null);
  const line = pick(scenarioLines(s), rng);
  const qualification: Qualification = pick(s.qualification, rng);
  const patienceS = s.patienceSeconds ? ms(sample(s.patienceSeconds, rng)) : null;
  const n1TalkS = ms(sample(h.n1, rng));
  const n2TalkS =
    qualification === 'P1' ? draw(h['n2-amu']) : qualification === 'P2' ? draw(h['n2-mg']) : null;
  const reg = s.regulation ?? {};
  // The emergency doctor is brought in at once on a P0 when a doctor step is modelled.
  const toDoctor: Record<Qualification, number> = {
    P0: h['reg-amu'] ? (reg.p0 ?? 1) : 0,
    P1: reg.amu ?? 0,
    P2: reg.mg ?? 0,
    DR: 0,
  };
  const regulated = rng.next() < toDoctor[qualification];
  const regulationTalkS = regulated ? draw(qualification === 'P2' ? h['reg-mg'] : h['reg-amu']) : null;
  const booked = qualification === 'P2' && regulationTalkS !== null && rng.next() < (reg.booking ?? 0);
  const bookingTalkS = booked ? draw(h['book-mg']) : null;
  const department = s.departments ? pick(s.departments, rng) : null;
  return {
    arrivalS: ms(arrivalS),
    line,
    caller: `C${String(index + 1).padStart(7, '0')}`,
    patienceS,
    n1TalkS,
    qualification,
    n2TalkS,
    regulationTalkS,
    bookingTalkS,
    department,
  };
}

/** Generates the scenario's calls over its hours. Same scenario (same seed) → same trace. */
export function generateTrace(s: Scenario, options: GenerateOptions = {}): TraceCall[] {
  const horizon = s.hours * 3600;
  // Two streams: arrival times, and the calls' attributes, so changing the mix keeps the arrivals.
  const arrivalRng = new Prng(s.seed);
  const callRng = new Prng(s.seed ^ 0x5a5a5a5a);
  const calls: TraceCall[] = [];
  for (const t of poissonArrivals(scenarioRate(s), horizon, arrivalRng)) {
    calls.push(drawCall(s, t, calls.length, callRng));
    if (options.onProgress && calls.length % 5000 === 0) options.onProgress(t, horizon);
  }
  options.onProgress?.(horizon, horizon);
  return calls;
}

/**
 * The scenario's traffic: generated, or read from its trace file (checked against its lines).
 */
export function scenarioTraffic(s: Scenario, options: GenerateOptions = {}): TraceParseResult {
  if (s.arrivals.trace === undefined) return { ok: true, calls: generateTrace(s, options) };
  return parseTrace(readFileSync(s.arrivals.trace, 'utf8'), { knownLines: Object.keys(scenarioLines(s)) });
}
