// The words of the domain as types: roles, stages, branches, qualifications, and the live state
// of calls, agents and callback tasks that the engine keeps for one site.
import type { Period } from './calendar.js';
import type { Listener } from './listen-in.js';

/** arm = assistant de régulation médicale; osnp = opérateur de soins non programmés;
 *  mrg = médecin régulateur généraliste; mru = médecin régulateur urgentiste. */
export const ROLES = ['arm', 'osnp', 'mrg', 'mru', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

/** n1 = front office; n2 = back office; regulation = the doctor; booking = OSNP at "N4". */
export const STAGES = ['n1', 'n2', 'regulation', 'booking'] as const;
export type Stage = (typeof STAGES)[number];

/** amu = aide médicale urgente (SAMU); mg = médecine générale; others are specialised branches. */
export type Branch = string;

/** P0 urgence vitale, P1 AMU, P2 MG, DR dossier de régulation (no medical regulation). */
export const QUALIFICATIONS = ['P0', 'P1', 'P2', 'DR'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];

export const MODES = ['two-level', 'one-level'] as const;
export type Mode = (typeof MODES)[number];

export const OUTBOUND_PURPOSES = [
  'callback',
  'click-to-dial',
  'external-transfer',
  'external-conference',
] as const;
export type OutboundPurpose = (typeof OUTBOUND_PURPOSES)[number];

export const CALL_OUTCOMES = ['completed', 'dr', 'no-file', 'abandoned', 'callback', 'redirected'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export type TransferMode = 'blind' | 'warm';
/** queue = plain wait; warm = the previous agent stays until the next answers; conference = a
 *  doctor is brought into a call the agent keeps. */
export type PendingKind = 'queue' | 'warm' | 'conference';

export type Skill = { queue: string; preference: number };

/** One agent connected to the caller, and the step (queue) it serves the call for. */
export type Party = { agentId: string; role: Role; queueId: string; since: number; kept: boolean };

export type Offer = { agentId: string; at: number; until: number | null };

/** The call's place in a queue, with the deadlines that may still fire for it. */
export type Pending = {
  queueId: string;
  kind: PendingKind;
  enteredAt: number;
  seq: number;
  tier: number;
  offer: Offer | null;
  overThreshold: boolean;
  callbackOffered: boolean;
  nextTierAt: number | null;
  alarmAt: number | null;
  partnerAt: number | null;
  callbackAt: number | null;
};

export type Call = {
  id: string;
  direction: 'inbound' | 'outbound';
  purpose: OutboundPurpose | null;
  line: string;
  department: string;
  originSite: string;
  callerNumber: string | null;
  callerName: string | null;
  arrivedAt: number;
  mode: Mode;
  period: Period;
  priority: number;
  qualification: Qualification | null;
  /** Sent from MG to AMU (the patient worsened): waits as a P1 from then on (urgency.ts). */
  reorientedToAmu?: boolean;
  drm: { id: string; name: string; phone: string } | null;
  /** Who qualified the call and when (absent: not qualified, or a state from before this field). */
  qualifiedBy?: { agentId: string; at: number };
  firstAnsweredAt: number | null;
  parties: Party[];
  pending: Pending | null;
  /** The last queue the call was served in or waited in (for transfer rules and end reports). */
  lastQueueId: string;
  /** Outbound calls placed from this one (external transfer or conference), still live: they end with it. */
  dialOuts?: string[];
  /** For such an outbound call: the call it was placed from. */
  parentCallId?: string;
  /** For an outside transfer (rules/outside-calls.ts): the agent who leaves the parent call once it answers. */
  handOverFrom?: string;
  /** For a consultative outside transfer's outbound call (../consultation.ts): the consulting agent. */
  consultFrom?: string;
  /** When that number answered (absent: still ringing); completing needs it. */
  consultAnsweredAt?: number;
  /** Partner SASs that refused this caller (rules/redirect-failed.ts): never sent to them again. */
  refusedBy?: string[];
  /** Supervisors listening in now (listen, whisper, barge: ./listen-in.ts); absent: none. */
  listeners?: Listener[];
};

export const AGENT_STATUSES = ['logged-out', 'available', 'offered', 'on-call', 'wrap-up', 'paused'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export type Agent = {
  id: string;
  status: AgentStatus;
  since: number;
  pauseReason: string | null;
  callId: string | null;
  wrapUntil: number | null;
  skills: Skill[];
};

export type CallbackTask = {
  id: string;
  callId: string;
  queueId: string;
  createdAt: number;
  callerNumber: string | null;
  name: string;
  department: string;
  claimedBy: string | null;
};

export type LineSwitch = {
  partnerId: string;
  share: number;
  from: number;
  until: number | null;
  credit: number;
};

export type Alarm = {
  id: string;
  kind: AlarmKind;
  raisedAt: number;
  message: string;
  /** Who acknowledged it and when (absent: not yet). */
  acknowledged?: { by: string; at: number; byName?: string };
};

export const ALARM_KINDS = ['queue-wait', 'p0-in-progress', 'queue-unstaffed', 'presence'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];
