// Call detail records (CDR): one record per call for the supervisors' export, folded from the
// engine's events like the indicators (same events, same rules: first answer, 30 s, 5 s), pure and
// deterministic. No personal data is ever kept: the caller's number and name, the DRM's name and
// phone and the numbers dialled out are read past, never stored (the DRM id is not personal data).
import { localTimeLabel, periodAt, type Period } from '../calendar.js';
import type { SiteConfig } from '../config.js';
import type { CallEnded, Event } from '../events.js';
import type { CallOutcome, Mode, OutboundPurpose, Qualification } from '../model.js';
import { QS_THRESHOLD_MS, SHORT_ABANDON_MS } from './rules.js';

/** One call, as exported. Times are ISO 8601 local times of the site's zone, with their offset. */
export type CdrRecord = {
  callId: string;
  direction: 'inbound' | 'outbound';
  /** Outbound only: callback, click-to-dial, external transfer or conference. */
  outboundPurpose: OutboundPurpose | null;
  /** Outbound only: the call it was placed from, or the call whose callback task it serves. */
  parentCallId: string | null;
  /** Inbound only: the line the call came in on (as telephony named it). */
  line: string | null;
  department: string;
  /** Inbound only: the SAS the call comes from (this site's id unless received from a partner). */
  originSite: string | null;
  /** Arrival at the platform (inbound) or dialling (outbound). */
  arrivedAt: string;
  /** SAS or PDSA hours at arrival (inbound: as the engine labelled it; outbound: at dialling). */
  period: Period;
  /** Operating mode at arrival; outbound: the mode last announced by the engine, if any. */
  mode: Mode | null;
  firstAnsweredAt: string | null;
  waitBeforeFirstAnswerSeconds: number | null;
  answeredWithin30s: boolean;
  abandoned: boolean;
  abandonedInQueue: string | null;
  abandonWaitSeconds: number | null;
  shortAbandon: boolean;
  n1AgentId: string | null;
  n1AnsweredAt: string | null;
  qualification: Qualification | 'none';
  qualifiedAt: string | null;
  drmId: string | null;
  kept: boolean;
  queuePath: string;
  n2AgentIds: string[];
  reorientations: number;
  doctorConferenced: boolean;
  disposition: string | null;
  callbackOffered: boolean;
  callbackAccepted: boolean;
  redirectedTo: string | null;
  outcome: CallOutcome | null;
  endedAt: string | null;
  endedBy: CallEnded['by'] | null;
  talkSeconds: number;
  agentsSpoken: number;
  inProgress: boolean;
};

/** What the book remembers of a call until it ends: numbers and ids only, never personal data. */
type Draft = {
  callId: string;
  direction: 'inbound' | 'outbound';
  purpose: OutboundPurpose | null;
  parentCallId: string | null;
  line: string | null;
  department: string;
  originSite: string | null;
  arrivedAt: number;
  period: Period;
  mode: Mode | null;
  firstAnswer: { at: number; waitedMs: number } | null;
  n1: { agentId: string; at: number } | null;
  qualification: Qualification | null;
  qualifiedAt: number | null;
  drmId: string | null;
  kept: boolean;
  path: string;
  n2Agents: string[];
  reorientations: number;
  doctorConferenced: boolean;
  callbackOffered: boolean;
  callbackAccepted: boolean;
  redirectedTo: string | null;
  /** Every agent bridged with the caller. */
  agents: Set<string>;
  /** Agents on the call now, since when (their talk is not yet reported). */
  onCall: Map<string, number>;
  talkMs: number;
};

export type CdrBook = {
  config: SiteConfig;
  /** Calls in progress, in order of arrival. */
  open: Map<string, Draft>;
  /** Records of the ended calls, in order of ending. */
  closed: CdrRecord[];
  /** Callback task → the call it came from (to link the callback's outbound call). */
  tasks: Map<string, string>;
  mode: Mode | null;
  lastAt: number | null;
};

export function createCdrBook(config: SiteConfig): CdrBook {
  return { config, open: new Map(), closed: [], tasks: new Map(), mode: null, lastAt: null };
}

function draft(
  book: CdrBook,
  fields: Pick<
    Draft,
    | 'callId'
    | 'direction'
    | 'purpose'
    | 'parentCallId'
    | 'line'
    | 'department'
    | 'originSite'
    | 'arrivedAt'
    | 'period'
    | 'mode'
  >,
): Draft {
  const d: Draft = {
    ...fields,
    firstAnswer: null,
    n1: null,
    qualification: null,
    qualifiedAt: null,
    drmId: null,
    kept: false,
    path: '',
    n2Agents: [],
    reorientations: 0,
    doctorConferenced: false,
    callbackOffered: false,
    callbackAccepted: false,
    redirectedTo: null,
    agents: new Set(),
    onCall: new Map(),
    talkMs: 0,
  };
  book.open.set(d.callId, d);
  return d;
}

const seconds = (ms: number) => ms / 1000;

function render(book: CdrBook, d: Draft, end: CallEnded | null): CdrRecord {
  const zone = book.config.calendar.timeZone;
  const time = (at: number | null) => (at === null ? null : localTimeLabel(zone, at));
  let talkMs = d.talkMs;
  // A call in progress: the agents still on it have talked until the last event read.
  if (!end && book.lastAt !== null) for (const since of d.onCall.values()) talkMs += book.lastAt - since;
  const abandoned = end?.outcome === 'abandoned';
  const inbound = d.direction === 'inbound';
  return {
    callId: d.callId,
    direction: d.direction,
    outboundPurpose: d.purpose,
    parentCallId: d.parentCallId,
    line: d.line,
    department: d.department,
    originSite: d.originSite,
    arrivedAt: localTimeLabel(zone, d.arrivedAt),
    period: d.period,
    mode: d.mode,
    firstAnsweredAt: time(d.firstAnswer?.at ?? null),
    waitBeforeFirstAnswerSeconds: d.firstAnswer ? seconds(d.firstAnswer.waitedMs) : null,
    answeredWithin30s: inbound && d.firstAnswer !== null && d.firstAnswer.waitedMs < QS_THRESHOLD_MS,
    abandoned,
    abandonedInQueue: abandoned ? end.last.queueId : null,
    abandonWaitSeconds: abandoned && end.waitedMs !== null ? seconds(end.waitedMs) : null,
    // As the indicators: before any answer, strictly under 5 s since arrival.
    shortAbandon: abandoned && !end.answered && end.sinceArrivalMs < SHORT_ABANDON_MS,
    n1AgentId: d.n1?.agentId ?? null,
    n1AnsweredAt: time(d.n1?.at ?? null),
    qualification: d.qualification ?? 'none',
    qualifiedAt: time(d.qualifiedAt),
    drmId: d.drmId,
    kept: d.kept,
    queuePath: d.path,
    n2AgentIds: [...d.n2Agents],
    reorientations: d.reorientations,
    doctorConferenced: d.doctorConferenced,
    disposition: end?.disposition ?? null,
    callbackOffered: d.callbackOffered,
    callbackAccepted: d.callbackAccepted,
    redirectedTo: d.redirectedTo,
    outcome: end?.outcome ?? null,
    endedAt: time(end?.at ?? null),
    endedBy: end?.by ?? null,
    talkSeconds: seconds(talkMs),
    agentsSpoken: d.agents.size,
    inProgress: end === null,
  };
}

/** Applies one engine event to the book (in place); returns the book. Events of unknown calls are ignored. */
export function applyCdrEvent(book: CdrBook, e: Event): CdrBook {
  book.lastAt = e.at;
  switch (e.type) {
    case 'CallArrived':
      draft(book, {
        callId: e.callId,
        direction: 'inbound',
        purpose: null,
        parentCallId: null,
        line: e.line,
        department: e.department,
        originSite: e.originSite,
        arrivedAt: e.at,
        period: e.period,
        mode: e.mode,
      });
      return book;
    case 'OutboundCallPlaced': {
      // e.number is the callee's phone: personal data, not kept.
      const d = draft(book, {
        callId: e.callId,
        direction: 'outbound',
        purpose: e.purpose,
        parentCallId: e.parentCallId ?? (e.taskId !== null ? (book.tasks.get(e.taskId) ?? null) : null),
        line: null,
        department: e.department,
        originSite: null,
        arrivedAt: e.at,
        period: periodAt(book.config.calendar, e.at),
        mode: book.mode,
      });
      // Without a parent call the dialling agent is on the call from the dialling on.
      if (e.parentCallId === null) {
        d.agents.add(e.agentId);
        d.onCall.set(e.agentId, e.at);
      }
      return book;
    }
    case 'ModeChanged':
      book.mode = e.mode;
      return book;
    case 'ConfigReplaced':
      book.config = e.config;
      return book;
    case 'CallbackTaskCreated':
      // e.callerNumber and e.name are personal data: only the link task → call is kept.
      book.tasks.set(e.taskId, e.callId);
      break;
    case 'CallbackTaskCompleted':
      book.tasks.delete(e.taskId);
      return book;
    default:
      break;
  }
  if (!('callId' in e) || e.callId === null) return book;
  const d = book.open.get(e.callId);
  if (!d) return book;
  switch (e.type) {
    case 'CallQueued':
      d.path += d.path === '' ? e.queueId : `${e.kind === 'conference' ? '+' : '>'}${e.queueId}`;
      break;
    case 'CallConnected':
      d.agents.add(e.agentId);
      d.onCall.set(e.agentId, e.at);
      if (e.kind === 'conference') d.doctorConferenced = true;
      if (e.stage === 'n1') d.n1 ??= { agentId: e.agentId, at: e.at };
      else d.n2Agents.push(e.agentId);
      // Annex 3: the first answer by any SAS agent, waited since arrival; outbound calls never.
      if (e.firstAnswer && d.direction === 'inbound' && d.firstAnswer === null)
        d.firstAnswer = { at: e.at, waitedMs: e.sinceArrivalMs };
      break;
    case 'CallQualified':
      // e.name and e.phone (the DRM's caller) are personal data: never read into the book.
      d.qualification = e.qualification;
      d.qualifiedAt = e.at;
      d.drmId = e.drmId;
      break;
    case 'CallKept':
      d.kept = true;
      break;
    case 'CallTransferred':
      if (e.reorientation !== null) d.reorientations++;
      break;
    case 'AgentLeftCall':
      d.onCall.delete(e.agentId);
      d.talkMs += e.talkMs;
      break;
    case 'CallbackOffered':
      d.callbackOffered = true;
      break;
    case 'CallbackTaskCreated':
      d.callbackAccepted = true;
      break;
    case 'CallRedirected':
      d.redirectedTo = e.partnerId;
      break;
    case 'CallEnded':
      if (e.qualification !== null) d.qualification = e.qualification;
      book.open.delete(d.callId);
      book.closed.push(render(book, d, e));
      break;
    default:
      break;
  }
  return book;
}

/** Records of the ended calls, in order of ending. */
export function closedRecords(book: CdrBook): readonly CdrRecord[] {
  return book.closed;
}

/** Ended calls (in order of ending), then calls in progress (in order of arrival, `inProgress`). */
export function allRecords(book: CdrBook): CdrRecord[] {
  return [...book.closed, ...[...book.open.values()].map((d) => render(book, d, null))];
}

/** The records whose arrival (epoch ms) falls in [from, to). */
export function recordsArrivedIn(records: readonly CdrRecord[], from: number, to: number): CdrRecord[] {
  return records.filter((r) => {
    const at = Date.parse(r.arrivedAt);
    return at >= from && at < to;
  });
}
