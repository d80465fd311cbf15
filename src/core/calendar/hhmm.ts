// 'HH:MM' wall-clock times as minutes of the day. '24:00' is accepted so a rule can end at midnight.

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for '00:00'–'23:59' and '24:00'. */
export function validateHHMM(value: string): boolean {
  return value === '24:00' || HHMM.test(value);
}

/** Minutes since local midnight (0–1440); throws on a malformed value so a bad config fails loudly. */
export function parseHHMM(value: string, what: string): number {
  if (value === '24:00') return 1440;
  const m = HHMM.exec(value);
  if (!m) throw new RangeError(`${what}: expected 'HH:MM', got '${value}'`);
  return Number(m[1]) * 60 + Number(m[2]);
}
