// The verdict of `bench replay-day` (src/bench/replay-day-verdict.ts), on hand-computed figures:
// |twin − live| ≤ max(2 × the day-to-day sd, one call's worth), per queue and indicator.
import { describe, expect, it } from 'vitest';
import { dayVerdict, indicatorVerdict, K_SPREADS } from '../../../src/bench/replay-day-verdict.js';
import type { Indicators } from '../../../src/bench/replay-day.js';

const sd = (value: number) => ({ mean: 0, sd: value });

describe('bench replay-day verdict', () => {
  it('agrees up to K day-to-day standard deviations, either sign, and not beyond', () => {
    expect(K_SPREADS).toBe(2);
    // N1 mean wait: sd 1.3 s, so ±2.6 s.
    expect(indicatorVerdict('meanWaitSeconds', 8.3, 5.8, sd(1.3), 600)).toEqual({
      live: 8.3,
      twin: 5.8,
      gap: -2.5,
      tolerance: 2.6,
      agrees: true,
    });
    expect(indicatorVerdict('meanWaitSeconds', 8.3, 10.9, sd(1.3), 600).agrees).toBe(true);
    const beyond = indicatorVerdict('meanWaitSeconds', 8.3, 4.5, sd(1.3), 600);
    expect(beyond).toMatchObject({ gap: -3.8, tolerance: 2.6, agrees: false });
    expect(beyond.note).toBe('|gap| 3.8 > 2.6');
  });

  it("floors the tolerance at one call's worth: 1 for a count, 1/answered for QS, nothing for a wait", () => {
    // Every baseline day gave 0 abandons (sd 0): one borderline caller is still no disagreement.
    expect(indicatorVerdict('abandoned', 0, 1, sd(0), 10)).toMatchObject({ tolerance: 1, agrees: true });
    expect(indicatorVerdict('abandoned', 0, 2, sd(0), 10)).toMatchObject({ tolerance: 1, agrees: false });
    // QS over 8 answers: one answer is 0.125.
    expect(indicatorVerdict('qs', 0.875, 1, sd(0), 8)).toMatchObject({
      gap: 0.125,
      tolerance: 0.125,
      agrees: true,
    });
    expect(indicatorVerdict('qs', 0.75, 1, sd(0), 8)).toMatchObject({ tolerance: 0.125, agrees: false });
    expect(indicatorVerdict('meanWaitSeconds', 1, 1.2, sd(0), 8)).toMatchObject({
      tolerance: 0,
      agrees: false,
    });
    // No baseline spread for the indicator: the floor alone.
    expect(indicatorVerdict('offered', 10, 11, null, 8)).toMatchObject({ tolerance: 1, agrees: true });
  });

  it('nothing on either side agrees; a value on one side only does not', () => {
    expect(indicatorVerdict('qs', null, null, sd(0.1), 0)).toEqual({
      live: null,
      twin: null,
      gap: null,
      tolerance: null,
      agrees: true,
      note: 'no value on either side',
    });
    expect(indicatorVerdict('meanWaitSeconds', null, 12, sd(3), 4)).toMatchObject({
      gap: null,
      agrees: false,
      note: 'live has no value',
    });
  });

  // Session 8's whole day at speed 120 (docs/traffic.md): N2 without a single abandon live.
  const ind = (offered: number, qs: number, meanWaitSeconds: number, abandoned: number): Indicators => ({
    offered,
    qs,
    meanWaitSeconds,
    abandoned,
  });
  const live = { n1: ind(660, 0.917, 8.3, 25), 'n2-amu': ind(164, 0.762, 60.3, 0) };
  const twin = { n1: ind(660, 0.927, 4.5, 18), 'n2-amu': ind(166, 0.899, 17.1, 18) };
  const spread = {
    n1: { offered: sd(25.806), qs: sd(0.02), meanWaitSeconds: sd(1.295), abandoned: sd(3.395) },
    'n2-amu': { offered: sd(16.215), qs: sd(0.038), meanWaitSeconds: sd(6.267), abandoned: sd(7.501) },
  };

  it("names each indicator beyond its tolerance, and disagrees overall (session 8's day)", () => {
    const v = dayVerdict(live, twin, spread, { n1: 640, 'n2-amu': 148 }, true);
    expect(v.agrees).toBe(false);
    expect(v.k).toBe(2);
    expect(v.rule).toMatch(/2 × day-to-day sd/);
    // N1: QS +0.01 within ±0.04; mean wait −3.8 beyond ±2.59; abandons −7 just beyond ±6.79.
    expect(v.queues.n1!.qs).toMatchObject({ gap: 0.01, tolerance: 0.04, agrees: true });
    expect(v.queues.n1!.offered).toMatchObject({ gap: 0, agrees: true });
    expect(v.queues.n1!.abandoned).toMatchObject({ gap: -7, tolerance: 6.79, agrees: false });
    expect(v.disagreements).toEqual([
      'n1 meanWaitSeconds: live 8.3, twin 4.5, gap -3.8 beyond ±2.59',
      'n1 abandoned: live 25, twin 18, gap -7 beyond ±6.79',
      'n2-amu qs: live 0.762, twin 0.899, gap 0.137 beyond ±0.076',
      'n2-amu meanWaitSeconds: live 60.3, twin 17.1, gap -43.2 beyond ±12.534',
      'n2-amu abandoned: live 0, twin 18, gap 18 beyond ±15.002',
    ]);
  });

  it('agrees when every indicator does and the day reconciled; a day that did not reconcile never agrees', () => {
    const same = dayVerdict(twin, twin, spread, { n1: 640, 'n2-amu': 148 }, true);
    expect(same.agrees).toBe(true);
    expect(same.disagreements).toEqual([]);
    const unreconciled = dayVerdict(twin, twin, spread, { n1: 640, 'n2-amu': 148 }, false);
    expect(unreconciled.agrees).toBe(false);
    expect(unreconciled.disagreements).toEqual(['the live day did not reconcile with its PBX']);
  });

  it('a queue on one side only disagrees on each of its figures', () => {
    const v = dayVerdict({ n1: twin.n1 }, twin, spread, { n1: 640, 'n2-amu': 148 }, true);
    expect(v.agrees).toBe(false);
    expect(v.queues['n2-amu']!.offered).toMatchObject({
      live: null,
      twin: 166,
      agrees: false,
      note: 'live has no value',
    });
    expect(v.disagreements).toHaveLength(4);
  });
});
