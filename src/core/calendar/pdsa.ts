// SAS hours vs PDSA (out-of-hours) for a regional calendar, memoised per calendar object.
import { parseHHMM } from './hhmm.js';
import { nationalHolidaySet } from './holidays.js';
import { ZoneDayCache, type DayRules, type LocalDay } from './segments.js';
import type { CalendarConfig, Period } from './types.js';

export const defaultCalendar: CalendarConfig = Object.freeze({
  timeZone: 'Europe/Paris',
  pdsa: Object.freeze({
    weekdayFrom: '20:00',
    weekdayUntil: '08:00',
    saturdayFrom: '12:00',
    publicHolidays: true,
  }),
  extraHolidays: Object.freeze([]) as unknown as string[],
});

// Sundays and holidays alone already change the period at least weekly; a year and a bit covers
// any chain of extra holidays. Beyond that the calendar is degenerate (e.g. PDSA until '24:00').
const MAX_SEARCH_DAYS = 400;

/** National (when the date is one) or extra holiday, regardless of `pdsa.publicHolidays`. */
export function isPublicHoliday(cal: CalendarConfig, localDate: string): boolean {
  if (cal.extraHolidays.includes(localDate)) return true;
  const year = Number(localDate.slice(0, 4));
  return Number.isInteger(year) && nationalHolidaySet(year).has(localDate);
}

function compile(cal: CalendarConfig): ZoneDayCache<Period> {
  const from = parseHHMM(cal.pdsa.weekdayFrom, 'pdsa.weekdayFrom');
  const until = parseHHMM(cal.pdsa.weekdayUntil, 'pdsa.weekdayUntil');
  const saturdayFrom = parseHHMM(cal.pdsa.saturdayFrom, 'pdsa.saturdayFrom');
  const holidaysOn = cal.pdsa.publicHolidays;
  // Copied now so the memoised answers cannot drift from the config they were computed from.
  const extras = new Set(cal.extraHolidays);
  const allDay: DayRules<Period> = { value: () => 'pdsa', boundaries: [] };
  const boundaries = [until, from, saturdayFrom];

  return new ZoneDayCache<Period>(cal.timeZone, (day: LocalDay) => {
    if (day.weekday === 7) return allDay;
    if (holidaysOn && (extras.has(day.date) || nationalHolidaySet(day.year).has(day.date))) return allDay;
    const eveningFrom = day.weekday === 6 ? saturdayFrom : from;
    return {
      value: (m) => (m < until || m >= eveningFrom ? 'pdsa' : 'sas'),
      boundaries,
    };
  });
}

const caches = new WeakMap<CalendarConfig, ZoneDayCache<Period>>();
let lastCal: CalendarConfig | undefined;
let lastCache: ZoneDayCache<Period> | undefined;

function cacheFor(cal: CalendarConfig): ZoneDayCache<Period> {
  if (cal === lastCal && lastCache) return lastCache;
  let cache = caches.get(cal);
  if (!cache) {
    cache = compile(cal);
    caches.set(cal, cache);
  }
  lastCal = cal;
  lastCache = cache;
  return cache;
}

/** Period in force at an instant (local wall clock of `cal.timeZone`). */
export function periodAt(cal: CalendarConfig, atMs: number): Period {
  return cacheFor(cal).valueAt(atMs);
}

/**
 * First instant > atMs where periodAt differs. Infinity only for a calendar that never changes
 * (which a sane config cannot express; the schema should reject it).
 */
export function nextPeriodChange(cal: CalendarConfig, atMs: number): number {
  return cacheFor(cal).nextChange(atMs, MAX_SEARCH_DAYS) ?? Number.POSITIVE_INFINITY;
}
