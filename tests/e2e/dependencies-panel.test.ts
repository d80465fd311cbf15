// The console's dependencies panel in Debian's chromium against the real ACD server, the site's
// PBX round trip measured against a real sim-pbx (ARI ping) and its recording storage a real folder
// (statfs) with a threshold no disk meets: the rows in French with a symbol each (PBX answers,
// storage low, no call presented yet); reachable and refreshed with the keyboard; the PBX gone, its
// row says so; the server's answers cut off, the last figures stay, faded, under a "stale" line
// whose age keeps ticking (never a frozen screen that looks alive); back, live again; a request
// that hangs turns it stale too, and does not stop the next one. Redis (a redis-server of its own)
// and the LRM endpoint (the example LRM, through a real LrmLink and BullMQ): both answering, then the
// LRM gone and (another) Redis killed, each row saying in French what is wrong and what to check, the raw
// detail only in the title. Screenshots in .tmp/screens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LrmLink } from '../../src/lrm/lrm-link.js';
import { createLogger } from '../../src/ports/logger.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { startRedisServer, type RedisServer } from '../../src/store/redis-server.js';
import { startExampleLrm, type ExampleLrm } from '../../simulator/lrm/example-lrm.js';
import { ariRoundTrip, DependencyHealth } from '../../src/observability/dependency-health.js';
import { startSimPbx } from '../../simulator/pbx/server.js';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;
let sim: Awaited<ReturnType<typeof startSimPbx>>;
let redis: RedisServer;
/** The Redis the panel's Redis row measures, killed by the test (the LRM's queue stays on `redis`). */
let pinged: RedisServer;
let ping: ReturnType<typeof connectRedis>;
let lrm: ExampleLrm;
let link: LrmLink;
const LRM_SECRET = 'lrm-secret-of-the-test-0123';
const dir = mkdtempSync(join(tmpdir(), 'sas-acd-deps-panel-'));

const row = (page: Page, dep: string) => page.locator(`[data-testid=dependencies] li[data-dep=${dep}]`);
/**
 * `read` after one more measurement asked with the panel's « Actualiser » and answered, for a test
 * that waits for a change on the server side rather than for the panel's 10 s poll (which the hang
 * test goes through on the page's clock).
 */
const measured =
  <T>(page: Page, read: () => Promise<T>) =>
  async (): Promise<T> => {
    const answered = page.waitForResponse((r) => r.url().includes('/dependencies'));
    await page.locator('[data-action=deps-refresh]').click();
    await answered;
    return read();
  };

describe.skipIf(!hasChromium)('the console: dependencies panel', () => {
  beforeAll(async () => {
    sim = await startSimPbx({ port: 0 });
    const deps = new DependencyHealth({
      siteId: '44',
      pbxRoundTripMs: ariRoundTrip({
        url: sim.ariUrl,
        user: sim.user,
        password: sim.password,
        restTimeoutMs: 3000,
      }),
      storage: { dir, minFreeRatio: 0.99999999 },
    });
    redis = await startRedisServer();
    pinged = await startRedisServer();
    // As serve's own PING client: one retry, so a Redis gone fails the PING instead of queueing it.
    ping = connectRedis(pinged.url, { maxRetriesPerRequest: 1 });
    ping.on('error', () => undefined);
    room = await startRoom({
      dependencies: deps,
      redisRoundTripMs: async () => {
        const started = performance.now();
        await ping.ping();
        return performance.now() - started;
      },
    });
    lrm = await startExampleLrm({ secret: LRM_SECRET });
    link = new LrmLink({
      site: room.runtime,
      redis: redis.url,
      logger: createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
      webhook: { url: lrm.url, secret: LRM_SECRET },
      clock: room.now,
    });
    deps.watchLrm(link);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await link?.close();
    ping?.disconnect();
    await lrm?.close().catch(() => undefined);
    await redis?.stop();
    await pinged?.stop();
    await room?.stop();
    await sim?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each dependency in French, by keyboard, the PBX going away, and stale data as stale', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/dependencies')) asked.push(new URL(r.url()).search);
    });
    await keyboardLogin(page, 'sup-1');
    // One caller waiting, nobody logged in: 1 presented, 0 answered today.
    await room.arrive('d-1', '0611111111', null);
    const panel = page.locator('[data-testid=dependencies]');
    await expect
      .poll(() => row(page, 'pbx').textContent(), { timeout: 20_000 })
      .toMatch(/^Téléphonie \(PBX\)✔ Répond en [\d,]+ ms$/);
    expect(await row(page, 'pbx').getAttribute('data-state')).toBe('ok');
    expect(await row(page, 'storage').getAttribute('data-state')).toBe('warn');
    expect(await row(page, 'storage').textContent()).toMatch(
      /⚠ Espace faible : [\d,]+ % libre \(.+ [GM]o\), seuil 100 %/,
    );
    await expect
      .poll(() => row(page, 'rate').textContent(), { timeout: 20_000 })
      .toContain('⚠ 0 % (0 / 1), objectif 90 %');
    const days = page.locator('[data-testid=deps-days] li');
    expect(await days.count()).toBe(14);
    // Today last, low; the days before without a call: a dash, not a figure.
    expect(await days.last().getAttribute('data-low')).toBe('true');
    expect(await days.first().locator('.dep-day-rate').textContent()).toBe('—');
    expect(await panel.getAttribute('data-stale')).toBe('false');
    expect(await page.locator('[data-testid=deps-age]').textContent()).toMatch(
      /^Mesuré à \d\d:\d\d:\d\d, il y a \d+ s/,
    );
    await panel.screenshot({ path: `${SHOTS}/console-dependencies.png` });

    // Keyboard: Tab reaches the panel, then its refresh button; Entrée asks again at once.
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const focused = () =>
      page.evaluate(
        () =>
          document.activeElement?.getAttribute('data-testid') ??
          document.activeElement?.getAttribute('data-action'),
      );
    for (let i = 0; i < 200 && (await focused()) !== 'dependencies'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('dependencies');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('deps-refresh');

    // The PBX goes away: its row says it does not answer (Entrée refreshes without waiting the poll).
    await sim.close();
    const before = asked.length;
    await page.keyboard.press('Enter');
    await expect.poll(() => asked.length).toBeGreaterThan(before);
    // The 14 days (a replay of the history) were asked once; the polls since ask for today only.
    expect(asked[0]).toBe('?days=14');
    expect(asked.slice(1).every((q) => q === '?days=1')).toBe(true);
    await expect.poll(() => row(page, 'pbx').getAttribute('data-state'), { timeout: 30_000 }).toBe('bad');
    expect(await row(page, 'pbx').textContent()).toContain('✖ Ne répond pas');
    // Why, in French, and what to check; the raw "fetch failed" only in the title, for the engineer.
    const pbxWhy = row(page, 'pbx').locator('[data-testid=dep-detail]');
    expect(await pbxWhy.textContent()).toBe(
      'Cause : connexion refusée (service arrêté, ou adresse ou port erronés). À vérifier : qu’Asterisk est démarré et que son interface ARI écoute (ARI_URL).',
    );
    expect(await pbxWhy.getAttribute('title')).toMatch(/^Détail technique : fetch failed: .*ECONNREFUSED/);
    expect(await row(page, 'pbx').textContent()).not.toContain('fetch failed');

    // The ACD's answers cut off (the network, as the browser sees it): the last figures stay, faded,
    // under a stale line whose age keeps going up.
    await page.route('**/dependencies**', (route) => route.abort('connectionrefused'));
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 30_000 }).toBe('true');
    const age = page.locator('[data-testid=deps-age]');
    expect(await age.textContent()).toMatch(
      /^⚠ Données périmées : dernière mesure à \d\d:\d\d:\d\d, il y a \d+ s/,
    );
    const seconds = async () => Number(/il y a (\d+) s/.exec((await age.textContent()) ?? '')?.[1] ?? -1);
    const first = await seconds();
    await expect.poll(seconds, { timeout: 10_000 }).toBeGreaterThan(first);
    expect(await row(page, 'pbx').textContent()).toContain('Ne répond pas');
    const opacity = await page.$eval('[data-testid=dependencies] .dep-list', (e) =>
      Number(getComputedStyle(e).opacity),
    );
    expect(opacity).toBeLessThan(0.6);
    await panel.screenshot({ path: `${SHOTS}/console-dependencies-stale.png` });

    // On the wall too (larger type), then the answers come back: live again.
    await page.locator('button[data-action=wall]').click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
    expect(await panel.isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/console-dependencies-wall.png`, fullPage: true });
    await page.unroute('**/dependencies**');
    await page.locator('[data-action=deps-refresh]').click();
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 30_000 }).toBe('false');
    // The only console errors: the requests the test itself cut off.
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a request that hangs (no answer, no error) turns the panel stale after 25 s; back with the button', async () => {
    // The page's own clock (Playwright's): the 10 s poll and the 25 s without an answer are moved
    // through at once, and the panel is seen fresh at 24 s and stale past 25 s, on the second.
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`, { fakeClock: true });
    await keyboardLogin(page, 'sup-1');
    const panel = page.locator('[data-testid=dependencies]');
    const age = page.locator('[data-testid=deps-age]');
    await expect.poll(() => age.textContent(), { timeout: 20_000 }).toMatch(/^Mesuré à /);
    // From here the page's time moves only when the test says (pausing is a jump forward, a few
    // seconds ahead of the page's clock, which runs on meanwhile): a fresh answer now, at 0 s.
    // Every request asked so far must be answered before the hold: a poll sent before the pause and
    // answered meanwhile is not the button's, whose late answer would move the 0 s on.
    const inFlight = new Set<Request>();
    page.on('request', (r) => void (r.url().includes('/dependencies') && inFlight.add(r)));
    const done = (r: Request) => void inFlight.delete(r);
    page.on('requestfinished', done).on('requestfailed', done);
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 10_000));
    await page.locator('[data-action=deps-refresh]').click();
    await expect.poll(() => inFlight.size, { timeout: 20_000 }).toBe(0);
    await expect.poll(() => age.textContent(), { timeout: 20_000 }).toMatch(/^Mesuré à .*, il y a 0 s/);
    // From now on the server's answers never come (held by the test, neither answered nor failed).
    const held: Route[] = [];
    await page.route('**/dependencies**', (route) => void held.push(route));
    // The next poll (every 10 s) asks, and hangs.
    await page.clock.runFor(10_000);
    await expect.poll(() => held.length, { timeout: 20_000 }).toBeGreaterThan(0);
    // 24 s without an answer: still fresh (23 or 24 s shown: the age ticks on its own second); 26 s: stale.
    await page.clock.runFor(14_000);
    await expect.poll(() => age.textContent(), { timeout: 20_000 }).toMatch(/^Mesuré à .*, il y a 2[34] s/);
    expect(await panel.getAttribute('data-stale')).toBe('false');
    await page.clock.runFor(2_000);
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 20_000 }).toBe('true');
    expect(await age.textContent()).toMatch(
      /^⚠ Données périmées : dernière mesure à \d\d:\d\d:\d\d, il y a 2[56] s Actualiser$/,
    );
    // The held requests fail (still stale), then the answers come back: the button asks at once.
    for (const r of held) await r.abort('connectionrefused').catch(() => undefined);
    await page.unroute('**/dependencies**');
    expect(await panel.getAttribute('data-stale')).toBe('true');
    await page.locator('[data-action=deps-refresh]').click();
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 20_000 }).toBe('false');
    expect(await age.textContent()).toMatch(/^Mesuré à /);
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows Redis and the LRM endpoint, then each failing in French words', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    // A call's events reach the example LRM through BullMQ on the test's Redis.
    await room.arrive('l-1', '0622222222', null);
    await expect
      .poll(
        measured(page, () => row(page, 'lrm').textContent()),
        { timeout: 30_000, interval: 200 },
      )
      .toMatch(
        /^Logiciel de régulation \(LRM\)✔ Reçoit les événements : dernier livré à \d\d:\d\d:\d\d en [\d,]+ (ms|s)$/,
      );
    expect(lrm.received.length).toBeGreaterThan(0);
    expect(await row(page, 'redis').textContent()).toMatch(/^Base Redis✔ Répond en [\d,]+ (ms|s)$/);
    expect(await row(page, 'redis').getAttribute('data-state')).toBe('ok');
    await page
      .locator('[data-testid=dependencies]')
      .screenshot({ path: `${SHOTS}/console-dependencies-all.png` });

    // The LRM goes away: the next call's events meet a refused connection and wait for a retry.
    await lrm.close();
    await room.arrive('l-2', '0633333333', null);
    await expect
      .poll(
        measured(page, () => row(page, 'lrm').getAttribute('data-state')),
        { timeout: 30_000, interval: 200 },
      )
      .toBe('bad');
    expect(await row(page, 'lrm').locator('.dep-value').textContent()).toMatch(
      /^✖ Ne reçoit plus les événements : \d+ événements? en attente(, 1 appel en nouvel essai)? ; dernier échec à \d\d:\d\d:\d\d$/,
    );
    const lrmWhy = row(page, 'lrm').locator('[data-testid=dep-detail]');
    expect(await lrmWhy.textContent()).toBe(
      'Cause : connexion refusée (service arrêté, ou adresse ou port erronés). À vérifier : que le logiciel de régulation est démarré et l’adresse LRM_WEBHOOK_URL.',
    );
    expect(await lrmWhy.getAttribute('title')).toMatch(
      /^Détail technique : lrm: fetch failed: .*ECONNREFUSED/,
    );

    // Redis killed: its row says so, in French.
    await pinged.kill('SIGKILL');
    await expect
      .poll(
        measured(page, () => row(page, 'redis').getAttribute('data-state')),
        { timeout: 30_000, interval: 200 },
      )
      .toBe('bad');
    expect(await row(page, 'redis').locator('.dep-value').textContent()).toBe('✖ Ne répond pas');
    expect(await row(page, 'redis').locator('[data-testid=dep-detail]').textContent()).toMatch(
      /^Cause : .+\. À vérifier : .*(redis-server|REDIS_URL).*\.$/,
    );
    for (const dep of ['pbx', 'redis', 'lrm'])
      expect(await row(page, dep).textContent()).not.toMatch(/fetch failed|ECONNREFUSED/);
    await page
      .locator('[data-testid=dependencies]')
      .screenshot({ path: `${SHOTS}/console-dependencies-failing.png` });
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  }, 150_000);
});
