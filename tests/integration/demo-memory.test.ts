// The demo on a machine without redis-server: the same engine, API and screens on the shell's
// in-memory log, said in one line; it takes calls and stops cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('sas-acd demo without redis-server', () => {
  it('runs on the in-memory log, says so, takes calls and exits 0', async () => {
    // A PATH that holds node and nothing else: no redis-server to be found.
    const bin = mkdtempSync(join(tmpdir(), 'sas-nopath-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const child = spawn(
      process.execPath,
      [
        'bin/sas-acd.mjs',
        'demo',
        '--port',
        '0',
        '--speed',
        '30',
        '--calls-per-hour',
        '900',
        '--duration',
        '8',
      ],
      { env: { ...process.env, PATH: bin, REDIS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toContain('No redis-server here');
    expect(out).not.toMatch(/redis:\/\//);
    const line = out.split('\n').find((l) => l.startsWith('{"summary"'));
    expect(line, out).toBeDefined();
    const { summary } = JSON.parse(line!) as {
      summary: { injected: number; arrived: number; answered: number };
    };
    expect(summary.arrived).toBe(summary.injected);
    expect(summary.arrived).toBeGreaterThan(0);
    expect(code).toBe(0);
  }, 90_000);
});
