// The site picker in Debian's chromium, against the real ACD server serving two sites (44 and 85, as
// `serve` with several sites does): a supervisor of both sites picks one with the keyboard after
// logging in; the page then shows that site and names it in its bar; the choice is remembered (the
// page without `?site=` opens it again); Alt+S comes back to the picker, a digit picks the other
// site. The softphone page asks the same way. A user of one site sees no picker and no bar.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcdServer, type AcdServer } from '../../src/app/acd-server.js';
import { InMemoryUserStore } from '../../src/auth/index.js';
import { seedDemoUsers } from '../../src/auth/demo-users.js';
import { parseSiteConfig } from '../../src/core/config.js';
import { exampleSite } from '../../src/core/example-site.js';
import { createLogger } from '../../src/ports/logger.js';
import { SiteShell } from '../../src/shell/site-shell.js';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS } from './room-harness.js';

const NAME_85 = 'SAS 85 — Vendée (exemple)';
let browser: Browser;
let server: AcdServer;
const shells: SiteShell[] = [];
let url = '';

const siteOf = (page: Page) => new URL(page.url()).searchParams.get('site');
// Each look is bounded (a locator's own wait is 30 s, longer than the poll around it): the poll
// looks again until the console has its room, and on failure the message says what the page showed
// ("Chargement de la salle…", the login, the picker) instead of a bare locator timeout.
const heading = async (page: Page) =>
  (await page
    .locator('.console-head h1')
    .textContent({ timeout: 2_000 })
    .catch(() => null)) ??
  `(no console heading; the page shows: ${(
    await page
      .locator('body')
      .innerText()
      .catch(() => '')
  ).slice(0, 200)})`;
// A console's room comes over Socket.IO after the page's bundle loads: on a loaded CI machine that
// is seconds, twice per site change (the remembered site is one more navigation).
const LOADED = { timeout: 45_000 };

describe.skipIf(!hasChromium)('the site picker in chromium (a process serving two sites)', () => {
  beforeAll(async () => {
    const logger = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const sites = new Map<string, SiteShell>();
    for (const [id, name] of [
      ['44', exampleSite.name],
      ['85', NAME_85],
    ] as const) {
      const parsed = parseSiteConfig({ ...structuredClone(exampleSite), id, name });
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      const shell = await SiteShell.start({ config: parsed.config, logger });
      shells.push(shell);
      sites.set(id, shell);
    }
    const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
    await seedDemoUsers(users, { siteId: '44' });
    await users.add({
      id: 'u-sup-both',
      username: 'sup-both',
      password: 'demo',
      roles: ['supervisor'],
      sites: ['44', '85'],
      agentId: null,
    });
    await users.add({
      id: 'u-arm-both',
      username: 'arm-both',
      password: 'demo',
      roles: ['arm'],
      sites: ['44', '85'],
      agentId: 'arm-5',
    });
    server = await startAcdServer({
      port: 0,
      sites,
      users,
      logger,
      jwtSecret: 'browser-test-secret-of-at-least-32-chars',
      processMetrics: false,
      web: { siteId: '44', virtualPhoneUrl: null, sipGatewayUrl: null },
    });
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const s of shells) await s.stop();
  });

  it('asks a supervisor of two sites which one, keyboard only, and remembers the choice', async () => {
    const { page, errors } = await openPage(browser, `${url}/wallboard.html`);
    await keyboardLogin(page, 'sup-both');
    const picker = page.locator('[data-testid=site-picker]');
    await picker.waitFor();
    expect(await page.locator('[data-testid=site-picker] button').allTextContents()).toEqual([
      expect.stringContaining(exampleSite.name),
      expect.stringContaining(NAME_85),
    ]);
    // The first site has the focus; ↓ then Entrée opens the second.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-site')))
      .toBe('44');
    await page.screenshot({ path: `${SHOTS}/site-picker.png` });
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-site')))
      .toBe('85');
    await page.keyboard.press('Enter');
    await expect.poll(() => siteOf(page), LOADED).toBe('85');
    await expect.poll(() => heading(page), LOADED).toBe(NAME_85);
    expect(await page.textContent('[data-testid=site-bar]')).toContain(NAME_85);
    await page.screenshot({ path: `${SHOTS}/site-picker-console-85.png` });

    // Remembered: the page without ?site= opens site 85 again, no question asked.
    await page.goto(`${url}/wallboard.html`);
    await expect.poll(() => siteOf(page), LOADED).toBe('85');
    await expect.poll(() => heading(page), LOADED).toBe(NAME_85);

    // Alt+S: the picker again, on the current site; Échap stays, the digit 1 picks site 44.
    await page.keyboard.press('Alt+s');
    await picker.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-site')))
      .toBe('85');
    await page.keyboard.press('Escape');
    await expect.poll(() => heading(page)).toBe(NAME_85);
    await page.keyboard.press('Alt+s');
    await picker.waitFor();
    await page.keyboard.press('1');
    await expect.poll(() => siteOf(page), LOADED).toBe('44');
    await expect.poll(() => heading(page), LOADED).toBe(exampleSite.name);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("asks on the softphone page too, and the panel opens on the chosen site's desk", async () => {
    const { page, errors } = await openPage(browser, `${url}/arm.html`);
    await keyboardLogin(page, 'arm-both');
    await page.locator('[data-testid=site-picker]').waitFor();
    await page.keyboard.press('2');
    await expect.poll(() => siteOf(page), LOADED).toBe('85');
    await page.locator('[data-testid=status]').waitFor({ timeout: 20_000 });
    // The desk's log-in goes to site 85's engine (the key of the example's panel: c).
    await page.keyboard.press('c');
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
      .toContain('Disponible');
    expect(shells[1]!.state.data.agents['arm-5']?.status).toBe('available');
    expect(shells[0]!.state.data.agents['arm-5']?.status).not.toBe('available');
    await page.screenshot({ path: `${SHOTS}/site-picker-panel-85.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('shows a user of one site neither the picker nor the bar', async () => {
    const { page, errors } = await openPage(browser, `${url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    await expect.poll(() => heading(page), LOADED).toBe(exampleSite.name);
    expect(await page.locator('[data-testid=site-picker], [data-testid=site-bar]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
