// A call arrives: the first answer is an ARM's; a withheld number never blocks a call, an unknown
// line never loses one; a partner SAS's call keeps its origin; a switched line goes to the partner.
import { periodAt } from '../calendar.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { mayRedirectTo } from '../partner-bar.js';
import { redirect } from '../partner-redirect.js';
import { enqueue } from '../queueing.js';
import { currentMode } from './modes.js';
import { type Cmd } from './party.js';

/** A caller a partner refused, back (./redirect-failed.ts): who refused it, and the queue it left. */
export type Returned = { from: { partnerId: string; callId: string }; queueId: string | null };

export function arriveCall(ctx: Ctx, cmd: Cmd<'arriveCall'>, returned?: Returned): Rejection | void {
  if (!cmd.callId) return reject('bad-call-id', 'a call needs an id');
  if (ctx.data.calls[cmd.callId]) return reject('duplicate-call', `call ${cmd.callId} is already known`);
  const config = ctx.data.config;
  // An unknown line never loses the call: it is routed as the site's first line, its label kept.
  const line = ctx.idx.lines.get(cmd.line) ?? config.lines[0]!;
  let entry = cmd.queue ?? line.entryQueue;
  if (entry !== line.entryQueue && !line.directQueues.includes(entry)) {
    if (!cmd.orEntryQueue)
      return reject('queue-not-allowed-for-line', `line ${line.id} may not enter queue ${entry} directly`);
    entry = line.entryQueue; // the site configuration decides; the call the PBX holds is kept
  }
  // Back to the queue the engine itself sent it from, whatever the line may enter.
  if (returned?.queueId && ctx.idx.queues.has(returned.queueId)) entry = returned.queueId;
  const department =
    cmd.department && config.departments.includes(cmd.department) ? cmd.department : line.department;
  ctx.emit({
    type: 'CallArrived',
    at: ctx.now,
    callId: cmd.callId,
    line: cmd.line,
    department,
    originSite: cmd.originSite ?? line.originSite ?? config.id,
    callerNumber: cmd.callerNumber || null,
    callerName: cmd.callerName || null,
    mode: currentMode(ctx),
    period: periodAt(config.calendar, ctx.now),
    priority: line.priority,
    ...(returned ? { returnedFrom: returned.from } : {}),
  });
  const call = ctx.data.calls[cmd.callId]!;
  const sw = ctx.data.lineSwitches[cmd.line];
  // A call received from a partner SAS is never switched back to it (it would loop).
  if (
    sw &&
    mayRedirectTo(call, sw.partnerId) &&
    sw.from <= ctx.now &&
    (sw.until === null || sw.until > ctx.now) &&
    sw.credit >= 1 - 1e-9
  ) {
    redirect(ctx, call, sw.partnerId, 'line-switched', null);
    return;
  }
  enqueue(ctx, call, entry, 'queue', 'arrival', call.priority);
}
