// Sends the caller to a partner SAS (débordement or bascule); the call ends here for this site.
import { endCall } from './call-end.js';
import { type Ctx } from './context.js';
import { type CallRedirected } from './events.js';
import { type Call } from './model.js';

/** Sends the caller to a partner SAS (débordement or bascule); the call ends here for this site. */
export function redirect(
  ctx: Ctx,
  call: Call,
  partnerId: string,
  reason: CallRedirected['reason'],
  queueId: string | null,
): void {
  const partner = ctx.data.config.partners.find((x) => x.id === partnerId)!;
  ctx.emit({ type: 'CallRedirected', at: ctx.now, callId: call.id, partnerId, reason, queueId });
  ctx.effect({
    type: 'redirectToPartner',
    callId: call.id,
    partnerId,
    destination: partner.destination,
    ...(queueId ? { queueId } : {}),
  });
  endCall(ctx, call, 'system', { outcome: 'redirected' });
}
