// The signature of every webhook the ACD sends to the LRM: HMAC-SHA256 with the shared secret over
// `<timestamp>.<body>`, sent as `X-Sas-Signature: t=<unix seconds>,v1=<hex>`. The receiver checks
// the HMAC in constant time and refuses an old timestamp (replay), as Stripe-style webhooks do.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-sas-signature';
/** How old a signed request may be when it arrives (seconds): retries are signed afresh. */
export const SIGNATURE_TOLERANCE_S = 300;

export function sign(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export type Verification = { ok: true } | { ok: false; reason: 'malformed' | 'expired' | 'mismatch' };

export function verify(
  secret: string,
  header: string | undefined,
  body: string,
  nowMs: number,
  toleranceS = SIGNATURE_TOLERANCE_S,
): Verification {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return { ok: false, reason: 'malformed' };
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return { ok: false, reason: 'expired' };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(m[2]!, 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
