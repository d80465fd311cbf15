// The replay's ground truth from sim-pbx timelines: each wait found, attributed to its queue, and
// ended as answered, abandoned or another exit, as the ACD counts queue steps.
import { describe, expect, it } from 'vitest';
import type { CallRecord, TimelineEntry, TimelineKind } from '../../../simulator/pbx/timeline.js';
import { callCountsOf } from '../../../simulator/replay/call-counts.js';
import { groundTruth } from '../../../simulator/replay/ground-truth.js';

const at = (kind: TimelineKind, atMs: number, detail?: Record<string, unknown>): TimelineEntry => ({
  kind,
  at: '',
  atMs,
  ...(detail ? { detail } : {}),
});
const holding = (q: string) => ({ bridge: `queue-${q}`, type: 'holding' });
const mixing = { bridge: 'call-1', type: 'mixing' };

function call(id: string, entries: TimelineEntry[], endedBy: CallRecord['endedBy'] = 'pbx'): CallRecord {
  const ended = entries.find((e) => e.kind === 'ended');
  return {
    callId: id,
    channelId: id,
    line: '15',
    caller: { name: '', number: '', withheld: true },
    patienceSec: null,
    route: 'stasis',
    arrivedAtMs: entries[0]!.atMs,
    answeredByPbxAtMs: null,
    answeredBy: null,
    answeredByAgentAtMs: null,
    agents: [],
    agentLegs: [],
    endedAtMs: ended ? ended.atMs : null,
    endedBy: ended ? endedBy : null,
    cause: null,
    entries,
  };
}

const options = {
  thresholdRealSeconds: (q: string) => (q === 'n1' ? 30 : 60),
  entryQueue: () => 'n1',
  queueOfAnswer: (_c: string, endpoint: string) => (endpoint === 'PJSIP/osnp-1' ? 'n2-mg' : null),
  speed: 1,
  toleranceMs: 100,
};

describe('replay ground truth', () => {
  it('counts a call answered at N1 then, after a blind transfer, at N2', () => {
    const t = groundTruth(
      [
        call('a', [
          at('arrived', 0),
          at('entered-bridge', 10, holding('n1')),
          at('connected-to-agent', 40_000, { agent: 'PJSIP/arm-1' }),
          at('left-bridge', 100_000, mixing),
          at('entered-bridge', 100_010, holding('n2-amu')),
          at('connected-to-agent', 105_000, { agent: 'PJSIP/arm-5' }),
          at('left-bridge', 200_000, mixing),
          at('ended', 200_000),
        ]),
      ],
      options,
    );
    expect(t.queues.n1).toMatchObject({ offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 0 });
    expect(t.queues.n1!.meanWaitSeconds).toBe(40);
    expect(t.queues['n2-amu']).toMatchObject({ offered: 1, answered: 1, answeredWithinThreshold: 1 });
    expect(t.queues['n2-amu']!.meanWaitSeconds).toBe(5);
    expect(t.calls).toEqual({ arrived: 1, lost: 0, stuck: 0, conferenceAnswers: 0 });
  });

  it('counts an abandon in the queue the caller waited in, and a wait near the threshold', () => {
    const t = groundTruth(
      [
        call(
          'b',
          [at('arrived', 0), at('entered-bridge', 5, holding('n1')), at('ended', 12_000)],
          'patience',
        ),
        call('c', [
          at('arrived', 0),
          at('entered-bridge', 5, holding('n1')),
          at('connected-to-agent', 29_950, { agent: 'PJSIP/arm-1' }),
          at('left-bridge', 60_000, mixing),
          at('ended', 60_000),
        ]),
      ],
      options,
    );
    expect(t.queues.n1).toMatchObject({ offered: 2, answered: 1, abandoned: 1, answeredWithinThreshold: 1 });
    expect(t.queues.n1!.nearThreshold).toBe(1);
  });

  it("puts a caller connected before any holding bridge in the answering agent's queue", () => {
    const t = groundTruth(
      [
        call('d', [
          at('arrived', 0),
          at('entered-bridge', 5, holding('n1')),
          at('connected-to-agent', 10, { agent: 'PJSIP/arm-2' }),
          at('left-bridge', 50_000, mixing),
          at('entered-bridge', 50_001, mixing),
          at('connected-to-agent', 50_500, { agent: 'PJSIP/osnp-1' }),
          at('left-bridge', 90_000, mixing),
          at('ended', 90_000),
        ]),
      ],
      options,
    );
    expect(Object.keys(t.queues).sort()).toEqual(['n1', 'n2-mg']);
    expect(t.queues['n2-mg']).toMatchObject({ offered: 1, answered: 1 });
    expect(t.queues['n2-mg']!.meanWaitSeconds).toBeCloseTo(0.5);
  });

  it('reports a call cut by the PBX before any agent as lost, and one not ended as stuck', () => {
    const t = groundTruth(
      [
        call('e', [at('arrived', 0), at('entered-bridge', 5, holding('n1')), at('ended', 1_000)], 'pbx'),
        call('f', [at('arrived', 0), at('entered-bridge', 5, holding('n1'))]),
      ],
      options,
    );
    expect(t.calls).toMatchObject({ arrived: 2, lost: 1, stuck: 1 });
    // Both waits were offers of N1; neither was answered nor abandoned by its caller.
    expect(t.queues.n1).toMatchObject({ offered: 2, answered: 0, abandoned: 0 });
  });

  it('counts a caller sent to the partner SAS as an offer of its queue, neither abandoned nor lost', () => {
    // As sim-pbx records it with the replay's partner phone: the ACD continues the caller into the
    // partner-sas context, the partner's leg answers (not an agent's), and when the partner hangs up
    // the PBX ends the caller; or the caller hangs up while with the partner.
    const sent = (id: string, endedBy: CallRecord['endedBy']) =>
      call(
        id,
        [
          at('arrived', 0),
          at('entered-bridge', 5, holding('n1')),
          at('left-bridge', 15_000, holding('n1')),
          at('continued', 15_000, { context: 'partner-sas', extension: 'partner-sas-85' }),
          at('ended', 45_000),
        ],
        endedBy,
      );
    const t = groundTruth([sent('g', 'pbx'), sent('h', 'caller')], options);
    expect(t.calls).toMatchObject({ arrived: 2, lost: 0, stuck: 0, conferenceAnswers: 0 });
    expect(t.queues.n1).toMatchObject({ offered: 2, answered: 0, abandoned: 0 });
    const counts = callCountsOf([sent('g', 'pbx'), sent('h', 'caller')], 100).counts;
    expect(counts).toMatchObject({ arrived: 2, answered: 0, abandoned: 0 });
  });
});
