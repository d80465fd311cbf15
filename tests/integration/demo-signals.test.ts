// `sas-acd demo` as a new user runs it, with real processes: Ctrl-C in a terminal (SIGINT to the
// whole foreground process group) and SIGTERM stop it cleanly, and its redis-server with it; a
// demo killed with SIGKILL leaves no redis-server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin', 'sas-acd.mjs');
const running: ChildProcess[] = [];

type Started = {
  proc: ChildProcess;
  redisPort: number;
  acdUrl: string;
  output: () => string;
  exited: Promise<number | string>;
};

/** Starts the demo as a terminal would: leader of its own process group. Resolves once it serves. */
async function startDemo(): Promise<Started> {
  const proc = spawn(
    process.execPath,
    [BIN, 'demo', '--port', '0', '--calls-per-hour', '600', '--speed', '10'],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No REDIS_URL: the demo starts its own redis-server, the case under test.
      env: Object.fromEntries(
        Object.entries({ ...process.env, LOG_LEVEL: 'warn' }).filter(([k]) => k !== 'REDIS_URL'),
      ),
    },
  );
  running.push(proc);
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const deadline = Date.now() + 60_000;
  while (!/redis\s+redis:\/\/127\.0\.0\.1:(\d+)/.test(out)) {
    if (proc.exitCode !== null) throw new Error(`demo exited during start-up:\n${out}`);
    if (Date.now() > deadline) throw new Error(`demo did not start within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const redisPort = Number(/redis\s+redis:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
  const acdUrl = /panel\s+(http:\/\/[^/\s]+)/.exec(out)![1]!;
  return { proc, redisPort, acdUrl, output: () => out, exited };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  for (const p of running.splice(0)) {
    try {
      if (p.exitCode === null && p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('sas-acd demo stops cleanly', () => {
  it('Ctrl-C (SIGINT to the process group) stops the demo and its redis-server', async () => {
    const d = await startDemo();
    expect(await accepts(d.redisPort)).toBe(true);
    process.kill(-d.proc.pid!, 'SIGINT');
    const code = await Promise.race([
      d.exited,
      new Promise((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    expect(code, d.output()).toBe(0);
    expect(d.output()).toContain('"summary"');
    expect(d.output()).not.toMatch(/ECONNREFUSED|Connection is closed/);
    await until('redis-server to stop', async () => !(await accepts(d.redisPort)));
    expect(await accepts(Number(new URL(d.acdUrl).port))).toBe(false);
  }, 120_000);

  it('SIGTERM stops it the same way', async () => {
    const d = await startDemo();
    d.proc.kill('SIGTERM');
    const code = await Promise.race([
      d.exited,
      new Promise((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    expect(code, d.output()).toBe(0);
    await until('redis-server to stop', async () => !(await accepts(d.redisPort)));
  }, 120_000);

  it('a demo killed with SIGKILL leaves no redis-server behind', async () => {
    const d = await startDemo();
    d.proc.kill('SIGKILL');
    await d.exited;
    await until('the orphaned redis-server to stop', async () => !(await accepts(d.redisPort)));
  }, 120_000);
});
