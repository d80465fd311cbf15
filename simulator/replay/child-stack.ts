// The replay's own stack, each part a separate child process: a redis-server on a free port, sim-pbx
// (`sas-acd sim-pbx`, or sim-fs with `--pbx freeswitch`) and the ACD (`sas-acd serve`). Stopped at the end whatever happens (error,
// Ctrl-C, the replay's own crash: the children are killed on exit). The ACD can be killed with
// SIGKILL and started again on the same port and Redis (--chaos).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { PbxKind } from '../../src/app/pbx.js';
import { freePort, startRedisServer, type RedisServer } from '../../src/store/redis-server.js';
import { PARTNER_CONTEXT, PARTNER_ENDPOINT } from './partner-phone.js';

const CLI = fileURLToPath(new URL('../../bin/sas-acd.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export type ChildStack = {
  acdUrl: string;
  pbxUrl: string;
  redisUrl: string;
  /** Where the children's output goes (kept when the run fails). */
  logDir: string;
  /** kill -9 the ACD and start it again on the same port and Redis; resolves once it is ready. */
  restartAcd(): Promise<void>;
  /** kill -9 redis-server and start it again on the same port and data directory (AOF). */
  restartRedis(): Promise<void>;
  /** Stops every child; removes the output unless `keepLogs`. */
  stop(opts?: { keepLogs?: boolean }): Promise<void>;
};

type Child = { process: ChildProcess; exited: Promise<void> };

function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  log: WriteStream,
  ready: RegExp,
): Promise<{ child: Child; match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.stderr!.pipe(log, { end: false });
  const lines = createInterface({ input: proc.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`sas-acd ${args[0]} did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    let found = false;
    let out = ''; // what it printed so far: a ready banner may span several lines
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (!found) out += `${line}\n`;
      const m = found ? null : ready.exec(out);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve({ child: { process: proc, exited }, match: m });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`sas-acd ${args[0]} exited with code ${code} before it was ready`));
    });
  });
}

async function waitReady(url: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`the ACD at ${url} is not ready`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(c: Child | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!c || c.process.exitCode !== null || c.process.signalCode !== null) return;
  c.process.kill(signal);
  const timer = setTimeout(() => c.process.kill('SIGKILL'), 5_000);
  await c.exited;
  clearTimeout(timer);
}

/** How each simulated PBX is started, and what `sas-acd serve` needs to reach it. */
const PBX_CHILD: Record<
  PbxKind,
  { args: string[]; ready: RegExp; env: (m: RegExpMatchArray) => NodeJS.ProcessEnv }
> = {
  asterisk: {
    // A caller sent to the partner SAS is dialled to the partner's phone (partner-phone.ts).
    args: ['sim-pbx', '--port', '0', '--route', `${PARTNER_CONTEXT}=${PARTNER_ENDPOINT}`],
    ready: /^sim-pbx listening on (http:\/\/\S+)/m,
    env: (m) => ({ PBX: 'asterisk', ARI_URL: m[1]!, ARI_USER: 'asterisk', ARI_PASSWORD: 'asterisk' }),
  },
  // sim-fs: drachtio-server and FreeSWITCH's event socket on free ports, named in its banner.
  freeswitch: {
    args: ['sim-pbx', '--pbx', 'freeswitch', '--port', '0', '--drachtio-port', '0', '--esl-port', '0'],
    ready:
      /^sim-fs .* listening on (http:\/\/\S+)\n\s+drachtio app\s+(\S+):(\d+) \(secret (\S+)\)\n\s+event socket\s+(\S+):(\d+) \(password (\S+)\)/m,
    env: (m) => ({
      PBX: 'freeswitch',
      DRACHTIO_URL: `drachtio://${m[4]}@${m[2]}:${m[3]}`,
      FREESWITCH_ESL: `esl://${m[7]}@${m[5]}:${m[6]}`,
    }),
  },
};

/** Starts redis-server, sim-pbx (or sim-fs) and `sas-acd serve` with this site configuration and these users. */
export async function startChildStack(o: {
  config: unknown;
  users: unknown[];
  pbx?: PbxKind;
}): Promise<ChildStack> {
  const pbxChild = PBX_CHILD[o.pbx ?? 'asterisk'];
  const logDir = mkdtempSync(join(tmpdir(), 'sas-acd-replay-'));
  const log = createWriteStream(join(logDir, 'children.log'));
  const configFile = join(logDir, 'site.json');
  const usersFile = join(logDir, 'users.json');
  writeFileSync(configFile, JSON.stringify(o.config, null, 2));
  writeFileSync(usersFile, JSON.stringify(o.users, null, 2));
  let redis: RedisServer | null = null;
  let pbx: Child | null = null;
  let acd: Child | null = null;
  // Whatever happens to this process, its children do not outlive it.
  const killAll = () => {
    for (const c of [acd, pbx]) if (c && c.process.exitCode === null) c.process.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    process.removeListener('exit', killAll);
    await stopChild(acd);
    await stopChild(pbx);
    await redis?.stop().catch(() => undefined);
    log.end();
  };
  try {
    redis = await startRedisServer({ appendfsync: 'everysec' });
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(REDIS_URL|ARI_|PBX$|DRACHTIO_|FREESWITCH_|ESL_|SIP_|JWT_SECRET|LOG_LEVEL)/.test(k),
      ),
    );
    const pbxStart = await startChild(pbxChild.args, base, log, pbxChild.ready);
    pbx = pbxStart.child;
    const pbxUrl = pbxStart.match[1]!;
    const port = await freePort();
    const env = {
      ...base,
      REDIS_URL: redis.url,
      ...pbxChild.env(pbxStart.match),
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: process.env.REPLAY_LOG_LEVEL ?? 'warn',
    };
    const args = ['serve', '--config', configFile, '--users', usersFile, '--port', String(port)];
    const serveLine = /^sas-acd serve: site \S+ on (http:\/\/\S+)/m;
    const startAcd = async () => {
      acd = (await startChild(args, env, log, serveLine)).child;
      await waitReady(acdUrl);
    };
    const acdUrl = `http://127.0.0.1:${port}`;
    await startAcd();
    return {
      acdUrl,
      pbxUrl,
      redisUrl: redis.url,
      logDir,
      async restartAcd() {
        await stopChild(acd, 'SIGKILL');
        await startAcd();
      },
      async restartRedis() {
        await redis!.kill('SIGKILL');
        await redis!.start();
      },
      async stop(opts = {}) {
        await stop();
        if (!opts.keepLogs) rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
