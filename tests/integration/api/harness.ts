/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// A real API for the tests: two in-process sites (the example site 44 and a copy as 85), users of
// every role, an HTTP server on port 0, Socket.IO attached, and the pino output captured so tests
// can read every log line. Time runs from Monday 10:00 Paris (SAS hours) at the real pace; the
// API's clock can be moved ahead on its own to expire tokens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createLogger } from '../../../src/ports/logger.js';
import type { SiteHandle } from '../../../src/ports/site-handle.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { parseSiteConfig, type SiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { createApi, InMemoryUserStore, type Api, type ApiOptions } from '../../../src/api/index.js';

export const MONDAY_10H = Date.UTC(2026, 2, 2, 9, 0, 0);
export const SECRET = 'test-secret-of-at-least-32-characters!!';
export const PASSWORD = 'correct horse battery staple';

export function siteConfig(id: '44' | '85'): SiteConfig {
  const raw = structuredClone(exampleSite) as Record<string, unknown> & {
    queues: { id: string; overflow?: unknown }[];
  };
  if (id === '85') {
    raw.id = '85';
    raw.name = 'SAS 85 (test)';
    raw.departments = ['85'];
    raw.partners = [{ id: '44', name: 'SAS 44', destination: 'partner-sas-44' }];
    (raw.lines as { department: string }[]).forEach((l) => (l.department = '85'));
    raw.queues = raw.queues.map((q) =>
      q.id === 'n2-mg' ? { ...q, overflow: { partner: { partnerId: '44', afterSeconds: 900 } } } : q,
    );
  }
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

export type Harness = {
  url: string;
  api: Api;
  runtimes: Map<string, SiteShell>;
  sites: Map<string, SiteHandle>;
  logs: string[];
  /** Moves the API's clock (tokens) ahead without touching the sites' clocks. */
  skewApiClock(ms: number): void;
  now(): number;
  token(username: string): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; as?: string; body?: unknown; raw?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  socket(nsp: '/supervisor' | '/agent' | '/lrm', token: string, auth?: Record<string, unknown>): Socket;
  stop(): Promise<void>;
};

export const USERS = [
  { id: 'u1', username: 'arm1', roles: ['arm'], sites: ['44'], agentId: 'arm-1' },
  { id: 'u2', username: 'arm2', roles: ['arm'], sites: ['44'], agentId: 'arm-2' },
  { id: 'u3', username: 'arm5', roles: ['arm'], sites: ['44'], agentId: 'arm-5' },
  { id: 'u4', username: 'mru1', roles: ['mru'], sites: ['44'], agentId: 'mru-1' },
  { id: 'u5', username: 'osnp1', roles: ['osnp'], sites: ['44'], agentId: 'osnp-1' },
  { id: 'u6', username: 'sup44', roles: ['supervisor'], sites: ['44'], agentId: 'sup-1' },
  { id: 'u7', username: 'sup85', roles: ['supervisor'], sites: ['85'], agentId: null },
  { id: 'u8', username: 'admin', roles: ['admin'], sites: ['44', '85'], agentId: null },
  { id: 'u9', username: 'arm85', roles: ['arm'], sites: ['85'], agentId: 'arm-1' },
  { id: 'u10', username: 'lrm44', roles: ['lrm'], sites: ['44'], agentId: null },
] as const;

export async function startHarness(extra: Partial<ApiOptions> = {}): Promise<Harness> {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const started = Date.now();
  const now = () => MONDAY_10H + (Date.now() - started);
  let skew = 0;
  const runtimes = new Map<string, SiteShell>();
  const sites = new Map<string, SiteHandle>();
  for (const id of ['44', '85'] as const) {
    const runtime = await SiteShell.start({ config: siteConfig(id), logger, clock: now });
    runtimes.set(id, runtime);
    sites.set(id, runtime);
  }
  const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
  for (const u of USERS)
    await users.add({ ...u, roles: [...u.roles], sites: [...u.sites], password: PASSWORD });
  const api = createApi({
    sites,
    users,
    logger,
    jwtSecret: SECRET,
    clock: () => now() + skew,
    processMetrics: false,
    supervisorIntervalMs: 250,
    ...extra,
  });
  const server: Server = createServer(api.app);
  api.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();
  const sockets: Socket[] = [];

  const h: Harness = {
    url,
    api,
    runtimes,
    sites,
    logs,
    now,
    skewApiClock: (ms) => {
      skew = ms;
      tokens.clear();
    },
    async token(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const r = await h.call('POST', '/auth/login', { body: { username, password: PASSWORD } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      tokens.set(username, r.body.accessToken);
      return r.body.accessToken;
    },
    async call(method, path, opts = {}) {
      const token = opts.as ? await h.token(opts.as) : opts.token;
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined && method !== 'GET') {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      } else if (opts.raw !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(
        url +
          (path.startsWith('/api') ||
          path.startsWith('/metrics') ||
          path.startsWith('/healthz') ||
          path.startsWith('/readyz')
            ? path
            : '/api/v1' + path),
        {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
        },
      );
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (metrics, HTML)
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    socket(nsp, token, auth = {}) {
      const s = ioClient(url + nsp, {
        auth: { token, ...auth },
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      sockets.push(s);
      return s;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await api.close();
      for (const r of runtimes.values()) await r.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return h;
}

/** Resolves with the next `event` the socket receives that satisfies `match`. */
export function next<T = any>(
  socket: Socket,
  event: string,
  match: (x: T) => boolean = () => true,
  ms = 3000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no matching "${event}" within ${ms} ms`));
    }, ms);
    const on = (x: T) => {
      if (!match(x)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(x);
    };
    socket.on(event, on);
  });
}

export async function until<T>(
  find: () => T | undefined | false | null,
  what: string,
  ms = 3000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
