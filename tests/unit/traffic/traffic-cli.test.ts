import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../simulator/traffic/trace-parse.js';
import { registerTraffic } from '../../../src/cli/traffic.js';
import { runCliInProcess } from '../cli-in-process.js';

// In process (same commander program); the bad-scenario case spawns the command through a harness
// with the same code, to check it as a user runs it (exit code, stderr).
const traffic = (...args: string[]) => runCliInProcess(registerTraffic, ['traffic', ...args]);
const trafficSpawned = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'tests/unit/traffic/cli-harness.ts', 'traffic', ...args], {
    encoding: 'utf8',
  });

const dir = mkdtempSync(join(tmpdir(), 'sas-acd-traffic-'));

describe('sas-acd traffic', () => {
  it('generates a trace from a scenario and prints a JSON summary', async () => {
    const out = join(dir, 'trace.csv');
    const r = await traffic(
      'generate',
      '--scenario',
      'simulator/traffic/scenarios/issue-12-example.json',
      '--out',
      out,
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      calls: number;
      seed: number;
      qualification: Record<string, number>;
    };
    expect(summary.seed).toBe(42);
    const parsed = parseTrace(readFileSync(out, 'utf8'), { knownLines: ['15', 'sdis'] });
    expect(parsed.ok && parsed.calls.length).toBe(summary.calls);
    // The same command again writes the same file.
    const out2 = join(dir, 'trace2.csv');
    await traffic(
      'generate',
      '--scenario',
      'simulator/traffic/scenarios/issue-12-example.json',
      '--out',
      out2,
      '--json',
    );
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('refuses a bad scenario with exit code 2, naming the fields', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ seed: 1, hours: -1, arrivals: { callsPerHour: 10 }, qualification: {} }),
    );
    const r = trafficSpawned('generate', '--scenario', bad, '--out', join(dir, 'x.csv'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hours: /m);
    // Shares left out are 0 (issue 22): an empty mix adds up to 0, not 1.
    expect(r.stderr).toMatch(/^qualification: shares must add up to 1 \(got 0\)/m);
    expect(r.stderr).toMatch(/^handlingSeconds: /m);
  });

  it('checks a trace file and lists its bad rows by line', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      'arrival_s,line,caller,patience_s,n1_talk_s,qualification,n2_talk_s\n0,15,a,,30,P9,\n',
    );
    const r = await traffic('check', file, '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      errors: [{ line: 2, message: expect.stringMatching(/P9/) }],
    });
  });
});
