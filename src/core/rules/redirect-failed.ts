// A partner SAS did not take a caller the engine sent it (the REFER refused: FreeSWITCH answers
// "Cannot Blind Transfer 1 Legged calls", a trunk refuses it). The call already ended here
// ('redirected'); the caller is still held by telephony, so it comes back as a new arrival under a
// new id, as on Asterisk (asterisk-config [partner-dial] sends a caller the partner did not take back
// to [sasacd-entry]), but into the queue it was sent from, and never to that partner again (else a
// switched line or a length overflow would send it back at once, and again).
import { type Ctx, type Rejection, reject } from '../context.js';
import { arriveCall } from './call-arrival.js';
import { type Cmd } from './party.js';

export function redirectFailed(ctx: Ctx, cmd: Cmd<'redirectFailed'>): Rejection | void {
  if (!cmd.redirectedCallId) return reject('bad-call-id', 'the redirected call needs an id');
  if (ctx.data.calls[cmd.redirectedCallId])
    return reject('duplicate-call', `call ${cmd.redirectedCallId} was not redirected: it is still here`);
  return arriveCall(
    ctx,
    {
      type: 'arriveCall',
      callId: cmd.callId,
      line: cmd.line,
      callerNumber: cmd.callerNumber ?? null,
      callerName: cmd.callerName ?? null,
    },
    { from: { partnerId: cmd.partnerId, callId: cmd.redirectedCallId }, queueId: cmd.queue ?? null },
  );
}
