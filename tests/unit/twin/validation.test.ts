// A scenario the twin cannot run is refused with every bad field named.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTwinScenario } from '../../../simulator/twin/twin-scenario.js';
import { registerSimulate } from '../../../src/cli/simulate.js';
import { runCliInProcess } from '../cli-in-process.js';

const base = {
  seed: 1,
  hours: 2,
  arrivals: { callsPerHour: 30 },
  qualification: { P0: 0, P1: 0.5, P2: 0.5, DR: 0 },
  handlingSeconds: {
    n1: { dist: 'exponential', mean: 60 },
    'n2-amu': { dist: 'exponential', mean: 100 },
    'n2-mg': { dist: 'exponential', mean: 100 },
  },
  staff: { n1: 2, 'n2-amu': 1, 'n2-mg': 1 },
};

const paths = (value: unknown) => {
  const r = validateTwinScenario(value);
  return r.ok ? [] : r.errors.map((e) => e.path);
};

describe('twin scenario validation', () => {
  it('accepts a complete scenario, with line priorities', () => {
    expect(paths({ ...base, lines: { '15': 0.5, sdis: 0.5 }, linePriorities: { sdis: 5 } })).toEqual([]);
  });

  it('names the team a reached step lacks, and a missing staff', () => {
    expect(paths({ ...base, staff: { n1: 2, 'n2-amu': 1 } })).toEqual(['staff.n2-mg']);
    const { staff: _staff, ...noStaff } = base;
    expect(paths(noStaff)).toEqual(['staff']);
  });

  it('names bad line priorities and traffic fields', () => {
    expect(paths({ ...base, linePriorities: { '15': 12, pro: 3 } })).toEqual([
      'linePriorities.15',
      'linePriorities.pro',
    ]);
    expect(
      paths({
        ...base,
        handlingSeconds: { ...base.handlingSeconds, 'n2-mg': { dist: 'lognormal', mean: 5 } },
      }),
    ).toContain('handlingSeconds.n2-mg.sd');
    expect(paths({ ...base, lines: { 'bad line': 1 } })).toEqual(['lines.bad line']);
  });

  it('the CLI reports the field on stderr with exit code 2, and runs a good scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-cli-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...base, linePriorities: { '15': 'high' } }));
    const cli = ['--import', 'tsx', 'tests/unit/twin/cli-harness.ts', 'simulate', 'twin'];
    let stderr = '';
    let status = 0;
    try {
      execFileSync('node', [...cli, '--scenario', bad, '--json'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      status = err.status;
      stderr = err.stderr;
    }
    expect(status).toBe(2);
    expect(stderr).toContain('linePriorities.15');
    const good = join(dir, 'good.json');
    const report = join(dir, 'report.html');
    writeFileSync(good, JSON.stringify({ ...base, description: 'ILLUSTRATIVE test' }));
    // The good run in process (same commander program): a CLI start through tsx takes seconds.
    const run = await runCliInProcess(registerSimulate, [
      'simulate',
      'twin',
      '--scenario',
      good,
      '--json',
      '--replications',
      '2',
      '--report',
      report,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as {
      queues: Record<string, unknown>;
      ci95: unknown;
      series?: unknown;
    };
    expect(Object.keys(json.queues)).toEqual(['n1', 'n2-amu', 'n2-mg']);
    expect(json.ci95).not.toBeNull();
    expect(json.series).toBeUndefined();
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Illustrative scenario');
    expect(html).not.toMatch(/<script|https?:\/\//);
  }, 60_000);
});
