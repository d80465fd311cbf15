// Behaviour of the SAS/PDSA calendar and weekly schedules, in Paris local time across DST.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type CalendarConfig,
  type WeeklySchedule,
  defaultCalendar,
  easterSunday,
  frenchPublicHolidays,
  isPublicHoliday,
  localTimeLabel,
  nextPeriodChange,
  nextScheduleChange,
  periodAt,
  scheduleValueAt,
  validateHHMM,
} from '../../src/core/calendar.js';

const PARIS = 'Europe/Paris';
/** Epoch ms of a Paris wall-clock time 'YYYY-MM-DDTHH:MM[:SS]'. */
const paris = (iso: string): number => {
  const dt = DateTime.fromISO(iso, { zone: PARIS });
  if (!dt.isValid) throw new Error(`bad test time ${iso}`);
  return dt.toMillis();
};
const at = (iso: string) => periodAt(defaultCalendar, paris(iso));
const region18h: CalendarConfig = {
  ...defaultCalendar,
  pdsa: { ...defaultCalendar.pdsa, weekdayFrom: '18:00', saturdayFrom: '08:00' },
};

describe('Easter and French public holidays', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('Easter Sunday %i falls on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('lists the 11 national holidays of 2026 in date order', () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it('recognises national and extra holidays but not ordinary days', () => {
    const alsace = { ...defaultCalendar, extraHolidays: ['2026-04-03', '2026-12-26'] };
    expect(isPublicHoliday(defaultCalendar, '2026-07-14')).toBe(true);
    expect(isPublicHoliday(defaultCalendar, '2026-04-03')).toBe(false);
    expect(isPublicHoliday(alsace, '2026-04-03')).toBe(true);
    expect(isPublicHoliday(alsace, '2026-12-26')).toBe(true);
    expect(isPublicHoliday(alsace, '2026-12-28')).toBe(false);
  });
});

describe('periodAt with the default calendar', () => {
  it('switches to PDSA at 20:00:00 on a weekday evening in summer time', () => {
    expect(at('2026-06-10T19:59:59')).toBe('sas');
    expect(at('2026-06-10T20:00:00')).toBe('pdsa');
  });

  it('switches to PDSA at 20:00:00 on a weekday evening in winter time', () => {
    expect(at('2026-01-14T19:59:59')).toBe('sas');
    expect(at('2026-01-14T20:00:00')).toBe('pdsa');
  });

  it('ends the night PDSA at 08:00 on a weekday morning, summer and winter', () => {
    expect(at('2026-06-10T07:59')).toBe('pdsa');
    expect(at('2026-06-10T08:00')).toBe('sas');
    expect(at('2026-01-14T07:59:59.999')).toBe('pdsa');
    expect(at('2026-01-14T08:00')).toBe('sas');
  });

  it('keeps Saturday morning in SAS hours until 12:00', () => {
    expect(at('2026-06-13T07:59')).toBe('pdsa');
    expect(at('2026-06-13T08:00')).toBe('sas');
    expect(at('2026-06-13T11:59')).toBe('sas');
    expect(at('2026-06-13T12:00')).toBe('pdsa');
  });

  it('is PDSA all Sunday and until 08:00 on Monday morning', () => {
    expect(at('2026-06-14T00:00')).toBe('pdsa');
    expect(at('2026-06-14T13:00')).toBe('pdsa');
    expect(at('2026-06-15T07:59')).toBe('pdsa');
    expect(at('2026-06-15T08:00')).toBe('sas');
  });

  it('is PDSA all day on Easter Monday 2026 and on 14 July', () => {
    for (const time of ['08:00', '10:00', '12:00', '19:59']) {
      expect(at(`2026-04-06T${time}`)).toBe('pdsa');
      expect(at(`2026-07-14T${time}`)).toBe('pdsa');
    }
    expect(at('2026-04-07T08:00')).toBe('sas');
  });

  it('treats holidays as ordinary days when public holidays are switched off', () => {
    const cal = { ...defaultCalendar, pdsa: { ...defaultCalendar.pdsa, publicHolidays: false } };
    expect(periodAt(cal, paris('2026-07-14T10:00'))).toBe('sas');
  });

  it('makes an extra holiday PDSA all day', () => {
    const cal = { ...defaultCalendar, extraHolidays: ['2026-12-26', '2026-05-15'] };
    expect(periodAt(cal, paris('2026-05-15T10:00'))).toBe('pdsa');
    expect(periodAt(cal, paris('2026-12-26T09:00'))).toBe('pdsa');
    expect(at('2026-05-15T10:00')).toBe('sas');
  });
});

describe('periodAt for a region starting at 18:00 with whole Saturdays', () => {
  it('switches to PDSA at 18:00 on weekdays', () => {
    expect(periodAt(region18h, paris('2026-03-11T17:59:59'))).toBe('sas');
    expect(periodAt(region18h, paris('2026-03-11T18:00'))).toBe('pdsa');
  });

  it('is PDSA on the whole Saturday', () => {
    expect(periodAt(region18h, paris('2026-03-14T08:00'))).toBe('pdsa');
    expect(periodAt(region18h, paris('2026-03-14T11:00'))).toBe('pdsa');
    expect(nextPeriodChange(region18h, paris('2026-03-13T18:00'))).toBe(paris('2026-03-16T08:00'));
  });
});

describe('nextPeriodChange', () => {
  it.each([
    ['a summer weekday afternoon', '2026-06-10T14:00', '2026-06-10T20:00'],
    ['a winter weekday one second before 20:00', '2026-01-14T19:59:59', '2026-01-14T20:00'],
    ['a weekday evening', '2026-06-10T20:00', '2026-06-11T08:00'],
    ['a Saturday morning', '2026-06-13T08:00', '2026-06-13T12:00'],
    ['a Saturday afternoon, through Sunday', '2026-06-13T12:00', '2026-06-15T08:00'],
    ['the Friday before Easter, until Saturday morning', '2026-04-03T20:00', '2026-04-04T08:00'],
    ['Easter Saturday noon, through Easter Monday', '2026-04-04T12:00', '2026-04-07T08:00'],
    ['the eve of 14 July', '2026-07-13T19:00', '2026-07-13T20:00'],
    ['14 July, until the next morning', '2026-07-14T09:00', '2026-07-15T08:00'],
    ['Ascension Thursday, until Friday morning', '2026-05-14T10:00', '2026-05-15T08:00'],
  ])('finds the exact next change from %s', (_what, from, expected) => {
    expect(nextPeriodChange(defaultCalendar, paris(from))).toBe(paris(expected));
  });

  it('chains a holiday, an extra holiday and a Sunday into one PDSA stretch', () => {
    // Friday 25 December 2026 is Christmas; Saturday 26 an Alsace-Moselle holiday.
    const cal = { ...defaultCalendar, extraHolidays: ['2026-12-26'] };
    expect(nextPeriodChange(cal, paris('2026-12-24T20:00'))).toBe(paris('2026-12-28T08:00'));
    // Without the extra holiday, Saturday morning is SAS hours.
    expect(nextPeriodChange(defaultCalendar, paris('2026-12-24T20:00'))).toBe(paris('2026-12-26T08:00'));
  });

  it('stops a "pont" stretch at Saturday morning, which stays SAS hours', () => {
    // Thursday 14 May 2026 is Ascension; Friday 15 a "pont".
    const cal = { ...defaultCalendar, extraHolidays: ['2026-05-15'] };
    expect(nextPeriodChange(cal, paris('2026-05-13T20:00'))).toBe(paris('2026-05-16T08:00'));
  });

  it('counts real hours across the spring DST change (last Sunday of March)', () => {
    // Saturday 28 March 2026 12:00 (+01:00) to Monday 30 March 08:00 (+02:00): 43 hours.
    const from = paris('2026-03-28T12:00');
    const next = nextPeriodChange(defaultCalendar, from);
    expect(next).toBe(paris('2026-03-30T08:00'));
    expect(next - from).toBe(43 * 3_600_000);
    expect(localTimeLabel(PARIS, next)).toBe('2026-03-30T08:00:00+02:00');
    expect(at('2026-03-29T02:30') /* skipped wall time, luxon moves it to 03:30 */).toBe('pdsa');
  });

  it('counts real hours across the autumn DST change (last Sunday of October)', () => {
    // Saturday 24 October 2026 12:00 (+02:00) to Monday 26 October 08:00 (+01:00): 45 hours.
    const from = paris('2026-10-24T12:00');
    const next = nextPeriodChange(defaultCalendar, from);
    expect(next - from).toBe(45 * 3_600_000);
    expect(localTimeLabel(PARIS, next)).toBe('2026-10-26T08:00:00+01:00');
    expect(nextPeriodChange(defaultCalendar, next)).toBe(paris('2026-10-26T20:00'));
  });

  it('leaves the DST switch alone when a boundary is nowhere near it', () => {
    expect(at('2026-10-23T19:59:59')).toBe('sas');
    expect(at('2026-10-23T20:00')).toBe('pdsa');
    expect(at('2026-03-27T19:59:59')).toBe('sas');
    expect(at('2026-03-27T20:00')).toBe('pdsa');
  });

  it('returns the first instant where the period differs, for any instant and calendar', () => {
    const calendars: CalendarConfig[] = [
      defaultCalendar,
      region18h,
      { ...defaultCalendar, pdsa: { ...defaultCalendar.pdsa, weekdayFrom: '19:00', publicHolidays: false } },
      { ...defaultCalendar, extraHolidays: ['2026-12-26', '2027-04-02', '2026-11-10'] },
      // Boundaries inside the DST hour, to exercise skipped and repeated wall-clock times.
      { ...defaultCalendar, pdsa: { ...defaultCalendar.pdsa, weekdayUntil: '02:30' } },
      { ...defaultCalendar, timeZone: 'America/New_York' },
    ];
    const start = paris('2024-01-01T00:00');
    const end = paris('2030-01-01T00:00');
    fc.assert(
      fc.property(fc.constantFrom(...calendars), fc.integer({ min: start, max: end }), (cal, t) => {
        const p = periodAt(cal, t);
        const next = nextPeriodChange(cal, t);
        expect(next).toBeGreaterThan(t);
        expect(next - t).toBeLessThanOrEqual(8 * 86_400_000);
        expect(periodAt(cal, next - 1)).toBe(p);
        expect(periodAt(cal, next)).not.toBe(p);
        expect(next % 60_000).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with a minute-by-minute scan over DST weeks', () => {
    const cal = { ...defaultCalendar, pdsa: { ...defaultCalendar.pdsa, weekdayUntil: '02:30' } };
    for (const monday of ['2026-03-23T00:00', '2026-10-19T00:00']) {
      const from = paris(monday);
      let t = from;
      while (t < from + 8 * 86_400_000) {
        const next = nextPeriodChange(cal, t);
        for (let m = t + 60_000; m < next; m += 60_000) expect(periodAt(cal, m)).toBe(periodAt(cal, t));
        expect(periodAt(cal, next)).not.toBe(periodAt(cal, t));
        t = next;
      }
    }
  });
});

describe('weekly schedules', () => {
  const night: WeeklySchedule<string> = {
    default: 'day',
    rules: [
      { days: [5], from: '22:00', to: '06:00', value: 'friday-night' },
      { days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00', value: 'night' },
      { days: [6, 7], from: '00:00', to: '24:00', value: 'weekend' },
    ],
  };
  const v = (iso: string) => scheduleValueAt(night, PARIS, paris(iso));

  it('wraps a rule past midnight into the next day', () => {
    expect(v('2026-06-10T19:59')).toBe('day');
    expect(v('2026-06-10T20:00')).toBe('night');
    expect(v('2026-06-11T07:59')).toBe('night');
    expect(v('2026-06-11T08:00')).toBe('day');
  });

  it('lets the first matching rule win, including on the wrapped day', () => {
    expect(v('2026-06-12T21:00')).toBe('night');
    expect(v('2026-06-12T22:00')).toBe('friday-night');
    expect(v('2026-06-13T05:59')).toBe('friday-night');
    // Friday's 'night' rule still covers Saturday until 08:00, ahead of 'weekend'.
    expect(v('2026-06-13T06:00')).toBe('night');
    expect(v('2026-06-13T08:00')).toBe('weekend');
    // No night rule starts on Sunday, so Monday morning is 'day'.
    expect(v('2026-06-15T07:00')).toBe('day');
  });

  it('finds the next change across midnight and the weekend', () => {
    const n = (iso: string) => nextScheduleChange(night, PARIS, paris(iso));
    expect(n('2026-06-10T12:00')).toBe(paris('2026-06-10T20:00'));
    expect(n('2026-06-10T20:00')).toBe(paris('2026-06-11T08:00'));
    expect(n('2026-06-12T23:00')).toBe(paris('2026-06-13T06:00'));
    expect(n('2026-06-13T06:00')).toBe(paris('2026-06-13T08:00'));
    expect(n('2026-06-13T08:00')).toBe(paris('2026-06-15T00:00'));
  });

  it('reports that a schedule whose rules never change the value never changes', () => {
    const flat: WeeklySchedule<number> = {
      default: 1,
      rules: [{ days: [1, 2], from: '08:00', to: '09:00', value: 1 }],
    };
    const always: WeeklySchedule<number> = {
      default: 0,
      rules: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00', value: 2 }],
    };
    expect(nextScheduleChange(flat, PARIS, paris('2026-06-10T12:00'))).toBeUndefined();
    expect(nextScheduleChange(always, PARIS, paris('2026-06-10T12:00'))).toBeUndefined();
    expect(scheduleValueAt(always, PARIS, paris('2026-06-10T12:00'))).toBe(2);
  });

  it('follows the wall clock through the repeated hour of the autumn DST change', () => {
    const s: WeeklySchedule<string> = {
      default: 'a',
      rules: [{ days: [7], from: '02:30', to: '05:00', value: 'b' }],
    };
    const first = DateTime.fromISO('2026-10-25T02:30+02:00').toMillis();
    expect(localTimeLabel(PARIS, first)).toBe('2026-10-25T02:30:00+02:00');
    expect(nextScheduleChange(s, PARIS, first - 1)).toBe(first);
    // The clock goes back to 02:00 at 03:00+02:00, so 'a' again, then 'b' from 02:30+01:00.
    const back = nextScheduleChange(s, PARIS, first) as number;
    expect(back - first).toBe(30 * 60_000);
    expect(nextScheduleChange(s, PARIS, back)).toBe(first + 3_600_000);
  });

  it('returns a value change for any instant as a property', () => {
    fc.assert(
      fc.property(fc.integer({ min: paris('2025-01-01T00:00'), max: paris('2028-01-01T00:00') }), (t) => {
        const value = scheduleValueAt(night, PARIS, t);
        const next = nextScheduleChange(night, PARIS, t) as number;
        expect(next).toBeGreaterThan(t);
        expect(scheduleValueAt(night, PARIS, next - 1)).toBe(value);
        expect(scheduleValueAt(night, PARIS, next)).not.toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('labels and config values', () => {
  it('labels an instant with its local time and offset', () => {
    expect(localTimeLabel(PARIS, paris('2026-04-06T19:59:59'))).toBe('2026-04-06T19:59:59+02:00');
    expect(localTimeLabel(PARIS, paris('2026-01-06T08:00'))).toBe('2026-01-06T08:00:00+01:00');
  });

  it('accepts HH:MM from 00:00 to 24:00 and nothing else', () => {
    for (const ok of ['00:00', '08:00', '19:30', '23:59', '24:00']) expect(validateHHMM(ok)).toBe(true);
    for (const bad of ['8:00', '24:01', '25:00', '12:60', '12:5', '1200', '', ' 08:00']) {
      expect(validateHHMM(bad)).toBe(false);
    }
  });

  it('rejects a calendar with a malformed time or an unknown time zone', () => {
    const badTime = { ...defaultCalendar, pdsa: { ...defaultCalendar.pdsa, weekdayFrom: '8pm' } };
    expect(() => periodAt(badTime, 0)).toThrow(/weekdayFrom/);
    expect(() => periodAt({ ...defaultCalendar, timeZone: 'Mars/Olympus' }, 0)).toThrow(/time zone/);
  });
});
