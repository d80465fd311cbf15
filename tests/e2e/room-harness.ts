// A room for the browser tests: the example site in memory (engine + SiteShell), the demo users
// (password "demo"), and the real ACD HTTP server (API, live feeds, the built web UI) on a port
// that survives a restart, so a test can kill the server and bring it back. web/dist is built
// (when stale) once per run by tests/setup/web-build.ts. Calls arrive through
// the engine; agents answer through the pages (no PBX: the panel answers through the ACD).
import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLogger } from '../../src/ports/logger.js';
import { startAcdServer, type AcdServer } from '../../src/app/acd-server.js';
import { SiteShell } from '../../src/shell/site-shell.js';
import { InMemoryUserStore } from '../../src/auth/index.js';
import { seedDemoUsers } from '../../src/auth/demo-users.js';
import { parseSiteConfig } from '../../src/core/config.js';
import { exampleSite } from '../../src/core/example-site.js';
import type { WebRtcPhoneSettings } from '../../src/api/routers/agent-phone.js';
import type { DependencyHealth } from '../../src/observability/dependency-health.js';

/** Monday 2 March 2026, 10:00 in Paris: SAS hours, two-level mode. */
const MONDAY_10H = Date.UTC(2026, 2, 2, 9, 0, 0);
const SECRET = 'browser-test-secret-of-at-least-32-chars';
export const SHOTS = '.tmp/screens';

export type Room = {
  url: string;
  runtime: SiteShell;
  now(): number;
  arrive(callId: string, callerNumber: string, callerName: string | null, line?: string): Promise<void>;
  /** REST call as a demo user. */
  rest(
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export async function startRoom(
  options: {
    accessTtlSeconds?: number;
    sipGatewayUrl?: string;
    webRtcPhone?: WebRtcPhoneSettings;
    /** The site's PBX round trip and recording storage (GET …/dependencies). */
    dependencies?: DependencyHealth;
    /** One Redis PING round trip in ms (GET …/dependencies' `redis`). */
    redisRoundTripMs?: () => Promise<number>;
  } = {},
): Promise<Room> {
  mkdirSync(SHOTS, { recursive: true });
  const logger = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const started = Date.now();
  const now = () => MONDAY_10H + (Date.now() - started);
  // A second partner SAS, so that the console's choice of partner is a real choice.
  const site = structuredClone(exampleSite) as typeof exampleSite & { partners: object[] };
  site.partners.push({ id: '49', name: 'SAS 49 — Maine-et-Loire (exemple)', destination: 'partner-sas-49' });
  const parsed = parseSiteConfig(site);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const runtime = await SiteShell.start({ config: parsed.config, logger, clock: now });
  const sites = new Map([['44', runtime]]);
  const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
  await seedDemoUsers(users, { siteId: '44' });
  let port = 0;
  let server: AcdServer | null = null;
  const start = async () => {
    server = await startAcdServer({
      port,
      sites,
      users,
      logger,
      jwtSecret: SECRET,
      clock: now,
      processMetrics: false,
      ...(options.accessTtlSeconds ? { accessTtlSeconds: options.accessTtlSeconds } : {}),
      ...(options.webRtcPhone ? { webRtcPhone: options.webRtcPhone } : {}),
      ...(options.dependencies ? { dependencies: () => options.dependencies! } : {}),
      ...(options.redisRoundTripMs ? { redisRoundTripMs: options.redisRoundTripMs } : {}),
      web: { siteId: '44', virtualPhoneUrl: null, sipGatewayUrl: options.sipGatewayUrl ?? null },
    });
    port = (server.server.address() as AddressInfo).port;
  };
  await start();
  const url = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, string>();
  const room: Room = {
    url,
    runtime,
    now,
    async arrive(callId, callerNumber, callerName, line = '15') {
      const r = await runtime.dispatch({ type: 'arriveCall', callId, line, callerNumber, callerName });
      if (!r.ok) throw new Error(`arriveCall ${callId}: ${JSON.stringify(r)}`);
    },
    async rest(user, method, path, body) {
      let token = tokens.get(user);
      if (!token) {
        const r = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: user, password: 'demo' }),
        });
        token = ((await r.json()) as { accessToken: string }).accessToken;
        tokens.set(user, token);
      }
      const r = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    async kill() {
      await server?.close();
      server = null;
    },
    restart: start,
    async stop() {
      await server?.close();
      await runtime.stop();
    },
  };
  return room;
}

/**
 * A page that records console errors and uncaught exceptions (a test asserts there are none). With
 * `fakeClock`, the page's timers and Date are Playwright's clock from the first script on (it runs
 * in real time until the test pauses it), so a test can move the page through a long wait at once.
 */
export async function openPage(
  browser: Browser,
  url: string,
  o: { fakeClock?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  if (o.fakeClock) await page.clock.install();
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

/** Logs in with the keyboard only: user name, Tab, password, Entrée. */
export async function keyboardLogin(page: Page, username: string): Promise<void> {
  await page.locator('input[name=username]').waitFor();
  // The form focuses its first field itself (keyboard-first); on a loaded machine that comes a
  // moment after the field shows, and keys typed before it are lost (a 401 for a wrong user name).
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('demo');
  await page.keyboard.press('Enter');
}
