// Answers per queue for the rolling live QS of each queue (console: 15 min / 1 h / today). Each
// answer in a queue is kept with whether it came within that queue's threshold — the rule of
// `queue.serviceLevel` — for RECENT_ANSWERS_MS, oldest first from `head`.
import { RECENT_ANSWERS_MS } from './rules.js';

export type QueueAnswers = { at: number[]; within: boolean[]; queue: string[]; head: number };

export const newQueueAnswers = (): QueueAnswers => ({ at: [], within: [], queue: [], head: 0 });

export function rememberQueueAnswer(r: QueueAnswers, queue: string, at: number, within: boolean): void {
  r.at.push(at);
  r.within.push(within);
  r.queue.push(queue);
  const horizon = at - RECENT_ANSWERS_MS;
  while (r.head < r.at.length && r.at[r.head]! < horizon) r.head++;
  // Compact now and then so the arrays do not grow for ever.
  if (r.head > 1024 && r.head * 2 > r.at.length) {
    r.at = r.at.slice(r.head);
    r.within = r.within.slice(r.head);
    r.queue = r.queue.slice(r.head);
    r.head = 0;
  }
}
