// Live alarms, raised and cleared as events: a queue waiting over its threshold, a P0 in progress,
// a queue nobody logged in can serve, and the minimum presence (configured rules, defaults from
// annex 1 II.b: presence.ts). Messages are in French: supervisors read them.
// The queue checks run on every call movement, so they return early and build no closures.
import { periodAt } from './calendar.js';
import type { Ctx } from './context.js';
import type { AlarmKind } from './model.js';
import { countsFor, presenceMessage, presenceRules, type PresenceRule } from './presence.js';
import type { State } from './state.js';

function raise(
  ctx: Ctx,
  alarmId: string,
  kind: AlarmKind,
  message: string,
  queueId: string | null,
  callId: string | null,
) {
  if (ctx.data.alarms[alarmId]) return;
  ctx.emit({ type: 'AlarmRaised', at: ctx.now, alarmId, kind, message, queueId, callId });
}

function clear(ctx: Ctx, alarmId: string) {
  if (ctx.data.alarms[alarmId]) ctx.emit({ type: 'AlarmCleared', at: ctx.now, alarmId });
}

/** Alarm ids per queue, built once: these checks run on every call movement. */
const queueAlarmIds = new Map<string, { wait: string; unstaffed: string }>();
function idsOf(queueId: string) {
  let ids = queueAlarmIds.get(queueId);
  if (!ids) {
    ids = { wait: 'queue-wait:' + queueId, unstaffed: 'queue-unstaffed:' + queueId };
    queueAlarmIds.set(queueId, ids);
  }
  return ids;
}

export function syncQueueWaitAlarm(ctx: Ctx, queueId: string): void {
  const on = (ctx.data.overThreshold[queueId] ?? 0) > 0;
  const alarmId = idsOf(queueId).wait;
  if (on === (ctx.data.alarms[alarmId] !== undefined)) return;
  if (!on) return clear(ctx, alarmId);
  const q = ctx.idx.queues.get(queueId)!;
  raise(
    ctx,
    alarmId,
    'queue-wait',
    `Attente > ${q.alarmAfterSeconds} s en file ${q.name ?? q.id}`,
    queueId,
    null,
  );
}

function anyLoggedIn(ctx: Ctx, queueId: string, roles: readonly string[] | null): boolean {
  const servers = ctx.idx.servers.get(queueId);
  if (!servers) return false;
  for (const s of servers) {
    if (ctx.data.agents[s.agentId]!.status === 'logged-out') continue;
    if (roles === null) return true;
    for (const r of ctx.idx.agentConfigs.get(s.agentId)!.roles) if (roles.includes(r)) return true;
  }
  return false;
}

/** Whether any logged-in agent can serve the queue, directly or through one of its overflow tiers. */
export function queueIsStaffed(ctx: Ctx, queueId: string): boolean {
  if (anyLoggedIn(ctx, queueId, null)) return true;
  const q = ctx.idx.queues.get(queueId)!;
  for (const t of q.overflow.tiers)
    for (const qid of t.addQueues) if (anyLoggedIn(ctx, qid, q.roles)) return true;
  return false;
}

export function syncUnstaffedAlarm(ctx: Ctx, queueId: string): void {
  const alarmId = idsOf(queueId).unstaffed;
  const active = ctx.data.alarms[alarmId] !== undefined;
  const waiting = (ctx.idx.waiting.get(queueId)?.length ?? 0) > 0;
  if (!waiting && !active) return;
  const on = waiting && !queueIsStaffed(ctx, queueId);
  if (on === active) return;
  if (!on) return clear(ctx, alarmId);
  const q = ctx.idx.queues.get(queueId)!;
  raise(
    ctx,
    alarmId,
    'queue-unstaffed',
    `Appels en attente sans agent connecté pour ${q.name ?? q.id}`,
    queueId,
    null,
  );
}

export function syncAllUnstaffedAlarms(ctx: Ctx): void {
  for (const qid of ctx.idx.queues.keys()) syncUnstaffedAlarm(ctx, qid);
}

function setAlarm(ctx: Ctx, on: boolean, alarmId: string, message: string): void {
  if (on) raise(ctx, alarmId, 'presence', message, null, null);
  else clear(ctx, alarmId);
}

/**
 * Agents present for each presence rule at `now` (logged in, role and skill fitting the rule),
 * and whether the rule applies then. Read by the alarms and by /metrics.
 */
export function presenceCounts(
  state: Pick<State, 'data' | 'idx'>,
  now: number,
): { rule: PresenceRule; present: number; required: boolean }[] {
  const { data, idx } = state;
  const period = periodAt(data.config.calendar, now);
  return presenceRules(data.config).map((rule) => {
    let present = 0;
    for (const a of Object.values(data.agents)) {
      if (a.status === 'logged-out') continue;
      const roles = idx.agentConfigs.get(a.id)?.roles ?? [];
      if (countsFor(rule, roles, a.skills, idx.queues)) present++;
    }
    return { rule, present, required: rule.hours === 'always' || rule.hours === period };
  });
}

/**
 * Minimum presence (src/core/presence.ts: the site's rules, defaults from annex 1 II.b); runs on
 * logins, logouts, skill moves, period changes and configuration changes only. An alarm whose
 * rule is gone is cleared.
 */
export function syncPresenceAlarms(ctx: Ctx): void {
  const ids = new Set<string>();
  for (const { rule, present, required } of presenceCounts(ctx, ctx.now)) {
    const alarmId = `presence:${rule.id}`;
    ids.add(alarmId);
    setAlarm(ctx, required && present < rule.minimum, alarmId, presenceMessage(rule));
  }
  for (const [alarmId, alarm] of Object.entries(ctx.data.alarms))
    if (alarm.kind === 'presence' && !ids.has(alarmId)) clear(ctx, alarmId);
}

export function raiseP0(ctx: Ctx, callId: string): void {
  raise(ctx, 'p0:' + callId, 'p0-in-progress', `P0 en cours (appel ${callId})`, null, callId);
}

export function clearP0(ctx: Ctx, callId: string): void {
  const alarmId = 'p0:' + callId;
  if (ctx.data.alarms[alarmId]) clear(ctx, alarmId);
}
