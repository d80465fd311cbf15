// Definitions of the triage indicators: N1 orientation, talk time by role, files and outcomes.
import { def, seconds, type IndicatorGroup } from './definition.js';
import { N1_ORIENTATION_TARGET_MS } from './rules.js';

const N1_CLOCK =
  "Starts at the call's first answer at an N1 queue (CallConnected, stage n1); stops when that same N1 ARM asks for the transfer (CallTransferred from the N1 queue, blind or warm).";

export const n1: IndicatorGroup = {
  id: 'n1',
  title: 'N1 orientation',
  intro:
    'The N1 ARM answers, qualifies and orients (cible en 30 secondes). Calls kept at N1 (P0, or any call in one-level mode: CallKept) are reported apart so they do not distort the N1 mean; calls ended at N1 (DR, no file) are not orientations.',
  items: [
    def(
      'n1.oriented',
      'Calls oriented by N1',
      'calls',
      "Calls transferred by the N1 ARM who answered them (when the first N1 ARM's phone dropped, by the N1 ARM who answered next, timed from that answer).",
      {
        clock: N1_CLOCK,
      },
    ),
    def('n1.orientationMeanS', 'Mean N1 orientation time', 'seconds', 'Mean of the N1 orientation times.', {
      clock: N1_CLOCK,
    }),
    def(
      'n1.orientationWithin30sShare',
      `Share of orientations in less than ${seconds(N1_ORIENTATION_TARGET_MS)}`,
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

export const roles: IndicatorGroup = {
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
      'callDuration.calls',
      'Calls taken, by annex 3 role',
      'calls',
      'Inbound calls on which at least one agent of the role talked, counted once per call however many legs (annex 3 table 3 items 9–13), by annex role: front-office-arm (talk labels n1-arm and arm-kept: P0 and one-level calls included), n2-amu-arm, osnp, mrg, mru.',
      { keyedBy: 'annex role' },
    ),
    def(
      'callDuration.meanS',
      'Mean call duration, by annex 3 role',
      'seconds',
      'Annex 3 table 3 items 9–13: the time agents of the role spent on a call, all their legs added (two OSNP legs, N2 then N4, make one call), divided by the calls taken (callDuration.calls). Wrap-up is not included.',
      {
        keyedBy: 'annex role',
        clock:
          'Each leg from CallConnected to AgentLeftCall (talkMs), added per call; the call is counted when it ends (CallEnded).',
      },
    ),
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

export const files: IndicatorGroup = {
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
