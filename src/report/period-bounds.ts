// The epoch-ms bounds of a local calendar span (a day YYYY-MM-DD, a month YYYY-MM, a year YYYY) in
// the site's time zone: what a report or an export reads from the history.
import { DateTime } from 'luxon';

export type Bounds = { start: number; end: number };

export function periodBounds(timeZone: string, label: string): Bounds {
  const unit = /^\d{4}$/.test(label) ? 'years' : /^\d{4}-\d{2}$/.test(label) ? 'months' : 'days';
  const start = DateTime.fromISO(label, { zone: timeZone });
  if (!start.isValid || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(label))
    throw new RangeError(`not a local date, month or year: ${label}`);
  return { start: start.toMillis(), end: start.plus({ [unit]: 1 }).toMillis() };
}
