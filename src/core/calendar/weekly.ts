// Weekly wall-clock schedules (e.g. staffing targets, routing modes), memoised per schedule and zone.
import { parseHHMM } from './hhmm.js';
import { ZoneDayCache, type LocalDay } from './segments.js';
import type { Weekday, WeeklySchedule } from './types.js';

interface CompiledRule<T> {
  /** Bit w set when the rule starts on ISO weekday w. */
  mask: number;
  from: number;
  to: number;
  value: T;
}

interface Compiled<T> {
  rules: CompiledRule<T>[];
  boundaries: number[];
  /** True when no wall-clock time of the week yields a different value: it never changes. */
  constant: boolean;
}

// A change is visible within a regular week; the margin covers a DST day hiding the only change.
const MAX_SEARCH_DAYS = 400;

function prevWeekday(w: Weekday): Weekday {
  return (w === 1 ? 7 : w - 1) as Weekday;
}

function valueAt<T>(c: Compiled<T>, fallback: T, w: Weekday, m: number): T {
  const today = 1 << w;
  const yesterday = 1 << prevWeekday(w);
  for (const r of c.rules) {
    if (r.from < r.to) {
      if (r.mask & today && m >= r.from && m < r.to) return r.value;
    } else if (r.from > r.to) {
      if ((r.mask & today && m >= r.from) || (r.mask & yesterday && m < r.to)) return r.value;
    }
  }
  return fallback;
}

function compile<T>(s: WeeklySchedule<T>): Compiled<T> {
  const rules = s.rules.map((r, i) => ({
    mask: r.days.reduce((acc, d) => acc | (1 << d), 0),
    from: parseHHMM(r.from, `rules[${i}].from`),
    to: parseHHMM(r.to, `rules[${i}].to`),
    value: r.value,
  }));
  const boundaries = [...new Set(rules.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  const compiled: Compiled<T> = { rules, boundaries, constant: true };
  const first = valueAt(compiled, s.default, 1, 0);
  for (let w = 1 as Weekday; w <= 7; w++) {
    for (const m of [0, ...boundaries]) {
      if (m < 1440 && valueAt(compiled, s.default, w, m) !== first) compiled.constant = false;
    }
  }
  return compiled;
}

interface Entry<T> {
  compiled: Compiled<T>;
  byZone: Map<string, ZoneDayCache<T>>;
}

const entries = new WeakMap<WeeklySchedule<unknown>, Entry<unknown>>();
let lastSchedule: WeeklySchedule<unknown> | undefined;
let lastZone: string | undefined;
let lastCache: ZoneDayCache<unknown> | undefined;

function cacheFor<T>(s: WeeklySchedule<T>, timeZone: string): { entry: Entry<T>; cache: ZoneDayCache<T> } {
  let entry = entries.get(s) as Entry<T> | undefined;
  if (!entry) {
    entry = { compiled: compile(s), byZone: new Map() };
    entries.set(s, entry as Entry<unknown>);
  }
  let cache = entry.byZone.get(timeZone);
  if (!cache) {
    const { compiled } = entry;
    cache = new ZoneDayCache<T>(timeZone, (day: LocalDay) => ({
      value: (m) => valueAt(compiled, s.default, day.weekday, m),
      boundaries: compiled.boundaries,
    }));
    entry.byZone.set(timeZone, cache);
  }
  lastSchedule = s;
  lastZone = timeZone;
  lastCache = cache;
  return { entry, cache };
}

/** Value of the schedule at an instant (local wall clock of `timeZone`). */
export function scheduleValueAt<T>(s: WeeklySchedule<T>, timeZone: string, atMs: number): T {
  if (s === lastSchedule && timeZone === lastZone && lastCache) return lastCache.valueAt(atMs) as T;
  return cacheFor(s, timeZone).cache.valueAt(atMs);
}

/** First instant > atMs where the value differs (compared with ===), undefined if it never changes. */
export function nextScheduleChange<T>(
  s: WeeklySchedule<T>,
  timeZone: string,
  atMs: number,
): number | undefined {
  const { entry, cache } = cacheFor(s, timeZone);
  if (entry.compiled.constant) return undefined;
  return cache.nextChange(atMs, MAX_SEARCH_DAYS);
}
