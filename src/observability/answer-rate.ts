// The answer rate (calls answered / calls presented to the platform, the annex 3 `calls.answerRate`
// over all hours) per day, from an indicators accumulator: the live one for today, or one filled
// from the site's history for a trend over weeks (src/api/routers/dependencies.ts).
import type { Indicators } from '../core/indicators/accumulator.js';
import { rollUp, spanLabel } from '../core/indicators/spans.js';
import { indicatorValues } from '../core/indicators/values.js';

export type DayAnswerRate = {
  /** The local day (site time zone), e.g. 2026-03-02. */
  day: string;
  presented: number;
  answered: number;
  /** answered / presented; null when no call was presented. */
  rate: number | null;
};

/** Default threshold below which the day's answer rate shows as low: 90 % (illustrative). */
export const DEFAULT_MIN_ANSWER_RATE = 0.9;

export function answerRateByDay(
  acc: Indicators,
  range: { since?: number; until?: number } = {},
): DayAnswerRate[] {
  return [...rollUp(acc, 'day', () => true, range)].map(([day, f]) => {
    const v = indicatorValues(f.all);
    const presented = Number(v['calls.arrived'] ?? 0);
    const answered = Number(v['calls.answered'] ?? 0);
    return { day, presented, answered, rate: presented > 0 ? answered / presented : null };
  });
}

/** Today's figures (site time), zero when nothing arrived yet. */
export function answerRateToday(acc: Indicators, now: number): DayAnswerRate {
  const day = spanLabel(now, 'day', acc.config.calendar.timeZone);
  return answerRateByDay(acc).find((d) => d.day === day) ?? { day, presented: 0, answered: 0, rate: null };
}
