// The twin's figures for one run, read from the indicators reducer (each call counted once, at
// its first answer; queue steps counted per entry, waits from entry into the queue) and from the
// twin's own tally of agent time (occupancy).
import { addFigures, newFigures, type Figures } from '../../src/core/indicators/figures.js';
import { nearestRank } from '../../src/core/indicators/quantile.js';
import type { Scenario } from '../traffic/scenario.js';
import type { TwinSite } from './site.js';
import type { TwinRun } from './simulate.js';

const HOUR_MS = 3_600_000;

export type QueueResult = {
  offered: number;
  answered: number;
  abandoned: number;
  /** Answered strictly less than the queue's threshold (30 s in the twin) after entering it. */
  answeredWithinThreshold: number;
  /** answeredWithinThreshold / answered (abandons left out, as annex 3's QS); null if none answered. */
  qs30: number | null;
  /** Mean wait of the answered calls, from entry into this queue. */
  meanWaitSeconds: number | null;
  /** 90th percentile (nearest rank) of the answered calls' waits. */
  p90WaitSeconds: number | null;
  /** Mean time in the queue of every call that left it answered or abandoned. */
  meanWaitAllSeconds: number | null;
  /** Share of the calls answered or abandoned here that had to wait for an agent: a wait longer
   *  than the ring time (the engine's wait runs until the phone is answered, ringing included). */
  probabilityOfWaiting: number | null;
  /** abandoned / (answered + abandoned). */
  abandonRate: number | null;
};

export type LineResult = {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithin30s: number;
  qs30: number | null;
  /** Mean wait from arrival at the platform to the first answer, answered calls. */
  meanWaitSeconds: number | null;
};

export type CallsResult = {
  /** Calls received: first attempts and retrials (each attempt is a call). */
  arrived: number;
  firstAttempts: number;
  retrials: number;
  /** Annex 3 "appels décrochés": each call once, at its first answer by any SAS agent. */
  answeredBySas: number;
  answeredWithin30s: number;
  qs30: number | null;
  meanAnswerWaitSeconds: number | null;
  /** Hung up before any answer (abandons after an answer are "lost after triage"). */
  abandoned: number;
  shortAbandoned: number;
  lostAfterTriage: number;
  /** Still in progress when the drain after the horizon stopped (a step nobody staffs). */
  stillInProgress: number;
  /** Of which never answered: arrived = answeredBySas + abandoned + stillUnanswered. */
  stillUnanswered: number;
  files: { drm: number; drmAmu: number; drmMg: number; dr: number };
};

export type TwinFigures = {
  queues: Record<string, QueueResult>;
  lines: Record<string, LineResult>;
  calls: CallsResult;
  /** Per step: agent time on calls and in wrap-up over logged-in time, whole run. */
  occupancy: Record<string, number | null>;
};

/** Hourly sums of one run, for the report's charts (hour 0 = the scenario's start). */
export type TwinSeries = {
  hours: number;
  calls: { arrived: number[]; answered: number[]; within: number[] };
  queues: Record<string, { answered: number[]; within: number[]; waitSumMs: number[] }>;
  busyMs: Record<string, number[]>;
  loggedInMs: Record<string, number[]>;
};

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const seconds = (sumMs: number, n: number) => (n > 0 ? sumMs / n / 1000 : null);

/** The whole run's figures, all intervals and both periods added. */
function totals(run: TwinRun): Figures {
  const total = newFigures();
  for (const slot of run.indicators.intervals.values()) {
    if (slot.sas) addFigures(total, slot.sas);
    if (slot.pdsa) addFigures(total, slot.pdsa);
  }
  return total;
}

/** The queues shown: every staffed step, and any queue a call entered. */
function shownQueues(s: Scenario, site: TwinSite, f: Figures): string[] {
  return site.steps.filter((q) => s.staff?.[q] !== undefined || (f.queues.get(q)?.offered ?? 0) > 0);
}

export function figuresOf(s: Scenario, site: TwinSite, run: TwinRun): TwinFigures {
  const f = totals(run);
  const queues: Record<string, QueueResult> = {};
  for (const id of shownQueues(s, site, f)) {
    const q = f.queues.get(id);
    const answered = q?.answered ?? 0;
    const abandoned = q?.abandoned ?? 0;
    const ringMs = Math.round(s.ringSeconds * 1000);
    const waited = (q?.waitsMs ?? []).reduce((n, w) => n + (w > ringMs ? 1 : 0), 0);
    const p90 = q ? nearestRank(q.waitsMs, 0.9) : null;
    queues[id] = {
      offered: q?.offered ?? 0,
      answered,
      abandoned,
      answeredWithinThreshold: q?.answeredWithin ?? 0,
      qs30: ratio(q?.answeredWithin ?? 0, answered),
      meanWaitSeconds: seconds(q?.waitSumMs ?? 0, answered),
      p90WaitSeconds: p90 === null ? null : p90 / 1000,
      meanWaitAllSeconds: seconds((q?.waitSumMs ?? 0) + (q?.abandonWaitSumMs ?? 0), answered + abandoned),
      probabilityOfWaiting: ratio(waited + abandoned, answered + abandoned),
      abandonRate: ratio(abandoned, answered + abandoned),
    };
  }
  const lines: Record<string, LineResult> = {};
  for (const l of site.config.lines) {
    const c = f.byDimension.get(`line:${l.id}`);
    lines[l.id] = {
      offered: c?.arrived ?? 0,
      answered: c?.answered ?? 0,
      abandoned: c?.abandoned ?? 0,
      answeredWithin30s: c?.answeredWithin ?? 0,
      qs30: ratio(c?.answeredWithin ?? 0, c?.answered ?? 0),
      meanWaitSeconds: seconds(c?.answerWaitMs ?? 0, c?.answered ?? 0),
    };
  }
  const c = f.calls;
  let lost = 0;
  for (const v of f.lostAfterTriage.values()) lost += v;
  const occupancy: Record<string, number | null> = {};
  for (const t of site.teams) {
    const busy = run.busyMs[t.step]!.reduce((a, b) => a + b, 0);
    const logged = run.loggedInMs[t.step]!.reduce((a, b) => a + b, 0);
    occupancy[t.step] = logged > 0 ? Math.min(1, busy / logged) : null;
  }
  return {
    queues,
    lines,
    calls: {
      arrived: c.arrived,
      firstAttempts: run.firstAttempts,
      retrials: run.retrials,
      answeredBySas: c.answered,
      answeredWithin30s: c.answeredWithin,
      qs30: ratio(c.answeredWithin, c.answered),
      meanAnswerWaitSeconds: seconds(c.answerWaitMs, c.answered),
      abandoned: c.abandoned,
      shortAbandoned: c.shortAbandoned,
      lostAfterTriage: lost,
      stillInProgress: run.stillInProgress,
      stillUnanswered: run.stillUnanswered,
      files: { drm: f.files.drm, drmAmu: f.files.drmAmu, drmMg: f.files.drmMg, dr: f.files.dr },
    },
    occupancy,
  };
}

/** Hourly sums for the charts, dated by the interval each figure belongs to. */
export function seriesOf(site: TwinSite, run: TwinRun): TwinSeries {
  const hours = Math.ceil(run.horizonMs / HOUR_MS);
  const zeros = () => new Array<number>(hours).fill(0);
  const series: TwinSeries = {
    hours,
    calls: { arrived: zeros(), answered: zeros(), within: zeros() },
    queues: {},
    busyMs: {},
    loggedInMs: {},
  };
  for (const q of site.steps) series.queues[q] = { answered: zeros(), within: zeros(), waitSumMs: zeros() };
  for (const [start, slot] of run.indicators.intervals) {
    const h = Math.floor((start - run.start) / HOUR_MS);
    if (h < 0 || h >= hours) continue;
    for (const fig of [slot.sas, slot.pdsa]) {
      if (!fig) continue;
      series.calls.arrived[h]! += fig.calls.arrived;
      series.calls.answered[h]! += fig.calls.answered;
      series.calls.within[h]! += fig.calls.answeredWithin;
      for (const [id, q] of fig.queues) {
        const s = series.queues[id];
        if (!s) continue;
        s.answered[h]! += q.answered;
        s.within[h]! += q.answeredWithin;
        s.waitSumMs[h]! += q.waitSumMs;
      }
    }
  }
  for (const t of site.teams) {
    series.busyMs[t.step] = run.busyMs[t.step]!.slice(0, hours);
    series.loggedInMs[t.step] = run.loggedInMs[t.step]!.slice(0, hours);
  }
  return series;
}
