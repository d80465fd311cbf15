// The replay on FreeSWITCH: sim-fs's caller timelines (media shared with phones, and when) turned
// into sim-pbx's call records, then through the same ground truth: the waits, their queues and
// their ends as the ACD counts queue steps.
import { describe, expect, it } from 'vitest';
import { fsCallRecord, type FsTimeline } from '../../../simulator/replay/fs-records.js';
import { groundTruth } from '../../../simulator/replay/ground-truth.js';

function timeline(
  callId: string,
  media: FsTimeline['media'],
  end: { atMs: number; by: FsTimeline['endedBy'] } | null,
): FsTimeline {
  return {
    callId,
    line: '15',
    callerNumber: null,
    arrivedAtMs: 0,
    answeredByPbxAtMs: 5,
    endedAtMs: end?.atMs ?? null,
    endedBy: end?.by ?? null,
    referredTo: null,
    redirectedTo: null,
    agents: [...new Set(media.flatMap((m) => m.phones))],
    media,
  };
}

// The trace's path of each call: N1, then N2 AMU.
const queueOfWait = (_callId: string, n: number) => ['n1', 'n2-amu'][n] ?? 'n2-amu';
const options = {
  thresholdRealSeconds: () => 30,
  entryQueue: () => 'n1',
  queueOfAnswer: (_c: string, endpoint: string, n: number) =>
    endpoint === 'PJSIP/arm-5' ? 'n2-amu' : (['n1', 'n2-amu'][n] ?? null),
  speed: 1,
  toleranceMs: 100,
};
const truth = (...t: FsTimeline[]) =>
  groundTruth(
    t.map((x) => fsCallRecord(x, queueOfWait)),
    options,
  );

describe('sim-fs timelines as replay records', () => {
  it('counts an N1 answer, a blind transfer and an N2 answer; the end after the agent is no wait', () => {
    const t = truth(
      timeline(
        'a',
        [
          { atMs: 40_000, phones: ['PJSIP/arm-1'] },
          { atMs: 100_000, phones: [] },
          { atMs: 105_000, phones: ['PJSIP/arm-5'] },
          { atMs: 200_000, phones: [] },
        ],
        { atMs: 200_000, by: 'pbx' },
      ),
    );
    expect(t.queues.n1).toMatchObject({ offered: 1, answered: 1, abandoned: 0, answeredWithinThreshold: 0 });
    expect(t.queues.n1!.meanWaitSeconds).toBe(40);
    expect(t.queues['n2-amu']).toMatchObject({ offered: 1, answered: 1, answeredWithinThreshold: 1 });
    expect(t.queues['n2-amu']!.meanWaitSeconds).toBe(5);
    expect(t.calls).toEqual({ arrived: 1, lost: 0, stuck: 0, conferenceAnswers: 0 });
  });

  it('counts an abandon at N1, and one at N2 in the queue of that wait', () => {
    const t = truth(
      timeline('b', [], { atMs: 12_000, by: 'patience' }),
      timeline(
        'c',
        [
          { atMs: 1_000, phones: ['PJSIP/arm-1'] },
          { atMs: 60_000, phones: [] },
        ],
        { atMs: 90_000, by: 'caller' },
      ),
    );
    expect(t.queues.n1).toMatchObject({ offered: 2, answered: 1, abandoned: 1 });
    expect(t.queues['n2-amu']).toMatchObject({ offered: 1, answered: 0, abandoned: 1 });
    expect(t.calls).toEqual({ arrived: 2, lost: 0, stuck: 0, conferenceAnswers: 0 });
  });

  it('counts a doctor joining a caller already with an agent as a conference answer, not a wait', () => {
    const t = truth(
      timeline(
        'd',
        [
          { atMs: 2_000, phones: ['PJSIP/arm-1'] },
          { atMs: 30_000, phones: ['PJSIP/arm-1', 'PJSIP/mr-1'] },
          { atMs: 90_000, phones: [] },
        ],
        { atMs: 90_000, by: 'pbx' },
      ),
      timeline('e', [{ atMs: 3_000, phones: ['PJSIP/arm-2'] }], null),
    );
    expect(t.queues.n1).toMatchObject({ offered: 2, answered: 2 });
    expect(t.calls).toEqual({ arrived: 2, lost: 0, stuck: 1, conferenceAnswers: 1 });
  });
});
