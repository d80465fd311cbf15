// An arrival profile (per 15 minutes × day of week) built from a site's recorded events, to feed
// the generator and the staffing with the site's own shape instead of the illustrative one.
import { DateTime } from 'luxon';

export interface HistoryProfile {
  source: string;
  zone: string;
  binMinutes: 15;
  /** First and last arrival seen, local ISO time. */
  from: string;
  to: string;
  /** Local calendar days spanned, first and last included. */
  days: number;
  arrivals: number;
  /** Mean arrivals per day over the span. */
  callsPerDay: number;
  /** 24 shares adding up to 1, 00:00–01:00 first (the scenario's hourlyProfile). */
  hourlyProfile: number[];
  /** 7 weights with a mean of 1, Monday first (the scenario's dayOfWeek). */
  dayOfWeek: number[];
  /** Mean arrivals per quarter hour: 7 rows (Monday first) of 96 quarters. */
  byDayAndQuarter: number[][];
  /** Share of arrivals per line. */
  lines: Record<string, number>;
  /** Measured, not made up. */
  illustrative: false;
}

export interface HistoryError {
  line: number;
  message: string;
}

type Arrival = { at: number; line: string };

/** The arrival in one JSON line, if it is one: the event itself or wrapped as {event: …}. */
function arrivalOf(value: unknown): Arrival | 'other' | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  const e = (typeof v.event === 'object' && v.event !== null ? v.event : v) as Record<string, unknown>;
  if (e.type !== 'CallArrived') return 'other';
  if (typeof e.at !== 'number' || !Number.isFinite(e.at))
    return 'CallArrived without a numeric "at" (epoch ms)';
  return { at: e.at, line: typeof e.line === 'string' ? e.line : '' };
}

export function profileFromEvents(
  text: string,
  options: { zone?: string; source?: string } = {},
): { ok: true; profile: HistoryProfile } | { ok: false; errors: HistoryError[] } {
  const zone = options.zone ?? 'Europe/Paris';
  if (!DateTime.now().setZone(zone).isValid)
    return { ok: false, errors: [{ line: 0, message: `unknown time zone "${zone}"` }] };
  const errors: HistoryError[] = [];
  const arrivals: Arrival[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || errors.length >= 100) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      errors.push({ line: i + 1, message: `not valid JSON: ${(e as Error).message}` });
      return;
    }
    const a = arrivalOf(value);
    if (typeof a === 'object') arrivals.push(a);
    else if (a !== 'other') errors.push({ line: i + 1, message: a });
  });
  if (errors.length > 0) return { ok: false, errors };
  if (arrivals.length === 0)
    return { ok: false, errors: [{ line: 0, message: 'no CallArrived event in the file' }] };

  const local = (ms: number) => DateTime.fromMillis(ms, { zone });
  const ats = arrivals.map((a) => a.at);
  const first = local(Math.min(...ats)).startOf('day');
  const last = local(Math.max(...ats)).startOf('day');
  // Count each weekday in the span, to turn counts into means per weekday.
  const occurrences = new Array<number>(7).fill(0);
  let days = 0;
  for (let d = first; d <= last; d = d.plus({ days: 1 })) {
    occurrences[d.weekday - 1]!++;
    days++;
  }
  const counts = Array.from({ length: 7 }, () => new Array<number>(96).fill(0));
  const hourly = new Array<number>(24).fill(0);
  const lines: Record<string, number> = {};
  for (const a of arrivals) {
    const t = local(a.at);
    counts[t.weekday - 1]![t.hour * 4 + Math.floor(t.minute / 15)]!++;
    hourly[t.hour]!++;
    lines[a.line] = (lines[a.line] ?? 0) + 1;
  }
  const byDayAndQuarter = counts.map((row, d) =>
    row.map((c) => (occurrences[d]! > 0 ? c / occurrences[d]! : 0)),
  );
  const perDay = byDayAndQuarter.map((row) => row.reduce((s, v) => s + v, 0));
  // Days of the week never observed get the mean of the others rather than a zero.
  const seen = perDay.filter((_, d) => occurrences[d]! > 0);
  const seenMean = seen.reduce((s, v) => s + v, 0) / seen.length;
  const filled = perDay.map((v, d) => (occurrences[d]! > 0 ? v : seenMean));
  const dayMean = filled.reduce((s, v) => s + v, 0) / 7;
  const n = arrivals.length;
  return {
    ok: true,
    profile: {
      source: options.source ?? '',
      zone,
      binMinutes: 15,
      from: local(Math.min(...ats)).toISO()!,
      to: local(Math.max(...ats)).toISO()!,
      days,
      arrivals: n,
      callsPerDay: n / days,
      hourlyProfile: hourly.map((c) => c / n),
      dayOfWeek: filled.map((v) => (dayMean > 0 ? v / dayMean : 1)),
      byDayAndQuarter,
      lines: Object.fromEntries(Object.entries(lines).map(([k, c]) => [k, c / n])),
      illustrative: false,
    },
  };
}
