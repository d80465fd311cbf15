// Line switching to a partner SAS (bascule), whole or a share, and back; one call redirected by a supervisor.
import { reject, type Ctx, type Rejection } from '../context.js';
import { redirect } from '../partner-redirect.js';
import { type Cmd } from './party.js';

export function switchLine(ctx: Ctx, cmd: Cmd<'switchLine'>): Rejection | void {
  if (!ctx.idx.lines.has(cmd.line)) return reject('unknown-line', `no line ${cmd.line}`);
  if (!ctx.data.config.partners.some((p) => p.id === cmd.partnerId))
    return reject('unknown-partner', `no partner ${cmd.partnerId}`);
  const share = cmd.share ?? 1;
  if (!(share > 0 && share <= 1)) return reject('bad-share', 'share is a fraction of calls in (0, 1]');
  const from = cmd.from ?? ctx.now;
  if (cmd.until !== undefined && !(cmd.until > Math.max(from, ctx.now)))
    return reject('bad-until', 'the switch must end after it starts');
  ctx.emit({
    type: 'LineSwitched',
    at: ctx.now,
    line: cmd.line,
    partnerId: cmd.partnerId,
    share,
    from,
    until: cmd.until ?? null,
  });
}

export function restoreLine(ctx: Ctx, cmd: Cmd<'restoreLine'>): Rejection | void {
  if (!ctx.data.lineSwitches[cmd.line])
    return reject('line-not-switched', `line ${cmd.line} is not switched`);
  ctx.emit({ type: 'LineRestored', at: ctx.now, line: cmd.line });
}

export function redirectCall(ctx: Ctx, cmd: Cmd<'redirectCall'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  if (!ctx.data.config.partners.some((p) => p.id === cmd.partnerId))
    return reject('unknown-partner', `no partner ${cmd.partnerId}`);
  if (call.parties.length > 0) return reject('call-connected', 'only a waiting call is redirected');
  if (call.originSite === cmd.partnerId)
    return reject('back-to-origin', `call ${call.id} came from SAS ${cmd.partnerId}: not sent back to it`);
  redirect(ctx, call, cmd.partnerId, 'supervisor', call.pending?.queueId ?? null);
}
