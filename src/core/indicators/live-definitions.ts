// Definitions of the live indicators, read at an instant for the room.
import { LIVE, def, seconds, type IndicatorGroup } from './definition.js';
import { QS_THRESHOLD_MS } from './rules.js';

const qsLive = (id: string, label: string, window: string) =>
  def(
    id,
    label,
    'ratio',
    `First answers in ${window} strictly below ${seconds(QS_THRESHOLD_MS)} since arrival / first answers in ${window}; null when none.`,
    {
      dated: `${LIVE} Dated by the first answer (CallConnected.at), not the arrival.`,
      boundary: `Strictly below ${QS_THRESHOLD_MS} ms.`,
    },
  );

export const live: IndicatorGroup = {
  id: 'live',
  title: 'Live',
  intro: 'For the room: what is happening now. Not stored per interval.',
  items: [
    def(
      'live.waiting',
      'Calls waiting',
      'calls',
      'Calls waiting in each queue now (queued, ringing an agent, or in a warm transfer), inbound and outbound.',
      {
        keyedBy: 'queue',
        dated: LIVE,
      },
    ),
    def('live.oldestWaitS', 'Oldest wait', 'seconds', 'The longest current wait in each queue.', {
      keyedBy: 'queue',
      dated: LIVE,
      clock: 'From the entry into the queue to now.',
    }),
    def(
      'live.waitingForDoctor',
      'Waiting for a doctor',
      'calls',
      'Calls waiting in a regulation (doctor) queue now, by branch.',
      {
        keyedBy: 'branch',
        dated: LIVE,
      },
    ),
    def(
      'live.agents',
      'Agents by state and role',
      'agents',
      'Agents of the site by "role:state" (first configured role; logged-out agents included).',
      {
        keyedBy: 'role:state',
        dated: LIVE,
      },
    ),
    qsLive(
      'live.qs30Last15min',
      'Rolling QS 30 s, last 15 minutes',
      'the last 15 minutes (now − 15 min, now]',
    ),
    qsLive('live.qs30LastHour', 'Rolling QS 30 s, last hour', 'the last hour (now − 1 h, now]'),
    qsLive('live.qs30Today', 'QS 30 s today', 'today (local midnight of the site, now]'),
    def(
      'live.p0InProgress',
      'P0 calls in progress',
      'calls',
      'Live calls whose current qualification is P0.',
      { dated: LIVE },
    ),
  ],
};
