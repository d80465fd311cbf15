// Starts and stops a real redis-server child process on a free loopback port, in its own data
// directory, with AOF on. Used by the test harness, the benchmark and (later) `sas-acd demo` when no
// Redis URL is given. Not for production: there Redis is run by the platform.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export type RedisServerOptions = {
  /** Data directory (AOF lives here); a fresh temporary one when omitted, removed on stop. */
  dir?: string;
  /** Port to listen on; a free one when omitted. A restart keeps the same port. */
  port?: number;
  /**
   * `everysec` (default) writes the AOF with write(2) before every reply, so a redis-server crash
   * (kill -9) loses no acknowledged write; only a power loss can lose the last second.
   * `always` also fsyncs before replying.
   */
  appendfsync?: 'always' | 'everysec' | 'no';
  /** More redis-server arguments (e.g. the cluster ones, redis-cluster-server.ts). */
  extraArgs?: string[];
};

export type RedisServer = {
  url: string;
  port: number;
  dir: string;
  /** SIGTERM (Redis flushes the AOF and exits) and wait; removes the directory unless `keepDir`. */
  stop(opts?: { keepDir?: boolean }): Promise<void>;
  /** Sends a signal (e.g. SIGKILL) and waits for the process to exit; the directory is kept. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts redis-server again on the same port and directory (after `stop({keepDir})` or `kill`). */
  start(): Promise<void>;
};

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found on the PATH. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; ' +
        '`.ci/run` installs it) and run again.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export function redisServerInstalled(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

export function assertRedisServerInstalled(): void {
  if (!redisServerInstalled()) throw new RedisServerMissingError();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Another process can take a port between `freePort()` and redis-server's bind (the test workers
 * start many servers at once): such a start is tried again on fresh ports, a few times.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !isPortClash(error)) throw error;
    }
  }
}

export function isPortClash(error: unknown): boolean {
  return error instanceof Error && /Address already in use/.test(error.message);
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertRedisServerInstalled();
  if (options.port === undefined) return retryOnPortClash(() => startOnce(options));
  return startOnce(options);
}

async function startOnce(options: RedisServerOptions): Promise<RedisServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sas-acd-redis-'));
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    options.appendfsync ?? 'everysec',
    // No RDB snapshots: the AOF is the durability mechanism we rely on (docs/store.md).
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'no',
    '--loglevel',
    'warning',
    ...(options.extraArgs ?? []),
  ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    const [command, commandArgs] = withParentDeathSignal('redis-server', args);
    // Its own process group (detached): a terminal's Ctrl-C goes to the demo, which then stops
    // redis-server last, instead of killing it under the demo's feet.
    const proc = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    child = proc;
    await waitUntilReady(port, proc, () => output);
  };

  const waitExit = async (): Promise<void> => {
    await exited;
    child = undefined;
  };

  try {
    await start();
  } catch (error) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    async kill(signal) {
      child?.kill(signal);
      await waitExit();
    },
    async stop(opts = {}) {
      child?.kill('SIGTERM');
      await waitExit();
      if (ownDir && !opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `command` under util-linux's `setpriv --pdeathsig SIGTERM` when it is installed, so the
 * kernel stops redis-server (flushing its AOF) when the process that started it dies, even by
 * kill -9: a killed demo or test run leaves no redis-server behind. Without setpriv (not Linux),
 * the command runs as is and only a clean stop stops it.
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  hasSetpriv ??= spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  return hasSetpriv ? ['setpriv', ['--pdeathsig', 'SIGTERM', '--', command, ...args]] : [command, args];
}
let hasSetpriv: boolean | undefined;

async function waitUntilReady(port: number, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`redis-server exited during start-up on port ${port}:\n${output()}`);
    }
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      // LOADING while the AOF is replayed: wait until PING answers.
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  proc.kill('SIGKILL');
  throw new Error(`redis-server did not become ready on port ${port} within 10 s:\n${output()}`);
}
