// Every deadline of the site: SAS/PDSA hours and modes change, a call waited too long (alarm,
// overflow tier, partner overflow), an offer rang too long, wrap-up is over.
import { syncPresenceAlarms, syncQueueWaitAlarm } from '../alarms.js';
import { nextPeriodChange, nextScheduleChange, periodAt } from '../calendar.js';
import { type Ctx } from '../context.js';
import { dispatchAgent, dispatchCall, failOffer } from '../distribution.js';
import { redirect } from '../partner-redirect.js';
import { deadlineOf } from '../state.js';
import { syncMode } from './modes.js';

function syncSite(ctx: Ctx): void {
  const d = ctx.data;
  const c = d.config;
  if (d.modeOverride?.until != null && d.modeOverride.until <= ctx.now) {
    ctx.emit({ type: 'ModeOverrideSet', at: ctx.now, mode: null, until: null });
  }
  if (d.calendarCheckAt === null || d.calendarCheckAt <= ctx.now) {
    const scheduleChange = nextScheduleChange(c.modes, c.calendar.timeZone, ctx.now);
    const periodChange = nextPeriodChange(c.calendar, ctx.now);
    const nextCheckAt = scheduleChange === undefined ? periodChange : Math.min(periodChange, scheduleChange);
    ctx.emit({ type: 'PeriodChanged', at: ctx.now, period: periodAt(c.calendar, ctx.now), nextCheckAt });
    syncPresenceAlarms(ctx);
  }
  syncMode(ctx);
  for (const [line, sw] of Object.entries(d.lineSwitches)) {
    if (sw.until !== null && sw.until <= ctx.now) ctx.emit({ type: 'LineRestored', at: ctx.now, line });
  }
}

function callDeadlines(ctx: Ctx, callId: string): void {
  const call = ctx.data.calls[callId];
  const p = call?.pending;
  if (!call || !p) return;
  const now = ctx.now;
  if (p.offer?.until != null && p.offer.until <= now) failOffer(ctx, call, 'no-answer');
  while (p.nextTierAt !== null && p.nextTierAt <= now) {
    ctx.emit({ type: 'CallTierReached', at: now, callId, queueId: p.queueId, tier: p.tier + 1 });
    dispatchCall(ctx, call);
  }
  if (!p.overThreshold && p.alarmAt !== null && p.alarmAt <= now) {
    ctx.emit({ type: 'CallThresholdPassed', at: now, callId, queueId: p.queueId });
    syncQueueWaitAlarm(ctx, p.queueId);
  }
  if (!p.callbackOffered && p.callbackAt !== null && p.callbackAt <= now) {
    ctx.emit({ type: 'CallbackOffered', at: now, callId, queueId: p.queueId });
    ctx.effect({ type: 'offerCallback', callId });
  }
  const partner = ctx.idx.queues.get(p.queueId)!.overflow.partner;
  if (partner && p.partnerAt !== null && p.partnerAt <= now && call.parties.length === 0) {
    redirect(ctx, call, partner.partnerId, 'overflow-wait', p.queueId);
  }
}

function agentDeadline(ctx: Ctx, agentId: string): void {
  const a = ctx.data.agents[agentId];
  if (a?.status === 'wrap-up' && a.wrapUntil !== null && a.wrapUntil <= ctx.now) {
    ctx.emit({ type: 'AgentBecameAvailable', at: ctx.now, agentId });
    dispatchAgent(ctx, agentId);
  }
}

/** Fires every deadline due at `now`, in time order. */
export function timerFired(ctx: Ctx): void {
  syncSite(ctx);
  const heap = ctx.idx.timers;
  for (let guard = 0; ; guard++) {
    if (guard > 1_000_000) throw new Error('timerFired: deadlines do not converge');
    const top = heap.peek();
    if (!top || top.at > ctx.now) break;
    heap.pop();
    if (deadlineOf(ctx.data, top.kind, top.id) !== top.at) continue; // stale entry
    if (top.kind === 'call') callDeadlines(ctx, top.id);
    else if (top.kind === 'agent') agentDeadline(ctx, top.id);
    else syncSite(ctx);
  }
}
