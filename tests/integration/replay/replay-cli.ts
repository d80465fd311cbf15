// `sas-acd simulate replay` as the replay tests run it: spawned as a user runs it, or in this process
// (tests/unit/cli-in-process.ts). Each test file gives its own folder as the runs' TMPDIR, so "the
// stack's folder is removed at the end" is checked on that file's runs only: two files run at once
// (vitest maxWorkers 2) and a replay of the other file may hold a folder in the shared /tmp meanwhile.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerSimulate } from '../../../src/cli/simulate.js';
import { runCliInProcess } from '../../unit/cli-in-process.js';

const cli = fileURLToPath(new URL('../../../bin/sas-acd.mjs', import.meta.url));

export type ReplayRun = { code: number | null; stdout: string; stderr: string };

export function replayCli(tmp: string) {
  // tsx keeps the sources it compiled in os.tmpdir()/tsx-<uid>: the runs (and their children) share
  // the usual one, instead of compiling the whole CLI again in this file's fresh TMPDIR (2 CPU s).
  const tsxCache = `tsx-${process.geteuid?.() ?? userInfo().username}`;
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
  if (!existsSync(join(tmp, tsxCache))) symlinkSync(join(tmpdir(), tsxCache), join(tmp, tsxCache));
  return {
    /** The command spawned (bin/sas-acd.mjs), its temporary folders under `tmp`. */
    spawned(args: string[]): Promise<ReplayRun> {
      const child = spawn(process.execPath, [cli, 'simulate', 'replay', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TMPDIR: tmp },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
    },
    /** The same commander program in this process (os.tmpdir() reads TMPDIR at each call). */
    async inProcess(args: string[]): Promise<ReplayRun> {
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      try {
        const r = await runCliInProcess(registerSimulate, ['simulate', 'replay', ...args]);
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
    },
    /** The replay stacks' folders (`sas-acd-replay-*`) left under `tmp`. */
    stackDirs: () => readdirSync(tmp).filter((d) => d.startsWith('sas-acd-replay-')),
  };
}
