// The queue an answer counts in when the PBX cannot say (sim-fs: one music for every queue), as
// the replay's ground truth infers it: the trace's expected step when the answering agent could
// take the call from it, by its skills or through that queue's overflow tiers. Seen in the kill -9
// replay on sim-fs at load 20: the ACD came back late, C4 passed N1's 45 s tier and was answered
// by the N2 AMU regulator; the ACD counted it in N1 (right), the ground truth in N2 AMU (wrong).
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { fsCallRecord } from '../../../simulator/replay/fs-records.js';
import { groundTruth } from '../../../simulator/replay/ground-truth.js';
import { queueOfAnswer } from '../../../simulator/replay/queue-of-answer.js';

const parsed = parseSiteConfig(exampleSite);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const config = parsed.config;

describe('the queue of an answer the PBX does not name', () => {
  it('the expected step when the agent serves it, or when one of its overflow tiers lends the agent', () => {
    // n1's tier adds n2-amu: arm-5 (n2-amu only) may answer an N1 caller who waited past it.
    expect(config.queues.find((q) => q.id === 'n1')!.overflow.tiers[0]!.addQueues).toContain('n2-amu');
    expect(queueOfAnswer(config, 'PJSIP/arm-5', 'n1')).toBe('n1');
    expect(queueOfAnswer(config, 'PJSIP/arm-5', 'n2-amu')).toBe('n2-amu');
    expect(queueOfAnswer(config, 'PJSIP/arm-1', 'n1')).toBe('n1');
    // No tier of n1 lends n2-mg: the agent's own queue.
    expect(queueOfAnswer(config, 'PJSIP/osnp-1', 'n1')).toBe('n2-mg');
    expect(queueOfAnswer(config, 'PJSIP/arm-5', undefined)).toBe('n2-amu');
    expect(queueOfAnswer(config, 'PJSIP/nobody', 'n1')).toBeNull();
  });

  it("a sim-fs caller answered by N2 AMU through N1's tier counts its wait in N1, as the ACD does", () => {
    // C4 of the replay's trace (N1 only), from the failing run: alone 34.7 real s, then arm-5.
    const c4 = fsCallRecord(
      {
        callId: 'c4',
        line: '15',
        callerNumber: '0600002129',
        arrivedAtMs: 0,
        answeredByPbxAtMs: 40,
        endedAtMs: 37_235,
        endedBy: 'pbx',
        referredTo: null,
        redirectedTo: null,
        agents: ['PJSIP/arm-5'],
        media: [
          { atMs: 34_773, phones: ['PJSIP/arm-5'] },
          { atMs: 37_025, phones: [] },
        ],
      },
      () => 'n1',
    );
    const truth = groundTruth([c4], {
      thresholdRealSeconds: () => 12,
      entryQueue: () => 'n1',
      queueOfAnswer: (_callId, endpoint, n) => queueOfAnswer(config, endpoint, ['n1'][n]),
      speed: 2.5,
      toleranceMs: 1500,
    });
    expect(Object.keys(truth.queues)).toEqual(['n1']);
    expect(truth.queues.n1).toMatchObject({ offered: 1, answered: 1, abandoned: 0 });
  });
});
