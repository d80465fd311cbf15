// Property tests of the indicators over random command sequences through the real engine (the
// shared generator of tests/unit/core/random-commands.ts): the counts are consistent with each
// other and with the engine's state, and replaying the exported events gives the same figures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../../src/core/events.js';
import { createIndicators, type Indicators } from '../../../src/core/indicators/accumulator.js';
import type { CallCounts, Figures } from '../../../src/core/indicators/figures.js';
import { liveValues } from '../../../src/core/indicators/live.js';
import { applyIndicatorEvent } from '../../../src/core/indicators/reducer.js';
import { rollUp } from '../../../src/core/indicators/spans.js';
import { randomConfig, randomRun, runCommands, type RandomRun } from '../core/random-commands.js';

const config = randomConfig;

/** Runs a random sequence; the live accumulator is fed step by step, as the shell would. */
function run(r: RandomRun) {
  const live = createIndicators(config);
  const result = runCommands(r, {
    onResult: (_c, res) => res.ok && res.events.forEach((e) => applyIndicatorEvent(live, e)),
  });
  return { ...result, live };
}

const COUNTERS = [
  'arrived',
  'answered',
  'answeredWithin',
  'answerWaitMs',
  'abandoned',
  'shortAbandoned',
  'redirected',
] as const;

function checkFigures(f: Figures): void {
  const c = f.calls;
  expect(c.answered).toBeLessThanOrEqual(c.arrived);
  expect(c.answeredWithin).toBeLessThanOrEqual(c.answered);
  expect(c.shortAbandoned).toBeLessThanOrEqual(c.abandoned);
  // Answered, abandoned before any answer and redirected before any answer are disjoint.
  expect(c.answered + c.abandoned + c.redirected).toBeLessThanOrEqual(c.arrived);
  for (const [qid, q] of f.queues) {
    expect(q.answered, qid).toBeLessThanOrEqual(q.offered);
    expect(q.answeredWithin, qid).toBeLessThanOrEqual(q.answered);
    expect(q.answered + q.abandoned + q.otherExits, qid).toBeLessThanOrEqual(q.offered);
    expect(q.waitsMs.length).toBe(q.answered);
  }
  // Each dimension's breakdown adds up to the site total, counter by counter.
  for (const dim of ['department', 'line', 'origin', 'mode']) {
    const sum: Record<string, number> = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
    for (const [key, counts] of f.byDimension) {
      if (!key.startsWith(`${dim}:`)) continue;
      for (const k of COUNTERS) sum[k]! += (counts as CallCounts)[k];
    }
    expect(sum, dim).toEqual(Object.fromEntries(COUNTERS.map((k) => [k, c[k]])));
  }
  expect(f.files.drmAmu + f.files.drmMg).toBe(f.files.drm);
  expect(f.n1Orientation.within).toBeLessThanOrEqual(f.n1Orientation.count);
  let byArm = 0;
  for (const t of f.n1OrientationByAgent.values()) byArm += t.count;
  expect(byArm).toBe(f.n1Orientation.count);
}

function totals(acc: Indicators) {
  const year = [...rollUp(acc, 'year').values()];
  return year;
}

describe('indicators over random command sequences', () => {
  it('keep answered ≤ offered, within ≤ answered, breakdowns adding up, in every interval, day and year', () => {
    fc.assert(
      fc.property(randomRun(), (r) => {
        const { live, log } = run(r);
        for (const g of ['interval', 'day', 'year'] as const)
          for (const span of rollUp(live, g).values()) for (const f of Object.values(span)) checkFigures(f);
        // Per queue, summed over branches: the branches add up to the site's queue steps.
        const arrivals = log.filter((e) => e.type === 'CallArrived').length;
        const firstAnswers = new Set(
          log.flatMap((e) =>
            e.type === 'CallConnected' && e.firstAnswer && e.callId.startsWith('c') ? [e.callId] : [],
          ),
        );
        const all = totals(live).map((s) => s.all);
        const answered = all.reduce((n, f) => n + f.calls.answered, 0);
        expect(answered).toBeLessThanOrEqual(arrivals);
        expect(answered).toBe(firstAnswers.size);
        expect(all.reduce((n, f) => n + f.calls.arrived, 0)).toBe(arrivals);
        const offeredByBranch = new Map<string, number>();
        let offered = 0;
        for (const f of all)
          for (const [qid, q] of f.queues) {
            const branch = config.queues.find((x) => x.id === qid)!.branch;
            offeredByBranch.set(branch, (offeredByBranch.get(branch) ?? 0) + q.offered);
            offered += q.offered;
          }
        expect([...offeredByBranch.values()].reduce((a, b) => a + b, 0)).toBe(offered);
        // A call back in its queue after its agent's phone dropped is not a new entry.
        const inboundQueued = log.filter(
          (e) => e.type === 'CallQueued' && e.callId.startsWith('c') && e.reason !== 'leg-lost',
        ).length;
        expect(offered).toBe(inboundQueued);
      }),
      { numRuns: 200 },
    );
  });

  it('agree with the engine on the calls waiting and the agents live', () => {
    fc.assert(
      fc.property(randomRun(), (r) => {
        const { s, live, now } = run(r);
        const v = liveValues(live, now);
        const waiting: Record<string, number> = Object.fromEntries(config.queues.map((q) => [q.id, 0]));
        for (const c of Object.values(s.data.calls)) if (c.pending) waiting[c.pending.queueId]!++;
        expect(v['live.waiting']).toEqual(waiting);
        const agents: Record<string, number> = {};
        for (const a of Object.values(s.data.agents)) {
          const key = `${config.agents.find((x) => x.id === a.id)!.roles[0]}:${a.status}`;
          agents[key] = (agents[key] ?? 0) + 1;
        }
        expect(v['live.agents']).toEqual(agents);
        const p0 = Object.values(s.data.calls).filter((c) => c.qualification === 'P0').length;
        expect(v['live.p0InProgress']).toBe(p0);
      }),
      { numRuns: 150 },
    );
  });

  it('are rebuilt exactly by replaying the exported (JSON-lines) events', () => {
    fc.assert(
      fc.property(randomRun(), (r) => {
        const { live, log } = run(r);
        const exported = log.map((e) => JSON.stringify(e)).join('\n');
        const replayed = createIndicators(config);
        for (const line of exported.split('\n')) applyIndicatorEvent(replayed, JSON.parse(line) as Event);
        expect(replayed).toEqual(live);
      }),
      { numRuns: 100 },
    );
  });
});
