// Erlang A (M/M/c+M: Poisson arrivals, exponential handling, exponential patience). Closed forms
// after Garnett, Mandelbaum & Reiman (2002) and Mandelbaum & Zeltyn's M/M/n+G summary, evaluated
// with the Erlang B recursion and positive series summed in log space, so nothing overflows for
// hundreds of agents or very long patience.
import { assertLoad, erlangB, offeredLoad } from './erlang-b.js';
import { validateQueueInput, validateTarget, type QueueInput, type TargetInput } from './erlang-c.js';

export interface ErlangAInput extends QueueInput {
  /** Mean patience in seconds (exponential): how long a caller waits before hanging up. */
  patienceSeconds: number;
}

export interface ErlangAResult {
  erlangs: number;
  agents: number;
  /** P(an arriving call has to wait), i.e. finds every agent busy. */
  probabilityOfWaiting: number;
  /** Share of offered calls that hang up before being answered. */
  abandonRate: number;
  /** QS-style service level: answered within the threshold / answered (abandons left out). */
  serviceLevel: number;
  /** Answered within the threshold / offered (abandons count as failures). */
  answeredWithinThresholdOfOffered: number;
  /** Mean wait of answered calls, from arrival to answer. */
  averageSpeedOfAnswerSeconds: number;
  /** Mean time in queue over all calls, until answer or hang-up. */
  meanWaitSeconds: number;
  /** Share of agent time spent on calls (carried load / agents). */
  occupancy: number;
  /** Always true: abandonment keeps an M/M/c+M queue stable. */
  stable: true;
}

// Log of a sum of positive terms kept with a running maximum (log-sum-exp, streaming).
class LogSum {
  max = -Infinity;
  scaled = 0;
  add(logTerm: number): void {
    if (logTerm === -Infinity) return;
    if (logTerm > this.max) {
      this.scaled = this.scaled * Math.exp(this.max - logTerm) + 1;
      this.max = logTerm;
    } else {
      this.scaled += Math.exp(logTerm - this.max);
    }
  }
  get value(): number {
    return this.max + Math.log(this.scaled);
  }
}

const MAX_TERMS = 50_000_000;
const TAIL = Math.log(1e-17);

/**
 * Sums, in log space, S_x(y) = Σ_{k≥0} y^k / Π_{i=1..k}(x+i) and, when asked, the weighted series
 * Σ w_k·x/(x+k+1)·H_k with H_k = Σ_{j=1..k+1} 1/(x+j) (the mean wait of served delayed callers).
 * Terms rise while x+k < y and then fall geometrically, so the tail after the peak is bounded.
 */
function series(x: number, y: number, withWait: boolean): { logS: number; logWait: number } {
  const s = new LogSum();
  const w = new LogSum();
  let logTerm = 0;
  let h = 0;
  for (let k = 0; ; k++) {
    if (k > 0) logTerm += Math.log(y) - Math.log(x + k);
    s.add(logTerm);
    if (withWait) {
      h += 1 / (x + k + 1);
      if (x > 0) w.add(logTerm + Math.log(x / (x + k + 1)) + Math.log(h));
    }
    const ratio = y / (x + k + 1);
    // Geometric bound on the tail: next terms are at most term·ratio^j with ratio < 1.
    if (ratio < 1 && logTerm + Math.log(ratio) - Math.log1p(-ratio) - s.value < TAIL) break;
    if (k > MAX_TERMS) throw new RangeError('Erlang A series did not converge (load far above capacity)');
  }
  return { logS: s.value, logWait: w.value };
}

export function validatePatience(patienceSeconds: number): void {
  if (!Number.isFinite(patienceSeconds) || patienceSeconds <= 0) {
    throw new RangeError(`mean patience must be a finite number of seconds > 0, got ${patienceSeconds}`);
  }
}

/** All Erlang A figures for one interval. */
export function erlangAMetrics(input: ErlangAInput): ErlangAResult {
  validateQueueInput(input);
  validatePatience(input.patienceSeconds);
  const { agents: n, ahtSeconds, thresholdSeconds: t, patienceSeconds } = input;
  const a = offeredLoad(input.callsPerHour, ahtSeconds);
  assertLoad(a);
  if (a === 0) {
    return {
      erlangs: 0,
      agents: n,
      probabilityOfWaiting: n === 0 ? 1 : 0,
      abandonRate: 0,
      serviceLevel: 1,
      answeredWithinThresholdOfOffered: 1,
      averageSpeedOfAnswerSeconds: 0,
      meanWaitSeconds: 0,
      occupancy: 0,
      stable: true,
    };
  }
  const theta = 1 / patienceSeconds;
  const lambda = input.callsPerHour / 3600;
  // Dimensionless rates: x = nμ/θ, y = λ/θ.
  const x = n / ahtSeconds / theta;
  const y = lambda / theta;
  const { logS: logG, logWait } = series(x, y, true);

  // P(wait) = B·G / (1 − B + B·G), with B the Erlang B of (n, a) and G = S_x(y).
  const b = erlangB(n, a);
  const r = Math.log1p(-b) - Math.log(b) - logG;
  const pWait = b === 0 ? 0 : 1 / (1 + Math.exp(r));
  // P(served | wait) = (x/y)·(1 − 1/G); each delayed caller ahead by k is served w.p. x/(x+k+1).
  const servedIfWait = x === 0 ? 0 : (x / y) * -Math.expm1(-logG);
  const abandonRate = pWait * (1 - servedIfWait);
  // E[wait; served | wait] = (1/θ)·Σ w_k·x/(x+k+1)·H_k / G.
  const servedWaitIfWait = x === 0 ? 0 : Math.exp(logWait - logG) / theta;
  const answered = 1 - abandonRate;
  // P(wait ≤ t | served, wait) = 1 − R(t), R = P(x+1, y·z)/P(x+1, y), z = e^(−θt), P the regularised
  // lower incomplete gamma; written with the series S_{x+1} to stay in log space.
  let withinIfServedWait = 1;
  if (x > 0 && t > 0) {
    const z = Math.exp(-theta * t);
    const logR =
      -(x + 1) * theta * t -
      y * Math.expm1(-theta * t) +
      series(x + 1, y * z, false).logS -
      series(x + 1, y, false).logS;
    withinIfServedWait = -Math.expm1(Math.min(0, logR));
  } else if (t === 0) {
    withinIfServedWait = 0;
  }
  const answeredWithin = 1 - pWait + pWait * servedIfWait * withinIfServedWait;
  return {
    erlangs: a,
    agents: n,
    probabilityOfWaiting: pWait,
    abandonRate,
    serviceLevel: answered > 0 ? Math.min(1, answeredWithin / answered) : 0,
    answeredWithinThresholdOfOffered: answeredWithin,
    averageSpeedOfAnswerSeconds: answered > 0 ? (pWait * servedWaitIfWait) / answered : 0,
    // Little's law on abandons: λ·P(ab) = θ·E[queue] = θ·λ·E[wait].
    meanWaitSeconds: abandonRate * patienceSeconds,
    occupancy: n === 0 ? 0 : Math.min(1, (a * answered) / n),
    stable: true,
  };
}

/** Smallest number of agents whose Erlang A service level (QS-style) reaches the target. */
export function agentsForServiceLevelA(input: TargetInput & { patienceSeconds: number }): ErlangAResult {
  validateTarget(input.target);
  validatePatience(input.patienceSeconds);
  const base = { ...input, agents: 0 };
  validateQueueInput(base);
  const a = offeredLoad(input.callsPerHour, input.ahtSeconds);
  // Abandons make a small team look good on answered calls alone (impatient callers leave the queue
  // short), so the target is applied to answered-within-threshold over *offered* calls, which also
  // bounds the QS-style service level from below. Start under the load, step back, then forward.
  const meets = (r: ErlangAResult) => r.answeredWithinThresholdOfOffered >= input.target;
  const min = input.minAgents ?? 0;
  if (a === 0) return erlangAMetrics({ ...base, agents: min });
  let c = Math.max(min, Math.floor(a * 0.5));
  while (c > min && meets(erlangAMetrics({ ...base, agents: c - 1 }))) c--;
  for (;;) {
    const r = erlangAMetrics({ ...base, agents: c });
    if (meets(r)) return r;
    c++;
  }
}
