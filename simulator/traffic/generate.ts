// The traffic generator: a seeded scenario in, a trace out (first attempts; retrials depend on
// who abandons, which only the twin knows: see retrial.ts).
import { readFileSync } from 'node:fs';
import { poissonArrivals, scenarioRate } from './arrivals.js';
import { picker, sample, type Distribution } from './distributions.js';
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

/**
 * Returns a function drawing the talk times and path of one call of the scenario (the tables are
 * prepared once); exported for the twin's own use.
 */
export function callDrawer(s: Scenario): (arrivalS: number, index: number, rng: Prng) => TraceCall {
  const h = s.handlingSeconds;
  const draw = (d: Distribution | undefined, rng: Prng) => (d ? ms(sample(d, rng)) : null);
  const pickLine = picker(scenarioLines(s));
  const pickQualification = picker(s.qualification);
  const pickDepartment = s.departments ? picker(s.departments) : null;
  const reg = s.regulation ?? {};
  // The emergency doctor is brought in at once on a P0 when a doctor step is modelled.
  const toDoctor: Record<Qualification, number> = {
    P0: h['reg-amu'] ? (reg.p0 ?? 1) : 0,
    P1: reg.amu ?? 0,
    P2: reg.mg ?? 0,
    DR: 0,
  };
  const booking = reg.booking ?? 0;
  return (arrivalS, index, rng) => {
    const line = pickLine(rng);
    const qualification = pickQualification(rng);
    const patienceS = s.patienceSeconds ? ms(sample(s.patienceSeconds, rng)) : null;
    const n1TalkS = ms(sample(h.n1, rng));
    const n2TalkS =
      qualification === 'P1' ? draw(h['n2-amu'], rng) : qualification === 'P2' ? draw(h['n2-mg'], rng) : null;
    const regulated = rng.next() < toDoctor[qualification];
    const regulationTalkS = regulated ? draw(qualification === 'P2' ? h['reg-mg'] : h['reg-amu'], rng) : null;
    const booked = qualification === 'P2' && regulationTalkS !== null && rng.next() < booking;
    return {
      arrivalS: ms(arrivalS),
      line,
      caller: `C${String(index + 1).padStart(7, '0')}`,
      patienceS,
      n1TalkS,
      qualification,
      n2TalkS,
      regulationTalkS,
      bookingTalkS: booked ? draw(h['book-mg'], rng) : null,
      department: pickDepartment ? pickDepartment(rng) : null,
    };
  };
}

/** Generates the scenario's calls over its hours. Same scenario (same seed) → same trace. */
export function generateTrace(s: Scenario, options: GenerateOptions = {}): TraceCall[] {
  const horizon = s.hours * 3600;
  // Two streams: arrival times, and the calls' attributes, so changing the mix keeps the arrivals.
  const arrivalRng = new Prng(s.seed);
  const callRng = new Prng(s.seed ^ 0x5a5a5a5a);
  const drawCall = callDrawer(s);
  const calls: TraceCall[] = [];
  for (const t of poissonArrivals(scenarioRate(s), horizon, arrivalRng)) {
    calls.push(drawCall(t, calls.length, callRng));
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
