// Originate parameters as Asterisk reads them.
import type { Party } from './model.js';

const DEFAULT_ORIGINATE_TIMEOUT_S = 30;

/** `"SAMU 15" <15>` → name and number, as Asterisk parses a caller id. */
export function parseCallerId(callerId: string | undefined): Party {
  if (!callerId) return { name: '', number: '' };
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(callerId);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), number: (m[3] ?? '').trim() };
  return { name: '', number: callerId.trim() };
}

export function splitArgs(appArgs: string | undefined): string[] {
  if (appArgs === undefined || appArgs === '') return [];
  return appArgs.split(',');
}

/** `timeout=abc` is accepted by Asterisk (200) and means the default. */
export function parseTimeout(timeout: string | undefined): number {
  if (timeout === undefined) return DEFAULT_ORIGINATE_TIMEOUT_S;
  const n = Number.parseInt(timeout, 10);
  if (!Number.isFinite(n)) return DEFAULT_ORIGINATE_TIMEOUT_S;
  return n;
}
