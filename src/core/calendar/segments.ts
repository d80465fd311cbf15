// Cuts time into the local days of one IANA zone and memoises, per day, the instants where a
// wall-clock-defined value changes. The PDSA calendar and weekly schedules both build on it, so DST
// handling (missing and repeated wall-clock times) lives in one place and lookups on a cache hit
// cost a few comparisons, with no luxon object created.
import { DateTime, IANAZone } from 'luxon';
import type { Weekday } from './types.js';

export interface LocalDay {
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  /** 'YYYY-MM-DD' */
  date: string;
}

/** A value defined by the wall clock during one local day. */
export interface DayRules<V> {
  /** Value at a minute of the local day (0–1439). */
  value(minute: number): V;
  /** Minutes of the day where `value` may change; anything outside 1–1439 is ignored. */
  boundaries: readonly number[];
}

interface DaySegments<V> {
  start: number;
  end: number;
  /** Segment starts (epoch ms), points[0] === start; segment i lasts until points[i + 1] or end. */
  points: number[];
  values: V[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
// About two years of hourly buckets: enough for any realistic working set, still bounded.
const MAX_BUCKETS = 24 * 800;

function segmentIndex<V>(day: DaySegments<V>, t: number): number {
  let i = day.points.length - 1;
  while (i > 0 && (day.points[i] as number) > t) i--;
  return i;
}

export class ZoneDayCache<V> {
  private readonly zone: IANAZone;
  // UTC hour -> the (one, or two for half-hour offsets) local days overlapping it.
  private readonly buckets = new Map<number, DaySegments<V>[]>();
  private lastDay: DaySegments<V> | undefined;
  // Last segment hit: arrivals are nearly monotone in time, so this is the usual answer.
  private segStart = 1;
  private segEnd = 0;
  private segValue: V | undefined;

  constructor(
    timeZone: string,
    private readonly rulesFor: (day: LocalDay) => DayRules<V>,
  ) {
    if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
    this.zone = IANAZone.create(timeZone);
  }

  valueAt(t: number): V {
    if (t >= this.segStart && t < this.segEnd) return this.segValue as V;
    const day = this.dayAt(t);
    const i = segmentIndex(day, t);
    this.segStart = day.points[i] as number;
    this.segEnd = day.points[i + 1] ?? day.end;
    this.segValue = day.values[i] as V;
    return this.segValue;
  }

  /** First instant > t where the value differs, searching at most `maxDays` further local days. */
  nextChange(t: number, maxDays: number): number | undefined {
    let day = this.dayAt(t);
    let i = segmentIndex(day, t);
    const v = day.values[i];
    for (let n = 0; n <= maxDays; n++) {
      for (let j = i + 1; j < day.points.length; j++) {
        if (day.values[j] !== v) return day.points[j];
      }
      day = this.dayAt(day.end);
      i = -1;
    }
    return undefined;
  }

  private dayAt(t: number): DaySegments<V> {
    const last = this.lastDay;
    if (last && t >= last.start && t < last.end) return last;
    const bucket = this.buckets.get(Math.floor(t / HOUR_MS));
    if (bucket) {
      for (const d of bucket) {
        if (t >= d.start && t < d.end) return (this.lastDay = d);
      }
    }
    return (this.lastDay = this.build(t));
  }

  private build(t: number): DaySegments<V> {
    if (!Number.isFinite(t)) throw new RangeError(`not a finite epoch time: ${t}`);
    const zone = this.zone;
    const dt = DateTime.fromMillis(t, { zone });
    const startDt = dt.startOf('day');
    const start = startDt.toMillis();
    const end = startDt.plus({ days: 1 }).startOf('day').toMillis();
    const local: LocalDay = {
      year: dt.year,
      month: dt.month,
      day: dt.day,
      weekday: dt.weekday as Weekday,
      date: startDt.toISODate() as string,
    };
    const rules = this.rulesFor(local);
    // Wall-clock midnight of this date read as if it were UTC: wall time = epoch + offset.
    const base = Date.UTC(local.year, local.month - 1, local.day);

    // Candidate change instants: day start, the DST transition, and every boundary wall time under
    // each offset in force that day (a repeated time yields two instants, a skipped one none; the
    // value then changes at the transition, which is a candidate too).
    const candidates = [start];
    const offStart = zone.offset(start);
    const offEnd = zone.offset(end - 1);
    if (offStart !== offEnd) {
      let lo = start; // offset(lo) === offStart
      let hi = end - 1; // offset(hi) !== offStart
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zone.offset(mid) === offStart) lo = mid;
        else hi = mid;
      }
      candidates.push(hi);
    }
    const offsets = offStart === offEnd ? [offStart] : [offStart, offEnd];
    for (const minute of rules.boundaries) {
      if (minute <= 0 || minute >= 1440) continue;
      for (const off of offsets) {
        const c = base + (minute - off) * MINUTE_MS;
        if (c > start && c < end && zone.offset(c) === off) candidates.push(c);
      }
    }
    candidates.sort((a, b) => a - b);

    const points: number[] = [];
    const values: V[] = [];
    let prev = Number.NaN;
    for (const c of candidates) {
      if (c === prev) continue;
      prev = c;
      const wall = Math.floor((c + zone.offset(c) * MINUTE_MS - base) / MINUTE_MS);
      const value = rules.value(Math.min(1439, Math.max(0, wall)));
      if (values.length > 0 && values[values.length - 1] === value) continue;
      points.push(c);
      values.push(value);
    }
    const day: DaySegments<V> = { start, end, points, values };

    if (this.buckets.size > MAX_BUCKETS) this.buckets.clear();
    for (let h = Math.floor(start / HOUR_MS); h <= Math.floor((end - 1) / HOUR_MS); h++) {
      const list = this.buckets.get(h);
      if (list) list.push(day);
      else this.buckets.set(h, [day]);
    }
    return day;
  }
}
