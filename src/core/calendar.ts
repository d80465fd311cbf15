// Calendar of the SAS/PDSA periods and weekly wall-clock schedules, for the pure routing core.
// Time comes in as epoch milliseconds; the local wall clock of an IANA zone decides (luxon for DST).
// Implementation split under ./calendar/.
import { DateTime } from 'luxon';

export type { CalendarConfig, Period, Weekday, WeeklyRule, WeeklySchedule } from './calendar/types.js';
export { validateHHMM } from './calendar/hhmm.js';
export { easterSunday, frenchPublicHolidays } from './calendar/holidays.js';
export { defaultCalendar, isPublicHoliday, nextPeriodChange, periodAt } from './calendar/pdsa.js';
export { nextScheduleChange, scheduleValueAt } from './calendar/weekly.js';

/** ISO 8601 local time with offset, e.g. '2026-04-06T19:59:59+02:00' (milliseconds only when non-zero). */
export function localTimeLabel(timeZone: string, atMs: number): string {
  const label = DateTime.fromMillis(atMs, { zone: timeZone }).toISO({ suppressMilliseconds: true });
  if (label === null) throw new RangeError(`cannot label ${atMs} in time zone '${timeZone}'`);
  return label;
}
