// What the API and the live feeds show of a site's read model, as zod schemas (for validation and
// the OpenAPI document) beside the functions that build them. The supervision views leave out the
// caller's name and number: a wallboard is seen by the whole room; the agent on the call and the
// call detail route show them.
import { z } from 'zod';
import type { State } from '../core/state.js';
import type { Agent, Alarm, Call, CallbackTask } from '../core/model.js';
import { AGENT_STATUSES, QUALIFICATIONS, ROLES, STAGES } from '../core/model.js';
import { LISTEN_MODES } from '../core/listen-in.js';
import { showsListenInToAgent } from '../core/listen-config.js';
import { consultationOf } from '../core/consultation.js';

export const skillSchema = z.strictObject({
  queue: z.string().min(1).max(100),
  preference: z.number().int().min(1).max(9),
});

export const agentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  status: z.enum(AGENT_STATUSES),
  since: z.number().describe('epoch ms of the last status change'),
  pauseReason: z.string().nullable(),
  callId: z.string().nullable(),
  wrapUntil: z.number().nullable(),
  skills: z.array(skillSchema),
  autoAnswer: z.boolean(),
});
export type AgentView = z.infer<typeof agentViewSchema>;

export function agentView(state: State, a: Agent): AgentView {
  const cfg = state.idx.agentConfigs.get(a.id);
  return {
    id: a.id,
    name: cfg?.name ?? a.id,
    roles: cfg?.roles ?? [],
    status: a.status,
    since: a.since,
    pauseReason: a.pauseReason,
    callId: a.callId,
    wrapUntil: a.wrapUntil,
    skills: a.skills.map((s) => ({ queue: s.queue, preference: s.preference })),
    autoAnswer: cfg?.autoAnswer ?? false,
  };
}

const partySchema = z.object({
  agentId: z.string(),
  role: z.enum(ROLES),
  queueId: z.string(),
  since: z.number(),
  kept: z.boolean(),
});

const waitingSchema = z
  .object({
    queueId: z.string(),
    kind: z.enum(['queue', 'warm', 'conference']),
    enteredAt: z.number(),
    offeredTo: z.string().nullable(),
    overThreshold: z.boolean(),
  })
  .nullable()
  .describe('Where the call waits now (null when only connected)');

export const liveCallViewSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  line: z.string(),
  department: z.string(),
  originSite: z.string(),
  arrivedAt: z.number(),
  priority: z.number(),
  qualification: z.enum(QUALIFICATIONS).nullable(),
  firstAnsweredAt: z.number().nullable(),
  parties: z.array(partySchema),
  waiting: waitingSchema,
  lastQueueId: z.string(),
  listeners: z
    .array(
      z.object({
        supervisorId: z.string(),
        agentId: z.string(),
        mode: z.enum(LISTEN_MODES),
        since: z.number(),
      }),
    )
    .optional()
    .describe('supervisors listening in now (listen, whisper, barge); absent: none'),
});
export type LiveCallView = z.infer<typeof liveCallViewSchema>;

export const callViewSchema = liveCallViewSchema.extend({
  callerNumber: z.string().nullable(),
  callerName: z.string().nullable(),
  drm: z.object({ id: z.string(), name: z.string(), phone: z.string() }).nullable(),
  mode: z.enum(['two-level', 'one-level']),
  qualifiedBy: z
    .object({ agentId: z.string(), name: z.string(), at: z.number() })
    .nullable()
    .describe('the ARM who qualified the call, by the name of the site configuration, and when'),
  consultation: z
    .object({
      outCallId: z.string(),
      number: z.string(),
      agentId: z.string(),
      since: z.number(),
      answered: z.boolean(),
    })
    .optional()
    .describe(
      'a consultative outside transfer under way from this call (absent: none): the number, ringing or answered',
    ),
  outsideTransfer: z
    .object({ outCallId: z.string(), number: z.string(), agentId: z.string(), since: z.number() })
    .optional()
    .describe(
      'a blind outside transfer ringing from this call (absent: none): the agent leaves when the number answers',
    ),
});
export type CallView = z.infer<typeof callViewSchema>;

export function liveCallView(c: Call): LiveCallView {
  const p = c.pending;
  return {
    id: c.id,
    direction: c.direction,
    line: c.line,
    department: c.department,
    originSite: c.originSite,
    arrivedAt: c.arrivedAt,
    priority: c.priority,
    qualification: c.qualification,
    firstAnsweredAt: c.firstAnsweredAt,
    parties: c.parties.map((x) => ({ ...x })),
    waiting: p
      ? {
          queueId: p.queueId,
          kind: p.kind,
          enteredAt: p.enteredAt,
          offeredTo: p.offer?.agentId ?? null,
          overThreshold: p.overThreshold,
        }
      : null,
    lastQueueId: c.lastQueueId,
    ...(c.listeners?.length ? { listeners: c.listeners.map((l) => ({ ...l })) } : {}),
  };
}

/**
 * `state` gives the qualifying ARM's name (its id without it). The view agents get: who listens in
 * only where the site's policy tells agents (src/core/listen-config.ts), never without `state`.
 */
export function callView(c: Call, state?: Pick<State, 'idx' | 'data'>): CallView {
  const q = c.qualifiedBy;
  const { listeners, ...live } = liveCallView(c);
  return {
    ...live,
    ...(listeners && state && showsListenInToAgent(state.data.config) ? { listeners } : {}),
    callerNumber: c.callerNumber,
    callerName: c.callerName,
    drm: c.drm ? { ...c.drm } : null,
    mode: c.mode,
    qualifiedBy: q
      ? { agentId: q.agentId, name: state?.idx.agentConfigs.get(q.agentId)?.name ?? q.agentId, at: q.at }
      : null,
    ...consultationView(c, state),
    ...outsideTransferView(c, state),
  };
}

/** A blind outside transfer still ringing (its agent still on the call), for the panel's card. */
function outsideTransferView(c: Call, state?: Pick<State, 'data'>): Pick<CallView, 'outsideTransfer'> {
  for (const id of c.dialOuts ?? []) {
    const out = state?.data.calls[id];
    const agentId = out?.handOverFrom;
    if (!out || agentId === undefined || !c.parties.some((p) => p.agentId === agentId)) continue;
    return {
      outsideTransfer: { outCallId: out.id, number: out.callerNumber ?? '', agentId, since: out.arrivedAt },
    };
  }
  return {};
}

/** The consultation running from a call (src/core/consultation.ts), for the panel's keys. */
function consultationView(c: Call, state?: Pick<State, 'data'>): Pick<CallView, 'consultation'> {
  const out = state ? consultationOf(state, c) : undefined;
  if (!out) return {};
  return {
    consultation: {
      outCallId: out.id,
      number: out.callerNumber ?? '',
      agentId: out.consultFrom!,
      since: out.arrivedAt,
      answered: out.consultAnsweredAt !== undefined,
    },
  };
}

export const queueViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  stage: z.enum(STAGES),
  branch: z.string(),
  thresholdSeconds: z.number(),
  waiting: z.number().int().describe('calls waiting, not being offered'),
  offered: z.number().int().describe('calls ringing an agent'),
  oldestWaitingSince: z.number().nullable().describe('epoch ms the longest-waiting call entered the queue'),
  agentsLoggedIn: z.number().int(),
  agentsAvailable: z.number().int(),
});
export type QueueView = z.infer<typeof queueViewSchema>;

/** Every queue of the site, in configuration order; one pass over the live calls. */
export function queueViews(state: State): QueueView[] {
  const offered = new Map<string, number>();
  const oldest = new Map<string, number>();
  for (const c of Object.values(state.data.calls)) {
    const p = c.pending;
    if (!p) continue;
    if (p.offer) offered.set(p.queueId, (offered.get(p.queueId) ?? 0) + 1);
    oldest.set(p.queueId, Math.min(oldest.get(p.queueId) ?? Infinity, p.enteredAt));
  }
  return state.data.config.queues.map((q) => {
    let loggedIn = 0;
    let available = 0;
    for (const s of state.idx.servers.get(q.id) ?? []) {
      const st = state.data.agents[s.agentId]?.status;
      if (st && st !== 'logged-out') loggedIn++;
      if (st === 'available') available++;
    }
    return {
      id: q.id,
      name: q.name ?? q.id,
      stage: q.stage,
      branch: q.branch,
      thresholdSeconds: q.thresholdSeconds,
      waiting: state.idx.waiting.get(q.id)?.length ?? 0,
      offered: offered.get(q.id) ?? 0,
      oldestWaitingSince: oldest.get(q.id) ?? null,
      agentsLoggedIn: loggedIn,
      agentsAvailable: available,
    };
  });
}

export const alarmViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  raisedAt: z.number(),
  message: z.string(),
  acknowledgedBy: z.string().nullable().describe('user name of the supervisor who acknowledged it'),
  acknowledgedByName: z
    .string()
    .nullable()
    .describe('their name, as the consoles show it (the user name when none was recorded)'),
  acknowledgedAt: z.number().nullable(),
});
export type AlarmView = z.infer<typeof alarmViewSchema>;

export const alarmView = (a: Alarm): AlarmView => ({
  id: a.id,
  kind: a.kind,
  raisedAt: a.raisedAt,
  message: a.message,
  acknowledgedBy: a.acknowledged?.by ?? null,
  acknowledgedByName: a.acknowledged ? (a.acknowledged.byName ?? a.acknowledged.by) : null,
  acknowledgedAt: a.acknowledged?.at ?? null,
});

export const callbackViewSchema = z.object({
  id: z.string(),
  callId: z.string(),
  queueId: z.string(),
  createdAt: z.number(),
  callerNumber: z.string().nullable(),
  name: z.string(),
  department: z.string(),
  claimedBy: z.string().nullable(),
});

export const callbackView = (t: CallbackTask) => ({ ...t });

const rollingQsSchema = z.object({
  last15min: z.number().nullable(),
  lastHour: z.number().nullable(),
  today: z.number().nullable(),
});

export const qs30Schema = rollingQsSchema.extend({
  byQueue: z
    .record(z.string(), rollingQsSchema)
    .optional()
    .describe("each queue's answers within its own threshold (30 s unless set), same windows"),
});

export const agentStatsSchema = z.object({
  date: z.string().describe('local day (site time zone), YYYY-MM-DD'),
  answered: z.number().int().describe('calls connected to the agent today'),
  talkSeconds: z.number(),
  meanTalkSeconds: z.number().nullable(),
  qualified: z.number().int(),
  transferred: z.number().int(),
});
export type AgentStats = z.infer<typeof agentStatsSchema>;

export const eventSummarySchema = z.object({ type: z.string(), at: z.number() });
