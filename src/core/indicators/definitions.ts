// Every indicator's exact definition, as data. docs/indicators.md is rendered from this list
// (dictionary.ts) and a test checks that the values the code computes (values.ts, live.ts) are
// exactly the ones defined here, so the published definitions and the code cannot drift apart.
import { N1_ORIENTATION_TARGET_MS, QS_THRESHOLD_MS, SHORT_ABANDON_MS } from './rules.js';

export type IndicatorDefinition = {
  id: string;
  label: string;
  unit: 'calls' | 'ratio' | 'seconds' | 'count' | 'agents';
  /** Null for a site-wide value; otherwise what the value is broken down by. */
  keyedBy: string | null;
  /** What is counted, from which events. */
  counts: string;
  /** What starts and stops the clock (durations only). */
  clock: string | null;
  /** Where the boundaries fall. */
  boundary: string | null;
  /** Which span and period (SAS / PDSA) the value falls in. */
  dated: string;
};

export type IndicatorGroup = { id: string; title: string; intro: string; items: IndicatorDefinition[] };

const s = (ms: number) => `${ms / 1000} s`;
const BY_ARRIVAL =
  "The 15-minute interval of the call's arrival (CallArrived.at), in SAS or PDSA hours by the period in force at arrival (CallArrived.period); the 24 h column is their sum.";
const BY_ENTRY =
  "The 15-minute interval of the call's entry into the queue (CallQueued.at), in SAS or PDSA hours by the call's arrival period; the 24 h column is their sum.";
const LIVE = 'Live: computed at the instant asked, from the calls and agents in progress.';

function def(
  id: string,
  label: string,
  unit: IndicatorDefinition['unit'],
  counts: string,
  more: Partial<Omit<IndicatorDefinition, 'id' | 'label' | 'unit' | 'counts'>> = {},
): IndicatorDefinition {
  return { id, label, unit, counts, keyedBy: null, clock: null, boundary: null, dated: BY_ARRIVAL, ...more };
}

const perCall: IndicatorGroup = {
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
      `Calls answered in less than ${s(QS_THRESHOLD_MS)}`,
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
      "The caller hung up while waiting alone in a queue before any SAS agent answered (CallEnded with outcome 'abandoned' and answered false).",
    ),
    def(
      'calls.shortAbandoned',
      `Short abandons (under ${s(SHORT_ABANDON_MS)})`,
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
  ],
};

const perQueue: IndicatorGroup = {
  id: 'queues',
  title: 'Per queue step',
  intro:
    'What supervisors steer with: each entry of an inbound call into a queue (N1, N2 AMU, N2 MG, a doctor step, booking) is a separate offer of that queue. A call that passes through three queues is offered three times, once in each.',
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

const N1_CLOCK =
  "Starts at the call's first answer at an N1 queue (CallConnected, stage n1); stops when that same N1 ARM asks for the transfer (CallTransferred from the N1 queue, blind or warm).";

const n1: IndicatorGroup = {
  id: 'n1',
  title: 'N1 orientation',
  intro:
    'The N1 ARM answers, qualifies and orients (cible en 30 secondes). Calls kept at N1 (P0, or any call in one-level mode: CallKept) are reported apart so they do not distort the N1 mean; calls ended at N1 (DR, no file) are not orientations.',
  items: [
    def(
      'n1.oriented',
      'Calls oriented by N1',
      'calls',
      'Calls transferred by the N1 ARM who answered them.',
      {
        clock: N1_CLOCK,
      },
    ),
    def('n1.orientationMeanS', 'Mean N1 orientation time', 'seconds', 'Mean of the N1 orientation times.', {
      clock: N1_CLOCK,
    }),
    def(
      'n1.orientationWithin30sShare',
      `Share of orientations in less than ${s(N1_ORIENTATION_TARGET_MS)}`,
      'ratio',
      'Orientations strictly below the target / n1.oriented.',
      { clock: N1_CLOCK, boundary: `Strictly below ${N1_ORIENTATION_TARGET_MS} ms.` },
    ),
    def('n1.byArm.oriented', 'Calls oriented, per ARM', 'calls', 'n1.oriented for each N1 ARM.', {
      keyedBy: 'agent',
      clock: N1_CLOCK,
    }),
    def(
      'n1.byArm.orientationMeanS',
      'Mean N1 orientation time, per ARM',
      'seconds',
      'n1.orientationMeanS for each N1 ARM.',
      {
        keyedBy: 'agent',
        clock: N1_CLOCK,
      },
    ),
    def(
      'n1.byArm.orientationWithin30sShare',
      'Share of orientations within the target, per ARM',
      'ratio',
      'n1.orientationWithin30sShare for each N1 ARM.',
      { keyedBy: 'agent', clock: N1_CLOCK },
    ),
    def(
      'n1.kept',
      'Calls kept at N1',
      'calls',
      'Calls the N1 ARM kept (CallKept), by qualification at that moment.',
      {
        keyedBy: 'qualification',
      },
    ),
    def(
      'n1.keptDecisionMeanS',
      'Mean time to keep a call at N1',
      'seconds',
      'Mean time from the N1 answer to the decision to keep the call, by qualification.',
      { keyedBy: 'qualification', clock: 'N1 answer (CallConnected, stage n1) to CallKept.' },
    ),
  ],
};

const roles: IndicatorGroup = {
  id: 'roles',
  title: 'Talk time by role',
  intro:
    "Role labels: n1-arm (ARM at N1), n2-amu-arm (ARM at N2 AMU), arm-kept (ARM on a call it kept at N1, apart), osnp, mrg (GP regulator), mru (hospital emergency regulator), outbound (any role on an outbound call, never under a role's label); an ARM serving elsewhere through a role exception is labelled arm-STAGE-BRANCH. Wrap-up is reported apart, never under the talk label.",
  items: [
    def(
      'talk.calls',
      'Calls handled',
      'count',
      'Times an agent left a call (AgentLeftCall), by role label.',
      {
        keyedBy: 'role label',
      },
    ),
    def('talk.meanS', 'Mean talk time', 'seconds', 'Mean talk time per call handled, by role label.', {
      keyedBy: 'role label',
      clock:
        'Starts when the agent is connected (CallConnected); stops when it leaves the call (AgentLeftCall.talkMs: transfer, hang-up, warm transfer done, caller hung up).',
    }),
    def(
      'wrapUp.count',
      'Wrap-ups',
      'count',
      'Wrap-ups started (AgentWrapUpStarted), by the role label of the call left last.',
      {
        keyedBy: 'role label',
        dated: 'The 15-minute interval of the start of the wrap-up, in the period in force then.',
      },
    ),
    def(
      'wrapUp.meanS',
      'Mean wrap-up time',
      'seconds',
      'Mean wrap-up duration, by the role label of the call left last.',
      {
        keyedBy: 'role label',
        clock:
          "Starts at AgentWrapUpStarted; stops at the agent's next state change (available, paused, logged out, offered a call, dialling out).",
        dated: 'The 15-minute interval of the start of the wrap-up, in the period in force then.',
      },
    ),
  ],
};

const files: IndicatorGroup = {
  id: 'files',
  title: 'Files, triage and outcomes',
  intro:
    "Counted when the call ends (CallEnded), dated by the call's arrival. A file's branch is AMU for P0/P1 and MG for P2, then the branch of its last reorientation (MG→AMU, AMU→MG). The regulation software (LRM) is the official source for DRM counts: these are the ACD's, labelled \"DRM opened at N1 (ACD)\", to be reconciled with the LRM's.",
  items: [
    def(
      'files.drmOpenedAtN1',
      'DRM opened at N1 (ACD)',
      'calls',
      'Inbound calls ended with a qualification P0, P1 or P2 (the last one given), whoever the ARM: a call entering N2 directly (fire-brigade line) and qualified there counts too.',
    ),
    def(
      'files.drmAmu',
      'DRM opened at N1 (ACD), AMU',
      'calls',
      'DRM whose branch after reorientations is AMU.',
    ),
    def('files.drmMg', 'DRM opened at N1 (ACD), MG', 'calls', 'DRM whose branch after reorientations is MG.'),
    def(
      'files.dr',
      'DR (dossier de régulation without medical regulation)',
      'calls',
      'Calls ended qualified DR.',
    ),
    def(
      'files.noFile',
      'Calls with no file',
      'calls',
      "Calls answered and ended at N1 without a qualification (CallEnded outcome 'no-file').",
    ),
    def(
      'lostAfterTriage.total',
      'Callers lost after triage',
      'calls',
      "Callers who hung up waiting at N2 or a doctor step after an answer at N1 (CallEnded outcome 'abandoned', answered true, last stage not n1).",
    ),
    def(
      'lostAfterTriage.byStep',
      'Callers lost after triage, by step and qualification',
      'calls',
      'lostAfterTriage.total by "stage:branch:qualification".',
      {
        keyedBy: 'stage:branch:qualification',
      },
    ),
    def(
      'reorientations.mgToAmu',
      'Reorientations MG → AMU',
      'calls',
      "Transfers from an MG queue to an AMU queue (CallTransferred.reorientation 'mg-to-amu').",
    ),
    def(
      'reorientations.amuToMg',
      'Reorientations AMU → MG',
      'calls',
      "Transfers from an AMU queue to an MG queue (CallTransferred.reorientation 'amu-to-mg').",
    ),
    def(
      'dispositions',
      'Outcomes by disposition',
      'calls',
      'Calls ended with a disposition (CallEnded.disposition), by "branch:disposition" (branch of the file after reorientations; the last queue\'s branch for a call without a DRM). MG outcomes are the "mg:…" keys, in SAS and PDSA hours.',
      { keyedBy: 'branch:disposition' },
    ),
    def(
      'outbound',
      'Outbound calls placed',
      'calls',
      'OutboundCallPlaced, by purpose; never counted as arrived or answered calls.',
      {
        keyedBy: 'purpose',
        dated: 'The 15-minute interval of the dialling, in the period in force then.',
      },
    ),
  ],
};

const qsLive = (id: string, label: string, window: string) =>
  def(
    id,
    label,
    'ratio',
    `First answers in ${window} strictly below ${s(QS_THRESHOLD_MS)} since arrival / first answers in ${window}; null when none.`,
    {
      dated: `${LIVE} Dated by the first answer (CallConnected.at), not the arrival.`,
      boundary: `Strictly below ${QS_THRESHOLD_MS} ms.`,
    },
  );

const live: IndicatorGroup = {
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

export const INDICATOR_GROUPS: IndicatorGroup[] = [perCall, perQueue, n1, roles, files, live];
export const INDICATORS: IndicatorDefinition[] = INDICATOR_GROUPS.flatMap((g) => g.items);
