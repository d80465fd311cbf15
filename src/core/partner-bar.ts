// Where a call may not be sent: back to the partner SAS it came from (it would loop), nor to a
// partner that already refused this caller (rules/redirect-failed.ts: it would loop as well).
import { type Call } from './model.js';

export function mayRedirectTo(call: Call, partnerId: string): boolean {
  return partnerId !== call.originSite && !(call.refusedBy ?? []).includes(partnerId);
}
