// Live alarms, raised and cleared as events: a queue waiting over its threshold, a P0 in progress,
// a queue nobody logged in can serve, and the minimum presence (an emergency doctor at all hours,
// a GP regulator in SAS hours, N1 staffed). Messages are in French: supervisors read them.
import type { Ctx } from './context.js';
import type { AlarmKind } from './model.js';
import { periodAt } from './calendar.js';

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

function setAlarm(
  ctx: Ctx,
  on: boolean,
  alarmId: string,
  kind: AlarmKind,
  message: string,
  queueId: string | null = null,
) {
  if (on) raise(ctx, alarmId, kind, message, queueId, null);
  else clear(ctx, alarmId);
}

export function syncQueueWaitAlarm(ctx: Ctx, queueId: string): void {
  const q = ctx.idx.queues.get(queueId)!;
  const over = ctx.data.overThreshold[queueId] ?? 0;
  setAlarm(
    ctx,
    over > 0,
    `queue-wait:${queueId}`,
    'queue-wait',
    `Attente > ${q.alarmAfterSeconds} s en file ${q.name ?? q.id}`,
    queueId,
  );
}

/** Whether any logged-in agent can serve the queue, directly or through one of its overflow tiers. */
export function queueIsStaffed(ctx: Ctx, queueId: string): boolean {
  const q = ctx.idx.queues.get(queueId)!;
  const loggedIn = (qid: string) =>
    (ctx.idx.servers.get(qid) ?? []).some((s) => ctx.data.agents[s.agentId]!.status !== 'logged-out');
  if (loggedIn(queueId)) return true;
  const roles = new Set(q.roles);
  return q.overflow.tiers.some((t) =>
    t.addQueues.some((qid) =>
      (ctx.idx.servers.get(qid) ?? []).some(
        (s) =>
          ctx.data.agents[s.agentId]!.status !== 'logged-out' &&
          ctx.idx.agentConfigs.get(s.agentId)!.roles.some((r) => roles.has(r)),
      ),
    ),
  );
}

export function syncUnstaffedAlarm(ctx: Ctx, queueId: string): void {
  const waiting = (ctx.idx.waiting.get(queueId)?.length ?? 0) > 0;
  const on = waiting && !queueIsStaffed(ctx, queueId);
  const q = ctx.idx.queues.get(queueId)!;
  setAlarm(
    ctx,
    on,
    `queue-unstaffed:${queueId}`,
    'queue-unstaffed',
    `Appels en attente sans agent connecté pour ${q.name ?? q.id}`,
    queueId,
  );
}

export function syncAllUnstaffedAlarms(ctx: Ctx): void {
  for (const qid of ctx.idx.queues.keys()) syncUnstaffedAlarm(ctx, qid);
}

export function syncPresenceAlarms(ctx: Ctx): void {
  const present = (test: (agentId: string) => boolean) =>
    Object.values(ctx.data.agents).some((a) => a.status !== 'logged-out' && test(a.id));
  const hasRole = (role: string) => (id: string) =>
    ctx.idx.agentConfigs.get(id)!.roles.some((r) => r === role);
  const onN1 = (id: string) =>
    ctx.data.agents[id]!.skills.some((s) => ctx.idx.queues.get(s.queue)?.stage === 'n1');
  const sasHours = periodAt(ctx.data.config.calendar, ctx.now) === 'sas';
  setAlarm(
    ctx,
    !present(hasRole('mru')),
    'presence:mru',
    'presence',
    'Aucun médecin régulateur urgentiste connecté',
  );
  setAlarm(
    ctx,
    sasHours && !present(hasRole('mrg')),
    'presence:mrg',
    'presence',
    'Aucun médecin régulateur généraliste connecté (horaires SAS)',
  );
  setAlarm(ctx, !present(onN1), 'presence:n1', 'presence', 'Aucun ARM connecté au niveau 1');
}

export function raiseP0(ctx: Ctx, callId: string): void {
  raise(ctx, `p0:${callId}`, 'p0-in-progress', `P0 en cours (appel ${callId})`, null, callId);
}

export function clearP0(ctx: Ctx, callId: string): void {
  clear(ctx, `p0:${callId}`);
}
