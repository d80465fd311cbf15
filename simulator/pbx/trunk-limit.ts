// The trunk's channel limit per line, the way an Asterisk site sets it: the entry dialplan puts
// each call in a group named after its line (`Set(GROUP(sasacd-trunk)=${LINE})`) and, when
// `GROUP_COUNT(${LINE}@sasacd-trunk)` is over the line's channels, refuses the call with congestion
// (hangup cause 34; chan_pjsip answers the operator 503). Before refusing it hands the call to the
// app with `refused=trunk-full`, so the ACD counts the calls refused before distribution; the ACD
// hangs it up with reason `congestion` (asterisk-config/README.md, "Trunk capacity").
import type { CallRecord } from './timeline.js';

export const TRUNK_FULL_ARG = 'refused=trunk-full';
export const CONGESTION = 34;

/** Whether `call` finds its line's channels all taken by the calls still up on that line. */
export function trunkFull(
  limits: Record<string, number>,
  calls: Iterable<CallRecord>,
  call: CallRecord,
): boolean {
  const limit = limits[call.line];
  if (limit === undefined) return false;
  let busy = 0;
  for (const other of calls)
    if (other !== call && other.line === call.line && other.endedAtMs === null && other.route !== 'refused')
      busy++;
  return busy >= limit;
}

/** `15=30,116117=10` → {"15": 30, "116117": 10}; throws naming the bad part. */
export function parseTrunkChannels(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([0-9A-Za-z*#+-]{1,32})=(\d{1,5})\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new Error(`trunk channels: "${part}" is not <line>=<channels ≥ 1>`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
