// `sas-acd serve`: settings refused with every bad field named (exit 2), and a serving process on
// the shared redis-server and an in-process sim-pbx: ready, users from the users file can log in,
// and a call placed on the PBX reaches the stored site and its event stream.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeSettings, startServe } from '../../../src/app/serve.js';
import { hashPassword } from '../../../src/auth/index.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { siteKeys } from '../../../src/store/keys.js';
import { startSimPbx } from '../../../simulator/pbx/server.js';
import { connect, freshSiteId, redisUrl, silent, stopAll, waitFor } from './fixtures/site.js';

afterAll(stopAll);

const cli = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sas-acd-serve-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(REDIS_URL|ARI_|JWT_SECRET|LOG_LEVEL)/.test(k)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('sas-acd serve settings', () => {
  it('refuses bad settings with exit code 2, naming every bad field at once', async () => {
    const config = write('bad-site.json', { ...exampleSite, lines: [{ id: '15', entryQueue: 'nowhere' }] });
    const users = write('bad-users.json', [{ username: 'x', roles: ['pilot'], sites: [] }]);
    const { code, stderr } = await runCli(
      ['serve', '--config', config, '--users', users, '--port', '70000'],
      {
        JWT_SECRET: 'short',
        ARI_URL: 'ftp://pbx',
      },
    );
    expect(code).toBe(2);
    for (const field of [
      '--config',
      'lines.0',
      '--users',
      '0.roles',
      '0.sites',
      '--port',
      'REDIS_URL',
      'ARI_URL',
      'ARI_USER',
      'ARI_PASSWORD',
      'JWT_SECRET',
    ])
      expect(stderr).toContain(field);
  });

  it('says what is missing when nothing is given', () => {
    const parsed = parseServeSettings({
      configFile: undefined,
      usersFile: undefined,
      port: undefined,
      host: undefined,
      env: {},
    });
    expect(parsed.ok).toBe(false);
    const text = parsed.ok ? '' : parsed.errors.join('\n');
    for (const field of ['--config: required', '--users: required', 'REDIS_URL: required', 'JWT_SECRET'])
      expect(text).toContain(field);
  });
});

describe('sas-acd serve', () => {
  it('is ready, logs users in and puts the calls it receives in Redis', async () => {
    const sim = await startSimPbx({ port: 0, app: 'sasacd' });
    const siteId = freshSiteId();
    const config = write('site.json', { ...exampleSite, id: siteId });
    const users = write('users.json', [
      {
        username: 'sup',
        roles: ['supervisor'],
        sites: [siteId],
        passwordHash: await hashPassword('s3cret-sup'),
      },
      { username: 'arm-1', roles: ['arm'], sites: [siteId], agentId: 'arm-1', password: 'dev-only' },
    ]);
    const parsed = parseServeSettings({
      configFile: config,
      usersFile: users,
      port: 0,
      host: '127.0.0.1',
      env: {
        REDIS_URL: redisUrl(),
        ARI_URL: sim.ariUrl,
        ARI_USER: sim.user,
        ARI_PASSWORD: sim.password,
        JWT_SECRET: 'x'.repeat(40),
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const serving = await startServe(parsed.settings, silent);
    try {
      const ready = await waitFor(async () => {
        const r = await fetch(`${serving.url}/readyz`);
        return r.status === 200 ? ((await r.json()) as { checks: Record<string, boolean> }) : null;
      });
      expect(ready.checks).toMatchObject({ redis: true, telephony: true, writer: true });
      expect(serving.site.role).toBe('leader');
      for (const [username, password] of [
        ['sup', 's3cret-sup'],
        ['arm-1', 'dev-only'],
      ]) {
        const login = await fetch(`${serving.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        });
        expect(login.status, username).toBe(200);
      }
      const placed = await fetch(`${sim.url}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ line: '15', callerNumber: '0600000001' }),
      });
      expect(placed.status).toBeLessThan(300);
      await waitFor(() => Object.keys(serving.site.state.data.calls).length === 1);
      const redis = connect();
      const types = (await redis.xrange(siteKeys(siteId).events, '-', '+')).map(
        ([, fields]) => (JSON.parse(fields[fields.indexOf('event') + 1]!) as { type: string }).type,
      );
      expect(types).toContain('CallArrived');
      expect(types).toContain('CallQueued');
      // The leader carried out the effect (hold the caller with music): the PBX answered the caller.
      expect(serving.adapter()?.connected).toBe(true);
      await waitFor(() => [...sim.pbx.timelines.calls.values()][0]?.answeredByPbxAtMs);
    } finally {
      await serving.stop();
      await sim.close();
    }
  });
});
