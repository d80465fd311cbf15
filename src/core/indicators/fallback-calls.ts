// A call the dialplan fallback answered while the ACD was away (FallbackCallCounted): an arrival
// answered by the SAS, dated by its own arrival (often an earlier interval than the event's), and
// counted apart as a fallback answer. The engine emits it once per call id (rules/fallback.ts).
import type { FallbackCallAbandoned, FallbackCallCounted, MissedCallAbandoned } from '../events.js';
import { figuresAt, type Indicators } from './accumulator.js';
import { entry, newCallCounts } from './figures.js';
import { QS_THRESHOLD_MS, RECENT_ANSWERS_MS, SHORT_ABANDON_MS, intervalStart } from './rules.js';

export function fallbackCounted(acc: Indicators, e: FallbackCallCounted): void {
  const fig = figuresAt(acc, intervalStart(e.arrivedAt), e.period);
  const dims = [
    `department:${e.department}`,
    `line:${e.line}`,
    `origin:${e.originSite}`,
    `mode:${e.mode}`,
  ].map((k) => entry(fig.byDimension, k, newCallCounts));
  const within = e.sinceArrivalMs < QS_THRESHOLD_MS;
  for (const c of [fig.calls, ...dims]) {
    c.arrived++;
    c.answered++;
    c.fallbackAnswered++;
    if (within) {
      c.answeredWithin++;
      c.fallbackAnsweredWithin++;
    }
    c.answerWaitMs += e.sinceArrivalMs;
  }
  rememberPastAnswer(acc, e.answeredAt, within);
}

/**
 * A caller who hung up in the dialplan's wait or fallback: an arrival and an abandon of the SAS,
 * and a fallback abandon; a missed abandon (MissedCallAbandoned) is the ACD's own, not a fallback's.
 */
export function fallbackAbandoned(acc: Indicators, e: FallbackCallAbandoned | MissedCallAbandoned): void {
  const fallback = e.type === 'FallbackCallAbandoned';
  const fig = figuresAt(acc, intervalStart(e.arrivedAt), e.period);
  const dims = [
    `department:${e.department}`,
    `line:${e.line}`,
    `origin:${e.originSite}`,
    `mode:${e.mode}`,
  ].map((k) => entry(fig.byDimension, k, newCallCounts));
  for (const c of [fig.calls, ...dims]) {
    c.arrived++;
    c.abandoned++;
    if (fallback) c.fallbackAbandoned++;
    if (e.sinceArrivalMs < SHORT_ABANDON_MS) c.shortAbandoned++;
  }
}

/**
 * The rolling live QS reads first answers newest first and stops at the first one too old, so an
 * answer learnt late is put at its place in time (never at the end), unless it is already older
 * than what the rolling QS keeps.
 */
function rememberPastAnswer(acc: Indicators, at: number, within: boolean): void {
  const newest = acc.recentAt.length > 0 ? acc.recentAt[acc.recentAt.length - 1]! : -Infinity;
  if (at < newest - RECENT_ANSWERS_MS) return;
  let i = acc.recentAt.length;
  while (i > acc.recentHead && acc.recentAt[i - 1]! > at) i--;
  acc.recentAt.splice(i, 0, at);
  acc.recentWithin.splice(i, 0, within);
}
