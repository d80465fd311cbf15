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

/** QS 30 s over the first answers in (from, now]. */
function rollingQs(acc: Indicators, from: number, now: number): Value {
  let answered = 0;
  let within = 0;
  for (let i = acc.recentAt.length - 1; i >= acc.recentHead; i--) {
    const at = acc.recentAt[i]!;
    if (at <= from) break;
    if (at > now) continue;
    answered++;
    if (acc.recentWithin[i]) within++;
  }
  return answered > 0 ? within / answered : null;
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
  const midnight = DateTime.fromMillis(now, { zone: acc.config.calendar.timeZone }).startOf('day').toMillis();
  return {
    'live.waiting': waiting,
    'live.oldestWaitS': oldest,
    'live.waitingForDoctor': doctor,
    'live.agents': agents,
    'live.qs30Last15min': rollingQs(acc, now - 15 * 60_000, now),
    'live.qs30LastHour': rollingQs(acc, now - 3_600_000, now),
    'live.qs30Today': rollingQs(acc, midnight - 1, now),
    'live.p0InProgress': acc.p0.size,
  };
}
