import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/sas-acd.mjs', ...args], { encoding: 'utf8' });

describe('the sas-acd command', () => {
  it('prints its help with the subcommands it knows', () => {
    const help = run('--help');
    expect(help).toContain('Usage: sas-acd');
    expect(help).toContain('bench');
  });

  it('refuses an unknown benchmark with a message naming the known ones', () => {
    expect(() =>
      execFileSync(process.execPath, ['bin/sas-acd.mjs', 'bench', 'nope'], { stdio: 'pipe' }),
    ).toThrow(/unknown benchmark "nope"/);
  });
});
