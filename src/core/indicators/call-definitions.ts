// Definitions of the per-call (annex 3) and per-queue-step indicators.
import { BY_ENTRY, def, seconds, type IndicatorGroup } from './definition.js';
import { QS_THRESHOLD_MS, SHORT_ABANDON_MS } from './rules.js';

export const perCall: IndicatorGroup = {
  id: 'calls',
  title: 'Per SAS call (annex 3)',
  intro:
    'Inbound calls only, each counted once however many queues it passes through. Outbound calls (callbacks, click-to-dial, external transfers) are never arrivals nor answered calls. Every value is also broken down by department, line, origin SAS and operating mode (one-level / two-level) of the call at arrival; the breakdowns add up to the site total.',
  items: [
    def('calls.arrived', 'Calls arrived', 'calls', 'Inbound calls arrived at the platform (CallArrived).'),
    def(
      'calls.answered',
      'Calls answered by the SAS (appels décrochés)',
      'calls',
      'Inbound calls answered at least once by a SAS agent, counted once at their first answer (CallConnected with firstAnswer), whether at N1, N2 or a doctor step.',
    ),
    def(
      'calls.answeredWithin30s',
      `Calls answered in less than ${seconds(QS_THRESHOLD_MS)}`,
      'calls',
      'Answered calls whose wait at the first answer, since arrival at the platform, is strictly below the threshold.',
      {
        clock:
          'Starts at the arrival at the platform (CallArrived.at); stops at the first answer by any SAS agent (CallConnected.sinceArrivalMs).',
        boundary: `Strictly below ${QS_THRESHOLD_MS} ms: ${((QS_THRESHOLD_MS - 1) / 1000).toFixed(3)} s is in, ${(QS_THRESHOLD_MS / 1000).toFixed(3)} s is out.`,
      },
    ),
    def(
      'calls.qs30',
      'QS 30 s',
      'ratio',
      'calls.answeredWithin30s / calls.answered. Abandoned calls are outside this ratio (reported apart); null when no call was answered.',
    ),
    def(
      'calls.answerRate',
      'Answer rate',
      'ratio',
      'calls.answered / calls.arrived (null when no call arrived).',
    ),
    def(
      'calls.meanAnswerWaitS',
      'Mean wait before the first answer',
      'seconds',
      'Mean, over answered calls, of the wait from arrival to the first answer.',
      { clock: 'Arrival at the platform to the first answer (CallConnected.sinceArrivalMs).' },
    ),
    def(
      'calls.abandoned',
      'Calls abandoned before any answer',
      'calls',
      "The caller hung up while waiting alone in a queue before any SAS agent answered (CallEnded with outcome 'abandoned' and answered false). Also counted here, once per call id: callers who hung up in the dialplan fallback (FallbackCallAbandoned, see calls.fallbackAbandoned), and callers who came and went while only a process no longer leading heard them (MissedCallAbandoned: its lease lapsed and another process took the lead; each also an arrival).",
    ),
    def(
      'calls.shortAbandoned',
      `Short abandons (under ${seconds(SHORT_ABANDON_MS)})`,
      'calls',
      'Abandons before any answer whose time since arrival is strictly below the threshold; included in calls.abandoned.',
      {
        clock: 'Arrival at the platform to the hang-up (CallEnded.sinceArrivalMs).',
        boundary: `Strictly below ${SHORT_ABANDON_MS} ms.`,
      },
    ),
    def(
      'calls.redirected',
      'Calls sent to a partner SAS before any answer',
      'calls',
      "Line switched (bascule), overflow to a partner (débordement), queue unstaffed (CallEnded with outcome 'redirected', never answered).",
    ),
    def(
      'calls.fallbackAnswered',
      'Calls answered by the dialplan fallback (appels pris en secours)',
      'calls',
      "Calls the N1 fallback group answered while the ACD was away (Stasis application not connected: asterisk-config/extensions.conf [sasacd-fallback]), from the PBX's record, counted once by call id when the ACD is back (FallbackCallCounted). Each is also an arrival and an answered call in calls.arrived, calls.answered and QS 30 s; a call the ACD itself took after a fallback round is an ACD call, never a fallback one.",
      {
        clock:
          'Arrival at the SAS dialplan to the answer by a phone of the group (FallbackCallCounted.sinceArrivalMs).',
      },
    ),
    def(
      'calls.fallbackAbandoned',
      'Calls abandoned in the dialplan fallback (abandons en secours)',
      'calls',
      "Callers who hung up, before any answer, while the dialplan waited for the ACD or rang the fallback group (asterisk-config/extensions.conf [sasacd-fallback-abandoned]), from the PBX's record, counted once by call id when the ACD is back (FallbackCallAbandoned). Each is also an arrival and an abandon in calls.arrived, calls.abandoned (and calls.shortAbandoned under 5 s); a caller the ACD took at a retry is an ACD call, never a fallback one.",
      {
        clock: 'Arrival at the SAS dialplan to the hang-up (FallbackCallAbandoned.sinceArrivalMs).',
      },
    ),
    def(
      'calls.fallbackAnsweredWithin30s',
      'Calls answered by the dialplan fallback in less than 30 s',
      'calls',
      'Fallback calls whose answer came strictly less than 30 s after arrival; included in calls.answeredWithin30s.',
      {
        clock:
          'Arrival at the SAS dialplan to the answer by a phone of the group (FallbackCallCounted.sinceArrivalMs).',
        boundary: `Strictly below ${QS_THRESHOLD_MS} ms: 29.999 s is in, 30.000 s is out.`,
      },
    ),
  ],
};

export const perQueue: IndicatorGroup = {
  id: 'queues',
  title: 'Per queue step',
  intro:
    "What supervisors steer with: each entry of an inbound call into a queue (N1, N2 AMU, N2 MG, a doctor step, booking) is a separate offer of that queue. A call that passes through three queues is offered three times, once in each. A call back in the queue of its step because its agent's phone dropped (CallQueued reason leg-lost) is not a new entry: neither offered nor answered again there.",
  items: [
    def('queue.offered', 'Offered', 'calls', 'Entries of inbound calls into the queue (CallQueued).', {
      keyedBy: 'queue',
      dated: BY_ENTRY,
    }),
    def(
      'queue.answered',
      'Answered',
      'calls',
      'Entries ended by an agent answering in this queue (CallConnected).',
      {
        keyedBy: 'queue',
        dated: BY_ENTRY,
      },
    ),
    def(
      'queue.answeredWithinThreshold',
      "Answered within the queue's threshold",
      'calls',
      "Answers whose wait in this queue is strictly below the queue's own thresholdSeconds (site configuration, in force at the answer).",
      {
        keyedBy: 'queue',
        dated: BY_ENTRY,
        clock:
          'Starts at the entry into this queue (CallQueued.at); stops at the answer (CallConnected.waitedMs).',
        boundary: 'Strictly below thresholdSeconds × 1000 ms.',
      },
    ),
    def(
      'queue.serviceLevel',
      'Queue service level',
      'ratio',
      'queue.answeredWithinThreshold / queue.answered (null when nothing was answered).',
      { keyedBy: 'queue', dated: BY_ENTRY },
    ),
    def(
      'queue.abandoned',
      'Abandoned in the queue',
      'calls',
      "The caller hung up while waiting alone in this queue (CallEnded with outcome 'abandoned'), whether or not it had been answered before in another queue.",
      { keyedBy: 'queue', dated: BY_ENTRY },
    ),
    def(
      'queue.otherExits',
      'Left the queue otherwise',
      'calls',
      'Entries ended neither by an answer nor by an abandon: sent to a partner SAS, callback accepted, call ended during a warm transfer.',
      { keyedBy: 'queue', dated: BY_ENTRY },
    ),
    ...(
      [
        ['queue.waitMeanS', 'Mean wait of answered calls', 'Mean'],
        ['queue.waitP50S', 'Median wait of answered calls (p50)', 'Exact nearest-rank 50th percentile'],
        [
          'queue.waitP90S',
          '90th percentile wait of answered calls (p90)',
          'Exact nearest-rank 90th percentile',
        ],
        ['queue.waitMaxS', 'Longest wait of an answered call', 'Maximum'],
      ] as const
    ).map(([id, label, how]) =>
      def(
        id,
        label,
        'seconds',
        `${how} of the waits of the answered entries (every wait kept; nearest rank = the smallest wait with at least that share of waits at or below it).`,
        {
          keyedBy: 'queue',
          dated: BY_ENTRY,
          clock:
            'Starts at the entry into this queue (CallQueued.at); stops at the answer in it (CallConnected.waitedMs).',
        },
      ),
    ),
    def(
      'queue.abandonWaitMeanS',
      'Mean wait before abandoning',
      'seconds',
      'Mean wait in this queue of the calls abandoned in it.',
      {
        keyedBy: 'queue',
        dated: BY_ENTRY,
        clock: 'Starts at the entry into this queue; stops at the hang-up (CallEnded.waitedMs).',
      },
    ),
  ],
};
