// Live figures for the room: calls waiting and their oldest wait, waiting for a doctor, agents by
// state and role, the rolling QS 30 s and the P0 calls in progress, read at an instant `now`
// passed in (the core reads no clock).
import { DateTime } from 'luxon';
import type { Indicators } from './accumulator.js';
import type { Keyed, Value } from './values.js';

export type LiveValues = {
  'live.waiting': Keyed;
  'live.oldestWaitS': Keyed;
  'live.waitingForDoctor': Keyed;
  'live.agents': Keyed;
  'live.qs30Last15min': Value;
  'live.qs30LastHour': Value;
  'live.qs30Today': Value;
  'live.p0InProgress': Value;
};

type Answers = { at: number[]; within: boolean[]; head: number; queue?: string[] };

/** Share answered within the threshold over the answers in (from, now] (of one queue if given). */
function rollingQs(r: Answers, from: number, now: number, queue?: string): Value {
  let answered = 0;
  let within = 0;
  for (let i = r.at.length - 1; i >= r.head; i--) {
    const at = r.at[i]!;
    if (at <= from) break;
    if (at > now || (queue !== undefined && r.queue![i] !== queue)) continue;
    answered++;
    if (r.within[i]) within++;
  }
  return answered > 0 ? within / answered : null;
}

/** The site's first answers (QS 30 s since arrival). */
const firstAnswers = (acc: Indicators): Answers => ({
  at: acc.recentAt,
  within: acc.recentWithin,
  head: acc.recentHead,
});

const midnightOf = (acc: Indicators, now: number) =>
  DateTime.fromMillis(now, { zone: acc.config.calendar.timeZone }).startOf('day').toMillis();

export type RollingQs = { last15min: Value; lastHour: Value; today: Value };

function rolling(acc: Indicators, r: Answers, now: number, queue?: string): RollingQs {
  return {
    last15min: rollingQs(r, now - 15 * 60_000, now, queue),
    lastHour: rollingQs(r, now - 3_600_000, now, queue),
    today: rollingQs(r, midnightOf(acc, now) - 1, now, queue),
  };
}

/**
 * Each configured queue's rolling service level: its answers within its own threshold (the rule
 * of `queue.serviceLevel`; 30 s unless the site sets another) over 15 min, 1 h and today.
 */
export function queueQs(acc: Indicators, now: number): Record<string, RollingQs> {
  const out: Record<string, RollingQs> = {};
  for (const q of acc.config.queues) out[q.id] = rolling(acc, acc.queueAnswers, now, q.id);
  return out;
}

const bump = (o: Keyed, k: string) => {
  o[k] = (o[k] ?? 0) + 1;
};

export function liveValues(acc: Indicators, now: number): LiveValues {
  const waiting: Keyed = {};
  const oldest: Keyed = {};
  const doctor: Keyed = {};
  for (const q of acc.config.queues) {
    waiting[q.id] = 0;
    oldest[q.id] = null;
  }
  for (const t of acc.calls.values()) {
    const p = t.pending;
    if (!p) continue;
    bump(waiting, p.queueId);
    const wait = (now - p.enteredAt) / 1000;
    oldest[p.queueId] = Math.max(oldest[p.queueId] ?? 0, wait);
    const q = acc.queues.get(p.queueId);
    if (q?.stage === 'regulation') bump(doctor, q.branch);
  }
  const agents: Keyed = {};
  for (const a of acc.agents.values()) bump(agents, `${a.role}:${a.status}`);
  const qs = rolling(acc, firstAnswers(acc), now);
  return {
    'live.waiting': waiting,
    'live.oldestWaitS': oldest,
    'live.waitingForDoctor': doctor,
    'live.agents': agents,
    'live.qs30Last15min': qs.last15min,
    'live.qs30LastHour': qs.lastHour,
    'live.qs30Today': qs.today,
    'live.p0InProgress': acc.p0.size,
  };
}
