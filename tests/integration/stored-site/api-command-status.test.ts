/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// The HTTP side of `outcome-unknown` (src/api/outcome-unknown.ts, src/api/routers/commands.ts),
// against a real redis-server: a command sent while no process writes the site is answered 503
// naming its command, in French; GET /sites/{s}/commands/{id} says `not-yet`, then `decided` once a
// writer has come and applied it (once); a never-seen id is 404, a malformed one 400, and the route
// keeps the command routes' roles and site scope.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, InMemoryUserStore, type Api } from '../../../src/api/index.js';
import type { SiteShell } from '../../../src/shell/site-shell.js';
import { freshSiteId, silent, startSite, stopAll, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { childConfig } from './fixtures/traffic.js';

const PASSWORD = 'correct horse battery staple';
const config = childConfig(freshSiteId());
let api: Api;
let server: Server;
let url: string;
let client: SiteShell;

beforeAll(async () => {
  // A process that never writes (no lease taken), with a short reply timeout.
  client = await startSite({ config, writer: false, replyTimeoutMs: 300 });
  const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
  const site = config.id;
  for (const u of [
    { id: 'u1', username: 'arm1', roles: ['arm'], sites: [site], agentId: 'arm-1' },
    { id: 'u2', username: 'lrm', roles: ['lrm'], sites: [site], agentId: null },
    { id: 'u3', username: 'elsewhere', roles: ['supervisor'], sites: ['other'], agentId: null },
  ] as const)
    await users.add({ ...u, roles: [...u.roles], sites: [...u.sites], password: PASSWORD });
  api = createApi({
    sites: new Map([[site, client]]),
    users,
    logger: silent,
    jwtSecret: 'test-secret-of-at-least-32-characters!!',
    processMetrics: false,
  });
  server = createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await api?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stopAll();
});

const tokens = new Map<string, string>();
async function call(method: string, path: string, as: string): Promise<{ status: number; body: any }> {
  let token = tokens.get(as);
  if (!token) {
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: as, password: PASSWORD }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    tokens.set(as, token);
  }
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe('a command answered 503 outcome-unknown over HTTP', () => {
  it('names its command, which the route says is not-yet, then decided once a writer applied it', async () => {
    const site = config.id;
    const sent = await call('POST', `/sites/${site}/agent/login`, 'arm1');
    expect(sent.status).toBe(503);
    expect(sent.body.reason).toBe('outcome-unknown');
    const id: string = sent.body.commandId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.body.detail).toContain("l'action a peut-être été appliquée");
    expect(sent.body.detail).toContain(`/commands/${id}`);

    expect((await call('GET', `/sites/${site}/commands/${id}`, 'arm1')).body).toEqual({
      commandId: id,
      status: 'not-yet',
    });

    // A writer comes: it reads the command from the stream and applies it, once.
    await startSite({ config });
    await waitFor(
      async () => (await call('GET', `/sites/${site}/commands/${id}`, 'arm1')).body.status === 'decided',
      20_000,
    );
    const logins = (await readStream(site)).filter(
      (e) => e.event.type === 'AgentLoggedIn' && (e.event as { agentId?: string }).agentId === 'arm-1',
    );
    expect(logins).toHaveLength(1);
    expect(logins[0]!.cmd).toBe(id);
  }, 60_000);

  it('answers 404 for an id the site never saw, 400 for a malformed one, and keeps the access rules', async () => {
    const site = config.id;
    const never = await call('GET', `/sites/${site}/commands/${randomUUID()}`, 'arm1');
    expect(never.status).toBe(404);
    expect(never.body.reason).toBe('unknown-command');
    expect(never.body.detail).toMatch(/^Commande .* inconnue sur ce site/);

    for (const bad of ['not-a-uuid', 'ABCDEF00-0000-4000-8000-000000000000', `${randomUUID()}x`]) {
      const res = await call('GET', `/sites/${site}/commands/${bad}`, 'arm1');
      expect(res.status, bad).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toEqual(['params.commandId']);
    }

    const id = randomUUID();
    expect((await call('GET', `/sites/${site}/commands/${id}`, 'lrm')).body.reason).toBe('role-forbidden');
    expect((await call('GET', `/sites/${site}/commands/${id}`, 'elsewhere')).body.reason).toBe(
      'site-forbidden',
    );
  }, 30_000);
});
