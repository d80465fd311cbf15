// The engine's id of a call that came in through drachtio, made from the caller's SIP Call-ID. A
// Call-ID may hold characters the API refuses in a path ("@" nearly always, "/", "+", "%"...), so it is
// escaped: letters, digits, ".", ":" and "-" stay, every other byte (and "_", the escape itself)
// becomes "_" + two hex digits. The escape is one-to-one, so two calls never share an id; the "fs-"
// prefix makes it start with a letter. A Call-ID too long for an id (the API takes 200 characters)
// is hashed instead ("fh-", SHA-256): ids stay distinct in practice.
import { createHash } from 'node:crypto';

const MAX = 200;

export function engineCallId(sipCallId: string): string {
  let out = 'fs-';
  for (const byte of Buffer.from(sipCallId, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9.:-]/.test(c) ? c : `_${byte.toString(16).padStart(2, '0')}`;
  }
  if (out.length <= MAX) return out;
  return `fh-${createHash('sha256').update(sipCallId).digest('base64url')}`;
}

/**
 * The id of a caller back from a partner that refused it (redirectFailed): "_r1", "_r2"… after the
 * redirected call's id. engineCallId never makes "_r" ("_" is always followed by two hex digits)
 * and a hashed id has no "_", so it is no other call's id.
 */
export function returnedCallId(callId: string, taken: (id: string) => boolean = () => false): string {
  const m = /^(.*)_r(\d+)$/.exec(callId);
  const base = m ? m[1]! : callId;
  for (let n = m ? Number(m[2]) + 1 : 1; ; n++) if (!taken(`${base}_r${n}`)) return `${base}_r${n}`;
}
