import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, validateScenario } from '../../../simulator/traffic/scenario.js';

const example = () =>
  JSON.parse(readFileSync('simulator/traffic/scenarios/issue-12-example.json', 'utf8')) as Record<
    string,
    unknown
  >;

const errorsOf = (value: unknown) => {
  const r = validateScenario(value);
  return r.ok ? [] : r.errors;
};

describe('scenario file', () => {
  it("accepts the issue's example as is, with defaults filled in", () => {
    const r = validateScenario(example());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.mode).toBe('two-level');
    expect(r.scenario.arrivals).toEqual({ callsPerHour: 100 });
    expect(r.scenario.handlingSeconds['n2-mg']).toEqual({ dist: 'lognormal', mean: 300, sd: 120 });
  });

  it('accepts the shipped week scenario (profile, doctor step, retrials, staff by hour)', () => {
    const r = parseScenario(readFileSync('simulator/traffic/scenarios/samu-like-week.json', 'utf8'));
    expect(r.ok).toBe(true);
  });

  it('accepts patienceSeconds: null, callsPerDay with a profile, a trace, and lines omitted', () => {
    expect(errorsOf({ ...example(), patienceSeconds: null })).toEqual([]);
    expect(
      errorsOf({
        ...example(),
        arrivals: { callsPerDay: 2400, hourlyProfile: 'samu-like', dayOfWeek: [1, 1, 1, 1, 1, 2, 2] },
      }),
    ).toEqual([]);
    expect(errorsOf({ ...example(), arrivals: { trace: 'day.csv' } })).toEqual([]);
    const { lines: _lines, ...noLines } = example();
    expect(errorsOf(noLines)).toEqual([]);
    expect(
      errorsOf({
        ...example(),
        regulation: { amu: 0.7, mg: 1.0 },
        handlingSeconds: {
          ...(example().handlingSeconds as object),
          'reg-amu': { dist: 'fixed', mean: 200 },
          'reg-mg': { dist: 'exponential', mean: 300 },
        },
        retrials: { probability: 0.5, delaySeconds: { dist: 'exponential', mean: 60 } },
        mode: 'one-level',
        staff: { n1: Array.from({ length: 24 }, () => 3), 'n2-amu': 2 },
      }),
    ).toEqual([]);
  });

  it('names the field path of every error', () => {
    const bad = {
      ...example(),
      seed: 1.5,
      qualification: { P0: 0.1, P1: 0.3, P2: 0.4, DR: 0.1 },
      handlingSeconds: {
        n1: { dist: 'exponential', mean: 90 },
        'n2-amu': { dist: 'gamma', mean: 240 },
        'n2-mg': { dist: 'lognormal', mean: 300 },
      },
      patienceSeconds: { dist: 'exponential', mean: -5 },
      staff: { n1: [1, 2, 3], n3: 2 },
      mode: 'three-level',
      colour: 'red',
    };
    const paths = errorsOf(bad).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'seed',
        'qualification',
        'handlingSeconds.n2-amu.dist',
        'handlingSeconds.n2-mg.sd',
        'patienceSeconds.mean',
        'staff.n1',
        'mode',
        '(root)',
      ]),
    );
    expect(errorsOf(bad).find((e) => e.path === 'qualification')?.message).toMatch(/add up to 1/);
    expect(errorsOf(bad).find((e) => e.path === '(root)')?.message).toMatch(/colour/);
    expect(paths.some((p) => p.startsWith('staff'))).toBe(true);
  });

  it('requires exactly one way of giving arrivals, and a profile with callsPerDay', () => {
    expect(errorsOf({ ...example(), arrivals: { callsPerHour: 10, trace: 'x.csv' } })).toEqual([
      {
        path: 'arrivals',
        message: expect.stringMatching(/exactly one of .* \(got callsPerHour and trace\)/),
      },
    ]);
    expect(errorsOf({ ...example(), arrivals: {} })).toEqual([
      { path: 'arrivals', message: expect.stringMatching(/exactly one of .* \(got none\)/) },
    ]);
    expect(errorsOf({ ...example(), arrivals: { callsPerDay: 100 } })).toEqual([
      { path: 'arrivals.hourlyProfile', message: expect.stringMatching(/needs an hourlyProfile/) },
    ]);
    expect(errorsOf({ ...example(), arrivals: { callsPerDay: 100, hourlyProfile: [1, 2] } })[0]?.path).toBe(
      'arrivals.hourlyProfile',
    );
  });

  it('requires the handling time of every step the mix sends calls to', () => {
    const ex = example();
    const e = errorsOf({
      ...ex,
      handlingSeconds: { n1: { dist: 'fixed', mean: 60 } },
      regulation: { mg: 0.5 },
    });
    expect(e.map((x) => x.path).sort()).toEqual([
      'handlingSeconds.n2-amu',
      'handlingSeconds.n2-mg',
      'handlingSeconds.reg-mg',
    ]);
  });

  it('reports a JSON syntax error at the root', () => {
    const r = parseScenario('{ "seed": 1,');
    expect(!r.ok && r.errors[0]).toMatchObject({
      path: '(root)',
      message: expect.stringMatching(/not valid JSON/),
    });
  });
});
