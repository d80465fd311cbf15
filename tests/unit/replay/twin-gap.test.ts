// `simulate replay --twin` shows the twin beside the PBX and the ACD with its gap (twin − PBX),
// in the table and in the JSON (`twinGap`).
import { describe, expect, it } from 'vitest';
import { formatCallCounts, NO_CALLS } from '../../../simulator/replay/call-counts.js';
import type { QueueFigures } from '../../../simulator/replay/ground-truth.js';
import { formatTable, reconcile } from '../../../simulator/replay/reconcile.js';
import { formatGap, twinGap } from '../../../simulator/replay/twin-gap.js';

const q = (offered: number, answered: number, abandoned: number, within: number, wait: number | null) =>
  ({ offered, answered, abandoned, answeredWithinThreshold: within, meanWaitSeconds: wait }) as QueueFigures;

const truth = { n1: q(10, 8, 2, 6, 12.25), 'n2-amu': q(3, 3, 0, 3, 4) };
const twin = { n1: q(10, 9, 1, 8, 7.5), 'n2-mg': q(2, 2, 0, 2, 0) };
const truthCalls = { ...NO_CALLS, arrived: 10, answered: 8, answeredWithin30s: 6, abandoned: 2 };
const twinCalls = {
  ...NO_CALLS,
  arrived: 10,
  answered: 9,
  answeredWithin30s: 8,
  abandoned: 1,
  shortAbandoned: 1,
};

describe('twinGap', () => {
  it('is twin minus ground truth per figure, over the queues of either side', () => {
    const g = twinGap({ queues: truth, calls: truthCalls }, { queues: twin, calls: twinCalls });
    expect(g.queues).toEqual({
      n1: { offered: 0, answered: 1, abandoned: -1, answeredWithinThreshold: 2, meanWaitSeconds: -4.75 },
      // Reached live only: the twin counts none and has no mean wait to compare.
      'n2-amu': {
        offered: -3,
        answered: -3,
        abandoned: 0,
        answeredWithinThreshold: -3,
        meanWaitSeconds: null,
      },
      // Reached in the twin only.
      'n2-mg': { offered: 2, answered: 2, abandoned: 0, answeredWithinThreshold: 2, meanWaitSeconds: null },
    });
    expect(g.calls).toEqual({
      arrived: 0,
      answered: 1,
      answeredWithin30s: 2,
      abandoned: -1,
      shortAbandoned: 1,
    });
  });

  it('leaves float noise out of a mean wait gap', () => {
    const g = twinGap(
      { queues: { n1: q(3, 3, 0, 3, 0.1 + 0.2) }, calls: NO_CALLS },
      { queues: { n1: q(3, 3, 0, 3, 0.3) }, calls: NO_CALLS },
    );
    expect(g.queues.n1!.meanWaitSeconds).toBe(0);
  });

  it('formats a gap signed, one decimal for a fraction, a dash when there is nothing to compare', () => {
    expect([
      formatGap(0),
      formatGap(3),
      formatGap(-2),
      formatGap(-4.75),
      formatGap(0.04),
      formatGap(null),
    ]).toEqual(['0', '+3', '-2', '-4.8', '0', '—']);
  });
});

describe('the reconciliation tables with --twin', () => {
  it('show PBX | ACD | twin | gap per figure', () => {
    const r = reconcile(
      {
        n1: { ...truth.n1, waitSumMs: 98_000, nearThreshold: 0 },
        'n2-amu': { ...truth['n2-amu'], waitSumMs: 12_000, nearThreshold: 0 },
      },
      truth,
      1,
    );
    expect(r.reconciled).toBe(true);
    const table = formatTable(truth, truth, r, twin).split('\n');
    expect(table[0]).toContain('offered (PBX | ACD | twin | gap)');
    const n1 = table.find((l) => l.startsWith('n1'))!;
    expect(n1).toContain('10 | 10 | 10 | 0');
    expect(n1).toContain('8 | 8 | 9 | +1');
    expect(n1).toContain('12.3 | 12.3 | 7.5 | -4.8');
    const amu = table.find((l) => l.startsWith('n2-amu'))!;
    expect(amu).toContain('3 | 3 | 0 | -3');
    expect(amu).toContain('4 | 4 | — | —');
    expect(table.find((l) => l.startsWith('n2-mg'))).toContain('0 | 0 | 2 | +2');
  });

  it('show the annex 3 counts with the gap, and no twin column without --twin', () => {
    const withTwin = formatCallCounts(truthCalls, truthCalls, [], twinCalls).split('\n');
    expect(withTwin[0]).toContain('PBX | ACD | twin | gap');
    expect(withTwin.find((l) => l.startsWith('answered '))).toContain('8 | 8 | 9 | +1');
    expect(withTwin.find((l) => l.startsWith('abandoned'))).toContain('2 | 2 | 1 | -1');
    const alone = formatCallCounts(truthCalls, truthCalls, []).split('\n');
    expect(alone[0]).not.toContain('twin');
    expect(alone.find((l) => l.startsWith('arrived'))).toMatch(/10 \| 10\s*$/);
  });
});
