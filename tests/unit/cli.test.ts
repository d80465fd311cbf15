import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { registerBench } from '../../src/cli/bench.js';
import { runCliInProcess } from './cli-in-process.js';

const run = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/sas-acd.mjs', ...args], { encoding: 'utf8' });

describe('the sas-acd command', () => {
  it('prints its help with the subcommands it knows', () => {
    const help = run('--help');
    expect(help).toContain('Usage: sas-acd');
    expect(help).toContain('bench');
  });

  it('refuses an unknown benchmark with a message naming the known ones', async () => {
    // In process: the spawn above already proves bin/sas-acd.mjs loads every command.
    const r = await runCliInProcess(registerBench, ['bench', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown benchmark "nope"/);
  });
});
