import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { computeStaff, registerStaff, UsageError } from '../../../src/cli/staff.js';
import { runCliInProcess } from '../cli-in-process.js';

// In process (same commander program); one case below spawns the real command.
const staff = (...args: string[]) => runCliInProcess(registerStaff, ['staff', ...args]);
const staffSpawned = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/sas-acd.mjs', 'staff', ...args], { encoding: 'utf8' });

describe('sas-acd staff', () => {
  it('prints the Erlang C figures as JSON', async () => {
    const r = await staff(
      '--calls-per-hour',
      '100',
      '--aht',
      '180',
      '--agents',
      '6',
      '--threshold',
      '30',
      '--json',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    for (const k of [
      'erlangs',
      'agents',
      'probabilityOfWaiting',
      'serviceLevel',
      'averageSpeedOfAnswerSeconds',
      'occupancy',
    ]) {
      expect(out).toHaveProperty(k);
    }
    expect(out.erlangs).toBeCloseTo(5, 9);
    expect(out.agents).toBe(6);
    expect(out.probabilityOfWaiting).toBeCloseTo(0.5875, 4);
    expect(out.occupancy).toBeCloseTo(5 / 6, 9);
    expect(out).not.toHaveProperty('abandonRate');
  });

  it('switches to Erlang A with --patience and reports the abandon rate', async () => {
    const r = await staff(
      '--calls-per-hour',
      '100',
      '--aht',
      '180',
      '--agents',
      '6',
      '--patience',
      '180',
      '--json',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.model).toBe('erlang-a');
    expect(typeof out.abandonRate).toBe('number');
  });

  it('finds the smallest team for --target and rosters for absenteeism', async () => {
    const r = await staff(
      '--calls-per-hour',
      '100',
      '--aht',
      '180',
      '--target',
      '0.9',
      '--absenteeism',
      '0.12',
      '--json',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    // 5 erlangs: 8 agents give 89.9 % within 30 s, 9 give 95.9 %.
    expect(out.agents).toBe(9);
    expect(out.serviceLevel).toBeGreaterThanOrEqual(0.9);
    expect(out.rosteredAgents).toBe(Math.ceil(9 / 0.88));
    expect(out.fullTimePosts24x7).toBeCloseTo((9 * 8760) / 0.88 / 1607, 9);
  });

  it('adds the repeat calls of callers who abandoned with --retrial-probability', async () => {
    const r = await staff(
      '--calls-per-hour',
      '300',
      '--aht',
      '180',
      '--agents',
      '15',
      '--patience',
      '60',
      '--retrial-probability',
      '0.8',
      '--json',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    expect(out.firstAttemptsPerHour).toBe(300);
    expect(out.callsPerHour).toBeGreaterThan(300);
  });

  it('prints a readable table without --json', async () => {
    const r = await staff('--calls-per-hour', '100', '--aht', '180', '--agents', '6');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Charge (erlangs)');
    expect(r.stdout).toContain('5.00');
  });

  it('refuses bad option values with exit code 2 and a clear message', async () => {
    const r = await staff('--calls-per-hour', 'abc', '--aht', '180', '--agents', '6');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--calls-per-hour must be a number ≥ 0, got "abc"/);
    const unknown = await staff('--calls-per-hour', '100', '--aht', '180', '--agents', '6', '--nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--nope'/);
  });

  it('refuses an unknown option with exit code 2 as a user runs it (spawned bin/sas-acd.mjs)', () => {
    const unknown = staffSpawned('--calls-per-hour', '100', '--aht', '180', '--agents', '6', '--nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--nope'/);
  });

  it('names the bad option in every usage error (same code path, in process)', () => {
    const base = { threshold: '30', absenteeism: '0', hoursPerPost: '1607' };
    for (const [opts, message] of [
      [{ aht: '180', agents: '6' }, /--calls-per-hour is required/],
      [{ callsPerHour: '100', aht: '0', agents: '6' }, /--aht must be/],
      [{ callsPerHour: '100', aht: '180', agents: '2.5' }, /--agents must be a whole number/],
      [{ callsPerHour: '100', aht: '180', target: '1.5' }, /--target must be/],
      [{ callsPerHour: '100', aht: '180', agents: '6', target: '0.9' }, /exactly one of/],
      [{ callsPerHour: '100', aht: '180', target: '0.9', absenteeism: '1' }, /--absenteeism must be/],
      [{ callsPerHour: '100', aht: '180', agents: '6', threshold: '-1' }, /--threshold must be/],
      [{ callsPerHour: '100', aht: '180', agents: '6', patience: '0' }, /--patience must be/],
      [{ callsPerHour: '100', aht: '180', agents: '6', retrialProbability: '0.5' }, /needs --patience/],
    ] as const) {
      expect(() => computeStaff({ ...base, ...opts }), JSON.stringify(opts)).toThrow(UsageError);
      expect(() => computeStaff({ ...base, ...opts })).toThrow(message);
    }
  });
});

describe('the N1 : N2 ratio beside the rule of thumb (report P2: 1 N1 ARM for 2 N2 operators)', () => {
  it('writes the ratio the way the room says it', async () => {
    const { ratioLine } = await import('../../../src/cli/staff.js');
    // 10 N1 seat-hours for 25 N2 seat-hours: 0.40, i.e. 1 : 2.5.
    expect(ratioLine(10 / 25)).toBe(
      'Ratio N1 : N2 du plan : 1 : 2.5 (0.40) ; repère national (rapport 2023, P2) : 1 ARM N1 pour 2 opérateurs N2, soit N1 : N2 = 1 : 2 (0.50)',
    );
    expect(ratioLine(null)).toMatch(
      /^Ratio N1 : N2 du plan : — \(pas de N2 dans le plan\) ; repère national/,
    );
  });

  it('is printed under a scenario plan', async () => {
    const r = await staff(
      '--scenario',
      'simulator/traffic/scenarios/issue-12-example.json',
      '--target',
      '0.8',
      '--no-twin',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /Ratio N1 : N2 du plan : 1 : \d+\.\d \(\d\.\d\d\) ; repère national .* N1 : N2 = 1 : 2/,
    );
  });
});
