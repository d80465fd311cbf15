// Writes a trace as CSV with every column (optional ones empty when absent).
import { stringify } from 'csv-stringify/sync';
import { ALL_COLUMNS, type TraceCall } from './trace.js';

// Millisecond resolution is ample for arrivals and talk times, and keeps files readable.
const seconds = (v: number | null) => (v === null ? '' : String(Math.round(v * 1000) / 1000));

export function formatTrace(calls: readonly TraceCall[]): string {
  const rows = calls.map((c) => [
    seconds(c.arrivalS),
    c.line,
    c.caller,
    seconds(c.patienceS),
    seconds(c.n1TalkS),
    c.qualification,
    seconds(c.n2TalkS),
    seconds(c.regulationTalkS),
    seconds(c.bookingTalkS),
    c.department ?? '',
  ]);
  return stringify([[...ALL_COLUMNS], ...rows]);
}
