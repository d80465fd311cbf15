// Events: the facts the engine records, in the past tense. They are the only way state changes
// (see evolve.ts) and carry every timestamp and label the indicators need.
import type { Period } from './calendar.js';
import type { SiteConfig } from './config.js';
import type {
  AlarmKind,
  CallOutcome,
  Mode,
  OutboundPurpose,
  PendingKind,
  Qualification,
  Role,
  Skill,
  Stage,
  TransferMode,
} from './model.js';
import type { ListenEnded, ListenStarted } from './listen-in.js';

export type { ListenEnded, ListenStarted } from './listen-in.js';
import type {
  ConsultationAnswered,
  ConsultationCompleted,
  ConsultationEnded,
  ConsultationKept,
} from './consultation.js';
export type {
  ConsultationAnswered,
  ConsultationCompleted,
  ConsultationEnded,
  ConsultationKept,
} from './consultation.js';

/** Where a call stands in the site's organisation when something happens to it. */
export type StepLabel = { queueId: string; stage: Stage; branch: string };

export type CallArrived = {
  type: 'CallArrived';
  at: number;
  callId: string;
  line: string;
  department: string;
  originSite: string;
  callerNumber: string | null;
  callerName: string | null;
  mode: Mode;
  period: Period;
  priority: number;
  /** A caller a partner SAS did not take, back under a new id (rules/redirect-failed.ts). */
  returnedFrom?: { partnerId: string; callId: string };
};

/** `leg-lost`: the call returns to the queue of its step because its agent's leg dropped. */
export type QueueReason =
  'arrival' | 'transfer' | 'reorientation' | 'conference' | 'unstaffed' | 'fallback' | 'leg-lost';

export type CallQueued = StepLabel & {
  type: 'CallQueued';
  at: number;
  callId: string;
  kind: PendingKind;
  reason: QueueReason;
  priority: number;
};

export type CallOffered = {
  type: 'CallOffered';
  at: number;
  callId: string;
  agentId: string;
  queueId: string;
  autoAnswer: boolean;
  ringUntil: number | null;
};

export type OfferFailure =
  'no-answer' | 'busy' | 'unreachable' | 'rejected' | 'agent-paused' | 'agent-logged-out' | 'call-ended';

export type CallOfferFailed = {
  type: 'CallOfferFailed';
  at: number;
  callId: string;
  agentId: string;
  queueId: string;
  reason: OfferFailure;
};

export type CallConnected = StepLabel & {
  type: 'CallConnected';
  at: number;
  callId: string;
  agentId: string;
  role: Role;
  kind: PendingKind;
  /** Wait in this queue, from entry into it. */
  waitedMs: number;
  /** Wait from the call's arrival at the platform. */
  sinceArrivalMs: number;
  /** The first answer of this call by any SAS agent (what "appels décrochés" counts). */
  firstAnswer: boolean;
};

export type CallTierReached = {
  type: 'CallTierReached';
  at: number;
  callId: string;
  queueId: string;
  tier: number;
};

/** The call has waited longer than its queue's alarm threshold. */
export type CallThresholdPassed = {
  type: 'CallThresholdPassed';
  at: number;
  callId: string;
  queueId: string;
};

export type CallQualified = {
  type: 'CallQualified';
  at: number;
  callId: string;
  agentId: string;
  qualification: Qualification;
  drmId: string;
  name: string;
  phone: string;
  /** The step the qualifying ARM serves the call in (N1, or N2 for a call that entered there). */
  stage: Stage;
  /** Where the qualification was written; absent: the agent's panel. */
  source?: FileSource;
};

/** Who wrote to a call's file: the agent's panel or the regulation software (LRM). */
export type FileSource = 'panel' | 'lrm';

/** The call is linked to a file (DRM) of the regulation software; the last valid link wins. */
export type FileLinked = {
  type: 'FileLinked';
  at: number;
  callId: string;
  fileId: string;
  previousFileId: string | null;
  source: FileSource;
  agentId: string | null;
};

/** P0, or any call in one-level mode: the N1 ARM keeps the call and serves it as the AMU ARM. */
export type CallKept = { type: 'CallKept'; at: number; callId: string; agentId: string; asQueueId: string };

export type CallTransferred = {
  type: 'CallTransferred';
  at: number;
  callId: string;
  agentId: string;
  fromQueueId: string;
  toQueueId: string;
  mode: TransferMode;
  reorientation: 'mg-to-amu' | 'amu-to-mg' | null;
};

export type AgentLeftCall = StepLabel & {
  type: 'AgentLeftCall';
  at: number;
  callId: string;
  agentId: string;
  role: Role;
  talkMs: number;
  /** `leg-lost`: the agent's phone dropped (never the end of the call). */
  reason: 'transfer' | 'hangup' | 'warm-complete' | 'caller-hangup' | 'leg-lost';
};

export type CallEnded = {
  type: 'CallEnded';
  at: number;
  callId: string;
  by: 'caller' | 'agent' | 'system';
  outcome: CallOutcome;
  qualification: Qualification | null;
  disposition: string | null;
  agentId: string | null;
  /** The queue step the call was in when it ended (for an abandon: where the caller gave up). */
  last: StepLabel;
  /** For an abandon: the wait in that queue and since arrival. */
  waitedMs: number | null;
  sinceArrivalMs: number;
  answered: boolean;
};

/**
 * A call the dialplan fallback's group answered while the ACD was away, counted when the ACD
 * learnt of it (`at`): an arrival (`arrivedAt`, period at arrival) answered at `answeredAt`.
 */
export type FallbackCallCounted = {
  type: 'FallbackCallCounted';
  at: number;
  callId: string;
  line: string;
  department: string;
  originSite: string;
  mode: Mode;
  period: Period;
  arrivedAt: number;
  answeredAt: number;
  sinceArrivalMs: number;
  /** The endpoint that answered (e.g. arm-1), when the PBX said. */
  phone: string | null;
};

/** A caller who hung up in the dialplan's wait or fallback before any answer (rules/fallback.ts). */
export type FallbackCallAbandoned = {
  type: 'FallbackCallAbandoned';
  at: number;
  callId: string;
  line: string;
  department: string;
  originSite: string;
  mode: Mode;
  period: Period;
  arrivedAt: number;
  abandonedAt: number;
  sinceArrivalMs: number;
};

/**
 * A caller who arrived and hung up while only a link no longer leading heard them (its lease
 * lapsed, another process took the lead): an arrival and an abandon of the ACD, never distributed,
 * dated by the PBX (rules/fallback.ts recordMissedAbandon).
 */
export type MissedCallAbandoned = Omit<FallbackCallAbandoned, 'type'> & { type: 'MissedCallAbandoned' };

export type CallRedirected = {
  type: 'CallRedirected';
  at: number;
  callId: string;
  partnerId: string;
  reason: 'line-switched' | 'overflow-wait' | 'overflow-length' | 'unstaffed' | 'supervisor';
  queueId: string | null;
};

/** An outbound call (callback, click-to-dial, external transfer/conference): never an answered call. */
export type OutboundCallPlaced = StepLabel & {
  type: 'OutboundCallPlaced';
  at: number;
  callId: string;
  agentId: string;
  role: Role;
  number: string;
  purpose: OutboundPurpose;
  parentCallId: string | null;
  taskId: string | null;
  department: string;
  /** An outside transfer: the agent leaves the parent call once the number answers (absent: stays). */
  handOver?: true;
  /** A consultative outside transfer (../consultation.ts): the agent talks to the number first. */
  consult?: true;
};

/**
 * The agent took back its blind outside transfer before the number answered (`callId` the caller's
 * call, `outCallId` the number's): the outbound call's own CallEnded (by agent) follows.
 */
export type OutsideTransferCancelled = {
  type: 'OutsideTransferCancelled';
  at: number;
  callId: string;
  outCallId: string;
  agentId: string;
};

export type CallbackOffered = { type: 'CallbackOffered'; at: number; callId: string; queueId: string };

export type CallbackTaskCreated = {
  type: 'CallbackTaskCreated';
  at: number;
  taskId: string;
  callId: string;
  queueId: string;
  callerNumber: string | null;
  name: string;
  department: string;
};
export type CallbackTaskClaimed = {
  type: 'CallbackTaskClaimed';
  at: number;
  taskId: string;
  agentId: string;
};
export type CallbackTaskCompleted = {
  type: 'CallbackTaskCompleted';
  at: number;
  taskId: string;
  agentId: string;
  outcome: string;
};

export type AgentLoggedIn = { type: 'AgentLoggedIn'; at: number; agentId: string };
export type AgentLoggedOut = {
  type: 'AgentLoggedOut';
  at: number;
  agentId: string;
  by: 'agent' | 'supervisor';
};
export type AgentBecameAvailable = { type: 'AgentBecameAvailable'; at: number; agentId: string };
export type AgentPaused = { type: 'AgentPaused'; at: number; agentId: string; reason: string };
export type AgentWrapUpStarted = { type: 'AgentWrapUpStarted'; at: number; agentId: string; until: number };
export type AgentSkillsChanged = { type: 'AgentSkillsChanged'; at: number; agentId: string; skills: Skill[] };

export type ModeChanged = { type: 'ModeChanged'; at: number; mode: Mode; source: 'schedule' | 'override' };
export type ModeOverrideSet = {
  type: 'ModeOverrideSet';
  at: number;
  mode: Mode | null;
  until: number | null;
};
export type PeriodChanged = { type: 'PeriodChanged'; at: number; period: Period; nextCheckAt: number };
export type LineSwitched = {
  type: 'LineSwitched';
  at: number;
  line: string;
  partnerId: string;
  share: number;
  from: number;
  until: number | null;
};
export type LineRestored = { type: 'LineRestored'; at: number; line: string };

export type AlarmRaised = {
  type: 'AlarmRaised';
  at: number;
  alarmId: string;
  kind: AlarmKind;
  message: string;
  queueId: string | null;
  callId: string | null;
};
export type AlarmCleared = { type: 'AlarmCleared'; at: number; alarmId: string };
export type AlarmAcknowledged = {
  type: 'AlarmAcknowledged';
  at: number;
  alarmId: string;
  by: string;
  /** The person's name as the consoles show it (absent in logs written before it existed). */
  byName?: string;
};

export type ConfigReplaced = { type: 'ConfigReplaced'; at: number; config: SiteConfig };

export type Event =
  | CallArrived
  | CallQueued
  | CallOffered
  | CallOfferFailed
  | CallConnected
  | CallTierReached
  | CallThresholdPassed
  | CallQualified
  | FileLinked
  | CallKept
  | CallTransferred
  | AgentLeftCall
  | CallEnded
  | CallRedirected
  | FallbackCallCounted
  | FallbackCallAbandoned
  | MissedCallAbandoned
  | OutboundCallPlaced
  | OutsideTransferCancelled
  | CallbackOffered
  | CallbackTaskCreated
  | CallbackTaskClaimed
  | CallbackTaskCompleted
  | AgentLoggedIn
  | AgentLoggedOut
  | AgentBecameAvailable
  | AgentPaused
  | AgentWrapUpStarted
  | AgentSkillsChanged
  | ModeChanged
  | ModeOverrideSet
  | PeriodChanged
  | LineSwitched
  | LineRestored
  | AlarmRaised
  | AlarmCleared
  | AlarmAcknowledged
  | ConfigReplaced
  | ListenStarted
  | ListenEnded
  | ConsultationAnswered
  | ConsultationCompleted
  | ConsultationEnded
  | ConsultationKept;

export type EventType = Event['type'];
