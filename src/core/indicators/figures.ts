// The counters the indicators are made of, for one 15-minute interval and one period (SAS hours or
// PDSA hours). Every field is a sum or an exact list, so the figures of any span (hour, day, month,
// year, SAS + PDSA) are obtained by adding intervals: nothing is averaged before the end.

/** Per SAS call (annex 3): each inbound call once, dated by its arrival at the platform. */
export type CallCounts = {
  arrived: number;
  /** First answer by any SAS agent (appels décrochés). */
  answered: number;
  /** Of which answered strictly less than 30 s after arrival. */
  answeredWithin: number;
  answerWaitMs: number;
  /** Caller hung up before any answer (abandons after an answer are "lost after triage"). */
  abandoned: number;
  /** Of which after less than 5 s since arrival. */
  shortAbandoned: number;
  /** Sent to a partner SAS before any answer (bascule, débordement). */
  redirected: number;
  /** Of the answered calls, those the dialplan fallback's group answered while the ACD was away. */
  fallbackAnswered: number;
  /** Of which answered strictly less than 30 s after arrival. */
  fallbackAnsweredWithin: number;
  /** Of the abandoned calls, those whose caller hung up in the dialplan's wait or fallback. */
  fallbackAbandoned: number;
};

/** Per queue step: a call entering the queue, dated by that entry. */
export type QueueFigures = {
  offered: number;
  answered: number;
  /** Answered strictly less than the queue's own thresholdSeconds after entering it. */
  answeredWithin: number;
  /** The caller hung up while waiting alone in this queue. */
  abandoned: number;
  /** Left the queue otherwise (partner SAS, callback accepted, call ended during a warm transfer). */
  otherExits: number;
  /** Waits of the answered calls, from entry into the queue to the answer (ms, exact). */
  waitsMs: number[];
  waitSumMs: number;
  waitMaxMs: number;
  abandonWaitSumMs: number;
};

export type Duration = { count: number; totalMs: number };
export type Timed = Duration & { within: number };

export type Figures = {
  calls: CallCounts;
  /** Keyed "department:44", "line:15", "origin:44", "mode:two-level". */
  byDimension: Map<string, CallCounts>;
  queues: Map<string, QueueFigures>;
  /** N1 orientation: N1 answer to the transfer asked by the N1 ARM (calls kept apart). */
  n1Orientation: Timed;
  n1OrientationByAgent: Map<string, Timed>;
  /** Calls kept at N1 (P0, one-level mode): N1 answer to the keep decision; keyed by qualification. */
  keptAtN1: Map<string, Duration>;
  /** Talk time, keyed by role label (see talkLabel). */
  talk: Map<string, Duration>;
  /** Wrap-up time, keyed by the role label of the call the agent left last. */
  wrapUp: Map<string, Duration>;
  /**
   * Annex 3 table 3 items 9–13: per inbound call, the time all agents of one annex role spent on
   * it (every leg added), counted once per call, dated by the call's arrival. Keyed by annex role.
   */
  callDuration: Map<string, Duration>;
  files: {
    drm: number;
    drmAmu: number;
    drmMg: number;
    dr: number;
    noFile: number;
  };
  /** Caller hung up after an answer, waiting at N2 or a doctor: "stage:branch:qualification". */
  lostAfterTriage: Map<string, number>;
  reorientations: { mgToAmu: number; amuToMg: number };
  /** Calls ended with a disposition: "branch:disposition" (branch of the file after reorientations). */
  dispositions: Map<string, number>;
  /** Outbound calls placed (never answered calls), by purpose. */
  outbound: Map<string, number>;
};

export const newCallCounts = (): CallCounts => ({
  arrived: 0,
  answered: 0,
  answeredWithin: 0,
  answerWaitMs: 0,
  abandoned: 0,
  shortAbandoned: 0,
  redirected: 0,
  fallbackAnswered: 0,
  fallbackAnsweredWithin: 0,
  fallbackAbandoned: 0,
});

export const newQueueFigures = (): QueueFigures => ({
  offered: 0,
  answered: 0,
  answeredWithin: 0,
  abandoned: 0,
  otherExits: 0,
  waitsMs: [],
  waitSumMs: 0,
  waitMaxMs: 0,
  abandonWaitSumMs: 0,
});

export const newFigures = (): Figures => ({
  calls: newCallCounts(),
  byDimension: new Map(),
  queues: new Map(),
  n1Orientation: { count: 0, totalMs: 0, within: 0 },
  n1OrientationByAgent: new Map(),
  keptAtN1: new Map(),
  talk: new Map(),
  wrapUp: new Map(),
  callDuration: new Map(),
  files: { drm: 0, drmAmu: 0, drmMg: 0, dr: 0, noFile: 0 },
  lostAfterTriage: new Map(),
  reorientations: { mgToAmu: 0, amuToMg: 0 },
  dispositions: new Map(),
  outbound: new Map(),
});

export function entry<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

export function addDuration(d: Duration, ms: number): void {
  d.count++;
  d.totalMs += ms;
}

function addCounts(into: CallCounts, from: CallCounts): void {
  into.arrived += from.arrived;
  into.answered += from.answered;
  into.answeredWithin += from.answeredWithin;
  into.answerWaitMs += from.answerWaitMs;
  into.abandoned += from.abandoned;
  into.shortAbandoned += from.shortAbandoned;
  into.redirected += from.redirected;
  into.fallbackAnswered += from.fallbackAnswered;
  into.fallbackAnsweredWithin += from.fallbackAnsweredWithin;
  into.fallbackAbandoned += from.fallbackAbandoned;
}

function addQueue(into: QueueFigures, from: QueueFigures): void {
  into.offered += from.offered;
  into.answered += from.answered;
  into.answeredWithin += from.answeredWithin;
  into.abandoned += from.abandoned;
  into.otherExits += from.otherExits;
  for (const w of from.waitsMs) into.waitsMs.push(w);
  into.waitSumMs += from.waitSumMs;
  into.waitMaxMs = Math.max(into.waitMaxMs, from.waitMaxMs);
  into.abandonWaitSumMs += from.abandonWaitSumMs;
}

const newDuration = (): Duration => ({ count: 0, totalMs: 0 });
const newTimed = (): Timed => ({ count: 0, totalMs: 0, within: 0 });

function addTimed(into: Timed, from: Timed): void {
  into.count += from.count;
  into.totalMs += from.totalMs;
  into.within += from.within;
}

function addDurations(into: Duration, from: Duration): void {
  into.count += from.count;
  into.totalMs += from.totalMs;
}

function mergeMap<V>(into: Map<string, V>, from: Map<string, V>, make: () => V, add: (a: V, b: V) => void) {
  for (const [k, v] of from) add(entry(into, k, make), v);
}

function mergeCount(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** Adds `from` into `into` (both any span): the only way wider figures are made. */
export function addFigures(into: Figures, from: Figures): void {
  addCounts(into.calls, from.calls);
  mergeMap(into.byDimension, from.byDimension, newCallCounts, addCounts);
  mergeMap(into.queues, from.queues, newQueueFigures, addQueue);
  addTimed(into.n1Orientation, from.n1Orientation);
  mergeMap(into.n1OrientationByAgent, from.n1OrientationByAgent, newTimed, addTimed);
  mergeMap(into.keptAtN1, from.keptAtN1, newDuration, addDurations);
  mergeMap(into.talk, from.talk, newDuration, addDurations);
  mergeMap(into.wrapUp, from.wrapUp, newDuration, addDurations);
  mergeMap(into.callDuration, from.callDuration, newDuration, addDurations);
  into.files.drm += from.files.drm;
  into.files.drmAmu += from.files.drmAmu;
  into.files.drmMg += from.files.drmMg;
  into.files.dr += from.files.dr;
  into.files.noFile += from.files.noFile;
  mergeCount(into.lostAfterTriage, from.lostAfterTriage);
  into.reorientations.mgToAmu += from.reorientations.mgToAmu;
  into.reorientations.amuToMg += from.reorientations.amuToMg;
  mergeCount(into.dispositions, from.dispositions);
  mergeCount(into.outbound, from.outbound);
}

export { newDuration, newTimed };
