// The fixed boundaries of the indicators, named once so the reducer, the tables and the data
// dictionary cannot disagree.

/** Annex 3 QS: a call is answered "within 30 s" when its wait since arrival is strictly below. */
export const QS_THRESHOLD_MS = 30_000;
/** An abandon after less than this since arrival is a short abandon (reported apart). */
export const SHORT_ABANDON_MS = 5_000;
/** The instruction's "cible en 30 secondes" for the N1 orientation (strictly below, as the QS). */
export const N1_ORIENTATION_TARGET_MS = 30_000;
/** Length of the smallest reporting interval; larger spans are sums of these. */
export const INTERVAL_MS = 15 * 60_000;
/** How long first answers are kept for the rolling live QS (a day and an hour of margin). */
export const RECENT_ANSWERS_MS = 25 * 3_600_000;

/** Start of the 15-minute interval holding `at`. Local 15-minute intervals coincide with UTC ones
 *  in every zone whose offset is a multiple of 15 minutes (all current IANA zones). */
export function intervalStart(at: number): number {
  return Math.floor(at / INTERVAL_MS) * INTERVAL_MS;
}
