// The public reference of a call: what the regulation software (LRM) stores and shows, and what its
// commands name. Stable (the same call always has the same reference, in every process and after a
// restart: it is computed, never stored) and opaque (no PBX channel id leaves the ACD through it).
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789'; // Crockford-like: no I, L, O, U

/** `SAS44-7KQ2-M9XD-R3T0`: the site, then 16 base-32 characters of a hash of site and call. */
export function callRef(siteId: string, callId: string): string {
  const digest = createHash('sha256').update(`${siteId}\u0000${callId}`).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[digest[i]! % 32];
  return `SAS${siteId}-${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12)}`;
}

export const CALL_REF = /^SAS[A-Za-z0-9]{1,20}(-[A-Z0-9]{4}){4}$/;
