// Public types of the calendar module, kept apart so the sub-modules can share them without cycles.

/** SAS hours (daytime, working days) vs PDSA (permanence des soins ambulatoires, out-of-hours). */
export type Period = 'sas' | 'pdsa';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * Regional PDSA calendar. Treated as immutable: results are memoised per object identity, so a
 * changed calendar must be a new object.
 */
export interface CalendarConfig {
  /** IANA zone, e.g. 'Europe/Paris'. */
  timeZone: string;
  pdsa: {
    /** 'HH:MM', PDSA starts this time Monday–Friday evenings. */
    weekdayFrom: string;
    /** 'HH:MM', PDSA ends this time every morning. */
    weekdayUntil: string;
    /** 'HH:MM', PDSA from this time on Saturday ('08:00' = whole Saturday with the default mornings). */
    saturdayFrom: string;
    /** French public holidays (national and extra) are PDSA all day. */
    publicHolidays: boolean;
  };
  /** Local dates 'YYYY-MM-DD' treated as public holidays (Alsace-Moselle, a "pont"…). */
  extraHolidays: string[];
}

/**
 * from < to: that span of each listed day; from > to: wraps past midnight into the next day;
 * '00:00'–'24:00' is a whole day; from === to matches nothing.
 */
export interface WeeklyRule<T> {
  days: Weekday[];
  from: string;
  to: string;
  value: T;
}

/** First matching rule wins; `default` otherwise. Treated as immutable (memoised per object). */
export interface WeeklySchedule<T> {
  default: T;
  rules: WeeklyRule<T>[];
}
