// French national public holidays, computed (not tabulated) so any year works.

const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function easterUtcMs(year: number): number {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

/** Easter Sunday of a Gregorian year, 'YYYY-MM-DD'. */
export function easterSunday(year: number): string {
  return isoDate(easterUtcMs(year));
}

/** The 11 national public holidays of a year, sorted 'YYYY-MM-DD'. */
export function frenchPublicHolidays(year: number): string[] {
  const easter = easterUtcMs(year);
  const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map(
    (md) => `${String(year).padStart(4, '0')}-${md}`,
  );
  // Easter Monday, Ascension Thursday, Whit Monday.
  const movable = [1, 39, 50].map((days) => isoDate(easter + days * DAY_MS));
  return [...fixed, ...movable].sort();
}

// Small memo: day segments are built once per local day, but each build asks for its year.
const byYear = new Map<number, ReadonlySet<string>>();

export function nationalHolidaySet(year: number): ReadonlySet<string> {
  let set = byYear.get(year);
  if (!set) {
    if (byYear.size > 256) byYear.clear();
    set = new Set(frenchPublicHolidays(year));
    byYear.set(year, set);
  }
  return set;
}
