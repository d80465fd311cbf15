// applyIndicatorEvent: how each engine event moves the indicators. It mutates the accumulator in
// place (speed: it must keep pace with the engine), is deterministic and reads no clock: the same
// events always give the same figures, live or replayed.
import { periodAt } from '../calendar.js';
import type {
  AgentLeftCall,
  CallArrived,
  CallConnected,
  CallEnded,
  CallQueued,
  CallTransferred,
  Event,
} from '../events.js';
import type { AgentStatus } from '../model.js';
import { figuresAt, useConfig, type CallTrack, type Indicators } from './accumulator.js';
import { fallbackAbandoned, fallbackCounted } from './fallback-calls.js';
import {
  addDuration,
  entry,
  type CallCounts,
  newCallCounts,
  newDuration,
  newQueueFigures,
  newTimed,
  type Figures,
} from './figures.js';
import {
  N1_ORIENTATION_TARGET_MS,
  QS_THRESHOLD_MS,
  RECENT_ANSWERS_MS,
  SHORT_ABANDON_MS,
  intervalStart,
} from './rules.js';
import { annexRole, talkLabel } from './role-labels.js';
import { rememberQueueAnswer } from './queue-answers.js';

// "department:75"…: made once per value rather than once per call (the digital twin applies a year
// of calls here); bounded, since a line label comes from the PBX.
const dimensionKeys = {
  department: new Map<string, string>(),
  line: new Map<string, string>(),
  origin: new Map<string, string>(),
  mode: new Map<string, string>(),
};
function dimensionKey(kind: keyof typeof dimensionKeys, value: string): string {
  const keys = dimensionKeys[kind];
  let key = keys.get(value);
  if (key === undefined) {
    if (keys.size >= 1_000) keys.clear();
    key = `${kind}:${value}`;
    keys.set(value, key);
  }
  return key;
}

function arrived(acc: Indicators, e: CallArrived): void {
  const fig = figuresAt(acc, intervalStart(e.at), e.period);
  const dims = [
    entry(fig.byDimension, dimensionKey('department', e.department), newCallCounts),
    entry(fig.byDimension, dimensionKey('line', e.line), newCallCounts),
    entry(fig.byDimension, dimensionKey('origin', e.originSite), newCallCounts),
    entry(fig.byDimension, dimensionKey('mode', e.mode), newCallCounts),
  ];
  fig.calls.arrived++;
  for (const d of dims) d.arrived++;
  acc.calls.set(e.callId, {
    inbound: true,
    arrivedAt: e.at,
    period: e.period,
    fig,
    dims,
    answered: false,
    n1: null,
    n1Measured: false,
    keptBy: null,
    qualification: null,
    reorientedTo: null,
    roleMs: new Map(),
    pending: null,
  });
}

function queued(acc: Indicators, e: CallQueued): void {
  const t = acc.calls.get(e.callId);
  if (!t) return;
  if (t.pending?.q) t.pending.q.otherExits++;
  let q = null;
  // A call back in the queue of its step after its agent's phone dropped is not a new entry.
  if (t.inbound && e.reason !== 'leg-lost') {
    // Dated by the entry into this queue, split by the call's arrival period.
    q = entry(figuresAt(acc, intervalStart(e.at), t.period).queues, e.queueId, newQueueFigures);
    q.offered++;
  }
  t.pending = { queueId: e.queueId, enteredAt: e.at, q };
}

function connected(acc: Indicators, e: CallConnected): void {
  setStatus(acc, e.agentId, 'on-call', e.at);
  const t = acc.calls.get(e.callId);
  if (!t) return;
  const q = t.pending?.q;
  if (q) {
    q.answered++;
    const threshold = (acc.queues.get(e.queueId)?.thresholdSeconds ?? 30) * 1000;
    if (e.waitedMs < threshold) q.answeredWithin++;
    rememberQueueAnswer(acc.queueAnswers, e.queueId, e.at, e.waitedMs < threshold);
    q.waitsMs.push(e.waitedMs);
    q.waitSumMs += e.waitedMs;
    if (e.waitedMs > q.waitMaxMs) q.waitMaxMs = e.waitedMs;
  }
  t.pending = null;
  if (!t.inbound) return;
  if (e.stage === 'n1' && t.n1 === null) t.n1 = { agentId: e.agentId, at: e.at };
  if (!e.firstAnswer || t.answered) return;
  // Annex 3: the call counts once, at its first answer by any SAS agent, waited since arrival.
  t.answered = true;
  const within = e.sinceArrivalMs < QS_THRESHOLD_MS;
  countAnswer(t.fig.calls, within, e.sinceArrivalMs);
  for (const c of t.dims) countAnswer(c, within, e.sinceArrivalMs);
  rememberAnswer(acc, e.at, within);
}

function countAnswer(c: CallCounts, within: boolean, waitMs: number): void {
  c.answered++;
  if (within) c.answeredWithin++;
  c.answerWaitMs += waitMs;
}

function countAbandon(c: CallCounts, short: boolean): void {
  c.abandoned++;
  if (short) c.shortAbandoned++;
}

function rememberAnswer(acc: Indicators, at: number, within: boolean): void {
  acc.recentAt.push(at);
  acc.recentWithin.push(within);
  const horizon = at - RECENT_ANSWERS_MS;
  while (acc.recentHead < acc.recentAt.length && acc.recentAt[acc.recentHead]! < horizon) acc.recentHead++;
  // Compact now and then so the arrays do not grow for ever.
  if (acc.recentHead > 1024 && acc.recentHead * 2 > acc.recentAt.length) {
    acc.recentAt = acc.recentAt.slice(acc.recentHead);
    acc.recentWithin = acc.recentWithin.slice(acc.recentHead);
    acc.recentHead = 0;
  }
}

function transferred(acc: Indicators, e: CallTransferred): void {
  const t = acc.calls.get(e.callId);
  if (!t?.inbound) return;
  if (e.reorientation === 'mg-to-amu') {
    t.fig.reorientations.mgToAmu++;
    t.reorientedTo = 'amu';
  } else if (e.reorientation === 'amu-to-mg') {
    t.fig.reorientations.amuToMg++;
    t.reorientedTo = 'mg';
  }
  const n1 = t.n1;
  if (!n1 || t.n1Measured || t.keptBy !== null || n1.agentId !== e.agentId) return;
  if (acc.queues.get(e.fromQueueId)?.stage !== 'n1') return;
  // N1 orientation: from the N1 answer to the transfer the N1 ARM asks for (blind or warm).
  t.n1Measured = true;
  const ms = e.at - n1.at;
  const within = ms < N1_ORIENTATION_TARGET_MS ? 1 : 0;
  for (const d of [t.fig.n1Orientation, entry(t.fig.n1OrientationByAgent, e.agentId, newTimed)]) {
    d.count++;
    d.totalMs += ms;
    d.within += within;
  }
}

function leftCall(acc: Indicators, e: AgentLeftCall): void {
  const t = acc.calls.get(e.callId);
  const label = t?.inbound ? talkLabel(e, t.keptBy === e.agentId) : 'outbound';
  const agent = acc.agents.get(e.agentId);
  if (agent) agent.lastLabel = label;
  if (!t) return;
  addDuration(entry(t.fig.talk, label, newDuration), e.talkMs);
  const role = t.inbound ? annexRole(label) : null;
  if (role) t.roleMs.set(role, (t.roleMs.get(role) ?? 0) + e.talkMs);
  // The N1 ARM whose phone dropped orients nothing: the next N1 answer starts the measure again.
  if (e.reason === 'leg-lost' && t.n1?.agentId === e.agentId && !t.n1Measured) t.n1 = null;
}

function fileBranch(t: CallTrack): 'amu' | 'mg' {
  return t.reorientedTo ?? (t.qualification === 'P2' ? 'mg' : 'amu');
}

function ended(acc: Indicators, e: CallEnded): void {
  const t = acc.calls.get(e.callId);
  acc.calls.delete(e.callId);
  acc.p0.delete(e.callId);
  if (!t) return;
  const q = t.pending?.q;
  if (q) {
    if (e.outcome === 'abandoned') {
      q.abandoned++;
      q.abandonWaitSumMs += e.waitedMs ?? 0;
    } else q.otherExits++;
  }
  const fig = t.fig;
  if (!t.inbound) return;
  // Items 9–13: one call taken by a role, however many legs that role had on it.
  for (const [role, ms] of t.roleMs) addDuration(entry(fig.callDuration, role, newDuration), ms);
  t.qualification = e.qualification;
  if (e.outcome === 'abandoned' && !e.answered) {
    const short = e.sinceArrivalMs < SHORT_ABANDON_MS;
    countAbandon(fig.calls, short);
    for (const c of t.dims) countAbandon(c, short);
  } else if (e.outcome === 'abandoned' && e.last.stage !== 'n1') {
    const key = `${e.last.stage}:${e.last.branch}:${e.qualification ?? 'none'}`;
    fig.lostAfterTriage.set(key, (fig.lostAfterTriage.get(key) ?? 0) + 1);
  } else if (e.outcome === 'redirected' && !e.answered) {
    fig.calls.redirected++;
    for (const c of t.dims) c.redirected++;
  }
  countFile(fig, t, e);
}

function countFile(fig: Figures, t: CallTrack, e: CallEnded): void {
  const qual = e.qualification;
  const isDrm = qual === 'P0' || qual === 'P1' || qual === 'P2';
  if (isDrm) {
    fig.files.drm++;
    if (fileBranch(t) === 'amu') fig.files.drmAmu++;
    else fig.files.drmMg++;
  } else if (e.outcome === 'dr' || qual === 'DR') fig.files.dr++;
  else if (e.outcome === 'no-file') fig.files.noFile++;
  if (e.disposition !== null) {
    const key = `${isDrm ? fileBranch(t) : e.last.branch}:${e.disposition}`;
    fig.dispositions.set(key, (fig.dispositions.get(key) ?? 0) + 1);
  }
}

/** Moves an agent to a new state, closing its wrap-up when one was running. */
function setStatus(acc: Indicators, agentId: string, status: AgentStatus, at: number): void {
  const a = acc.agents.get(agentId);
  if (!a) return;
  if (a.wrapStartedAt !== null) {
    // Wrap-up is agent time, dated by its start and the period in force then.
    const start = a.wrapStartedAt;
    const fig = figuresAt(acc, intervalStart(start), periodAt(acc.config.calendar, start));
    addDuration(entry(fig.wrapUp, a.lastLabel ?? 'unknown', newDuration), at - start);
    a.wrapStartedAt = null;
  }
  a.status = status;
  a.since = at;
}

/** Applies one engine event to the indicators (in place); returns the accumulator. */
export function applyIndicatorEvent(acc: Indicators, e: Event): Indicators {
  acc.lastAt = e.at;
  switch (e.type) {
    case 'CallArrived':
      arrived(acc, e);
      break;
    case 'OutboundCallPlaced': {
      // Outbound: dated by the dialling, in the period in force then; its talk time under "outbound".
      const period = periodAt(acc.config.calendar, e.at);
      const fig = figuresAt(acc, intervalStart(e.at), period);
      fig.outbound.set(e.purpose, (fig.outbound.get(e.purpose) ?? 0) + 1);
      acc.calls.set(e.callId, {
        inbound: false,
        arrivedAt: e.at,
        period,
        fig,
        dims: [],
        answered: false,
        n1: null,
        n1Measured: false,
        keptBy: null,
        qualification: null,
        reorientedTo: null,
        roleMs: new Map(),
        pending: null,
      });
      if (!e.parentCallId) setStatus(acc, e.agentId, 'on-call', e.at);
      break;
    }
    case 'CallQueued':
      queued(acc, e);
      break;
    case 'CallOffered':
      setStatus(acc, e.agentId, 'offered', e.at);
      break;
    case 'CallConnected':
      connected(acc, e);
      break;
    case 'CallQualified': {
      const t = acc.calls.get(e.callId);
      if (t) t.qualification = e.qualification;
      if (e.qualification === 'P0') acc.p0.add(e.callId);
      else acc.p0.delete(e.callId);
      break;
    }
    case 'CallKept': {
      const t = acc.calls.get(e.callId);
      if (!t?.inbound || t.keptBy !== null) break;
      t.keptBy = e.agentId;
      // Kept calls are reported apart so they do not distort the N1 orientation mean.
      const d = entry(t.fig.keptAtN1, t.qualification ?? 'none', newDuration);
      addDuration(d, t.n1 ? e.at - t.n1.at : 0);
      break;
    }
    case 'CallTransferred':
      transferred(acc, e);
      break;
    case 'AgentLeftCall':
      leftCall(acc, e);
      break;
    case 'CallEnded':
      ended(acc, e);
      break;
    case 'FallbackCallCounted':
      fallbackCounted(acc, e);
      break;
    case 'FallbackCallAbandoned':
    case 'MissedCallAbandoned':
      fallbackAbandoned(acc, e);
      break;
    case 'AgentLoggedIn':
    case 'AgentBecameAvailable':
      setStatus(acc, e.agentId, 'available', e.at);
      break;
    case 'AgentPaused':
      setStatus(acc, e.agentId, 'paused', e.at);
      break;
    case 'AgentLoggedOut':
      setStatus(acc, e.agentId, 'logged-out', e.at);
      break;
    case 'AgentWrapUpStarted': {
      setStatus(acc, e.agentId, 'wrap-up', e.at);
      const a = acc.agents.get(e.agentId);
      if (a) a.wrapStartedAt = e.at;
      break;
    }
    case 'ConfigReplaced':
      useConfig(acc, e.config, e.at);
      break;
    default:
      // Other events (offers failing, tiers, alarms, mode, period, lines…) change no indicator.
      break;
  }
  return acc;
}
