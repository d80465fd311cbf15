// The twin's figures are reproducible from the seed, and its counts follow the indicators' rules:
// a call through N1, N2 and the doctor counts once as answered; queue steps count per entry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../../simulator/traffic/generate.js';
import { formatTrace } from '../../../simulator/traffic/trace-write.js';
import { runTwin, type TwinResults } from '../../../simulator/twin/run-twin.js';
import { validateTwinScenario } from '../../../simulator/twin/twin-scenario.js';

function twin(overrides: Record<string, unknown> = {}) {
  const r = validateTwinScenario({
    seed: 7,
    hours: 12,
    arrivals: { callsPerHour: 60 },
    lines: { '15': 0.8, sdis: 0.2 },
    qualification: { P0: 0.05, P1: 0.3, P2: 0.4, DR: 0.25 },
    handlingSeconds: {
      n1: { dist: 'exponential', mean: 60 },
      'n2-amu': { dist: 'exponential', mean: 120 },
      'n2-mg': { dist: 'lognormal', mean: 150, sd: 60 },
      'reg-amu': { dist: 'exponential', mean: 180 },
      'reg-mg': { dist: 'exponential', mean: 200 },
      'book-mg': { dist: 'fixed', mean: 90 },
    },
    regulation: { amu: 0.6, mg: 0.8, booking: 0.5 },
    staff: { n1: 3, 'n2-amu': 3, 'n2-mg': 4, 'reg-amu': 3, 'reg-mg': 4, 'book-mg': 2 },
    ...overrides,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.twin.scenario;
}

const withoutTiming = (r: TwinResults) => ({ ...r, engine: { ...r.engine, seconds: 0 } });

describe('twin counts', () => {
  it('gives the same figures for the same seed, and others for another seed', () => {
    const s = twin({ patienceSeconds: { dist: 'exponential', mean: 90 } });
    const a = runTwin(s);
    const b = runTwin(s);
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    const c = runTwin({ ...s, seed: 8 });
    expect(c.calls.arrived).not.toBe(a.calls.arrived);
  });

  it('counts a call through N1, N2, the doctor and the booking once, and each queue step per entry', () => {
    const s = twin();
    const trace = generateTrace(s);
    const r = runTwin(s);
    const count = (f: (c: (typeof trace)[number]) => boolean) => trace.filter(f).length;
    // Nobody hangs up: every call is answered, once, whatever the number of steps it went through.
    expect(r.calls.arrived).toBe(trace.length);
    expect(r.calls.answeredBySas).toBe(trace.length);
    expect(r.calls.stillInProgress).toBe(0);
    expect(r.queues['n1']!.answered).toBe(trace.length);
    // Each step is offered exactly the calls whose trace row goes there.
    expect(r.queues['n2-amu']!.offered).toBe(count((c) => c.qualification === 'P1'));
    expect(r.queues['n2-mg']!.offered).toBe(count((c) => c.qualification === 'P2'));
    expect(r.queues['reg-amu']!.offered).toBe(
      count((c) => c.qualification !== 'P2' && c.regulationTalkS !== null),
    );
    expect(r.queues['reg-mg']!.offered).toBe(
      count((c) => c.qualification === 'P2' && c.regulationTalkS !== null),
    );
    expect(r.queues['book-mg']!.offered).toBe(count((c) => c.bookingTalkS !== null));
    const steps = Object.values(r.queues).reduce((n, q) => n + q.answered, 0);
    expect(steps).toBeGreaterThan(r.calls.answeredBySas);
    expect(r.calls.files.drm).toBe(count((c) => c.qualification !== 'DR'));
    expect(r.calls.files.dr).toBe(count((c) => c.qualification === 'DR'));
    expect(r.lines['15']!.offered + r.lines['sdis']!.offered).toBe(trace.length);
  });

  it('counts as abandoned only the callers who hang up before any answer; later ones are lost after triage', () => {
    const s = twin({
      patienceSeconds: { dist: 'exponential', mean: 60 },
      staff: { n1: 2, 'n2-amu': 1, 'n2-mg': 1, 'reg-amu': 1, 'reg-mg': 1, 'book-mg': 1 },
    });
    const r = runTwin(s);
    const later = Object.entries(r.queues)
      .filter(([id]) => id !== 'n1')
      .reduce((n, [, q]) => n + q.abandoned, 0);
    expect(r.queues['n1']!.abandoned).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(0);
    expect(r.calls.abandoned).toBe(r.queues['n1']!.abandoned);
    expect(r.calls.lostAfterTriage).toBe(later);
    expect(r.calls.answeredBySas + r.calls.abandoned + r.calls.stillUnanswered).toBe(r.calls.arrived);
  });

  it('makes abandoning callers call again: each retrial is a call received', () => {
    const s = twin({
      patienceSeconds: { dist: 'exponential', mean: 30 },
      staff: { n1: 1, 'n2-amu': 3, 'n2-mg': 4, 'reg-amu': 3, 'reg-mg': 4, 'book-mg': 2 },
      retrials: { probability: 1, delaySeconds: { dist: 'fixed', mean: 60 }, maxAttempts: 2 },
    });
    const r = runTwin(s);
    expect(r.calls.retrials).toBeGreaterThan(0);
    expect(r.calls.arrived).toBe(r.calls.firstAttempts + r.calls.retrials);
    // With maxAttempts 2, only first attempts call again.
    expect(r.calls.retrials).toBeLessThanOrEqual(r.calls.abandoned);
  });

  it('logs agents in and out at hour boundaries; an agent on a call logs out after it', () => {
    const seats = [0, 0, 0, 0, 3, 3, 3, 3, ...Array.from({ length: 16 }, () => 1)];
    const s = twin({
      qualification: { P0: 0, P1: 0, P2: 0, DR: 1 },
      staff: { n1: seats },
      regulation: undefined,
    });
    const r = runTwin(s, { withSeries: true });
    const hour = 3_600_000;
    const logged = r.series!.loggedInMs['n1']!;
    expect(logged.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(r.series!.busyMs['n1']!.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(logged.slice(4, 8)).toEqual([3 * hour, 3 * hour, 3 * hour, 3 * hour]);
    // At 08:00 two agents leave, each once its call (if any) is over.
    expect(logged[8]).toBeGreaterThanOrEqual(hour);
    expect(logged[8]).toBeLessThan(3 * hour);
    expect(logged[10]).toBe(hour);
    expect(r.calls.answeredBySas).toBe(r.calls.arrived);
  });

  it('runs one level: the N1 ARM keeps P1 and P2 calls, nothing enters N2', () => {
    const s = twin({ mode: 'one-level', staff: { n1: 4, 'reg-amu': 3, 'reg-mg': 4, 'book-mg': 2 } });
    const r = runTwin(s);
    expect(r.queues['n2-amu']?.offered ?? 0).toBe(0);
    expect(r.queues['n2-mg']?.offered ?? 0).toBe(0);
    expect(r.queues['reg-amu']!.answered).toBeGreaterThan(0);
    expect(r.calls.answeredBySas).toBe(r.calls.arrived);
  });
});

describe('twin on a trace file', () => {
  it('gives the same figures as the generated traffic the trace was written from, and refuses replications', () => {
    const s = twin({ patienceSeconds: { dist: 'exponential', mean: 90 } });
    const dir = mkdtempSync(join(tmpdir(), 'twin-trace-'));
    const path = join(dir, 'trace.csv');
    writeFileSync(path, formatTrace(generateTrace(s)));
    const fromTrace = { ...s, arrivals: { trace: path } };
    const a = runTwin(s);
    const b = runTwin(fromTrace);
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    expect(() => runTwin(fromTrace, { replications: 2 })).toThrow(/generated arrivals/);
  });
});
