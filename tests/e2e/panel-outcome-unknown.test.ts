// The ARM panel after a 503 outcome-unknown, in Debian's chromium against the real ACD server and a
// stored site on the real redis-server that no process writes (the writer is absent, replies time
// out after 300 ms): the ARM presses "Se connecter au poste"; the panel never says « réessayez »,
// asks GET /sites/{s}/commands/{id} twice and says « Action peut-être non appliquée ». A writer
// then comes and applies the login once: the panel shows the seat available.
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAcdServer, type AcdServer } from '../../src/app/acd-server.js';
import { InMemoryUserStore } from '../../src/auth/index.js';
import { seedDemoUsers } from '../../src/auth/demo-users.js';
import { parseSiteConfig, type SiteConfig } from '../../src/core/config.js';
import { exampleSite } from '../../src/core/example-site.js';
import { createLogger } from '../../src/ports/logger.js';
import { SiteShell } from '../../src/shell/site-shell.js';
import { readStream } from '../integration/stored-site/fixtures/stream.js';
import { stopAll } from '../integration/stored-site/fixtures/site.js';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage } from './room-harness.js';

const logger = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const siteId = `po${randomBytes(4).toString('hex')}`;
let config: SiteConfig;
let browser: Browser;
let server: AcdServer;
const shells: SiteShell[] = [];
let url = '';

const start = async (writer: boolean) => {
  const shell = await SiteShell.start({
    config,
    logger,
    store: { redisUrl: inject('redisUrl'), writer, replyTimeoutMs: 300 },
  });
  shells.push(shell);
  return shell;
};

describe.skipIf(!hasChromium)('the ARM panel after a 503 outcome-unknown (chromium, real redis)', () => {
  beforeAll(async () => {
    const parsed = parseSiteConfig({ ...structuredClone(exampleSite), id: siteId });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    config = parsed.config;
    const site = await start(false);
    const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
    await seedDemoUsers(users, { siteId });
    server = await startAcdServer({
      port: 0,
      sites: new Map([[siteId, site]]),
      users,
      logger,
      jwtSecret: 'browser-test-secret-of-at-least-32-chars',
      processMetrics: false,
      web: { siteId, virtualPhoneUrl: null, sipGatewayUrl: null },
    });
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const s of shells) await s.stop();
    await stopAll();
  });

  it('asks the API twice and says the action may not be applied; the late writer applies it once', async () => {
    const { page, errors } = await openPage(browser, `${url}/arm.html`);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && r.url().includes(`/sites/${siteId}/commands/`)) asked.push(r.url());
    });
    await keyboardLogin(page, 'arm-1');
    await page.getByRole('button', { name: /Se connecter au poste/ }).click();
    await expect
      .poll(() => page.textContent('[data-testid=message]'), { timeout: 20_000 })
      .toMatch(/^Action peut-être non appliquée/);
    expect(asked).toHaveLength(2);
    expect(new Set(asked).size).toBe(1);
    const commandId = asked[0]!.split('/').at(-1)!;

    // A writer comes: the login waiting in the commands stream is applied, once, and shows.
    await start(true);
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
      .toContain('Disponible');
    const logins = (await readStream(siteId)).filter((e) => e.event.type === 'AgentLoggedIn');
    expect(logins.map((e) => e.cmd)).toEqual([commandId]);
    expect(errors.filter((e) => !/503|Service Unavailable/.test(e))).toEqual([]);
  }, 90_000);
});
