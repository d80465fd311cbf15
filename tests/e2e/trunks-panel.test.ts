// The console's trunks panel in Debian's chromium against the real ACD server: a caller on line 15
// shows « 1 canal occupé »; the panel and its button are reached with Tab; the server's answers cut
// off, the figures stay, faded, under a stale line whose age keeps ticking (the panel used to vanish,
// which on a wall reads as "nothing to report"); back, live again; a request that hangs (no answer,
// no error) turns it stale too after 15 s (on the page's own clock, moved by the test) and never
// blocks the button's request. Screenshots in .tmp/screens.
import type { Browser, Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

const ALLOWED = /ERR_CONNECTION_REFUSED|Failed to load resource/;
const seconds = async (page: Page) =>
  Number(
    /il y a (\d+) s/.exec((await page.locator('[data-testid=trunks-age]').textContent()) ?? '')?.[1] ?? -1,
  );

describe.skipIf(!hasChromium)('the console: trunks panel', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('keeps the last figures, faded and aged, when its requests fail; live again after', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    await room.arrive('t-1', '0611111111', null);
    const panel = page.locator('[data-testid=trunks]');
    const busy = page.locator('[data-trunk="15"] [data-testid=trunk-busy]');
    await expect.poll(() => busy.textContent(), { timeout: 20_000 }).toBe('1 canal occupé');
    expect(await page.locator('[data-trunk="15"] [data-testid=trunk-refused]').textContent()).toBe(
      'aucun appel refusé aujourd’hui',
    );
    const age = page.locator('[data-testid=trunks-age]');
    expect(await age.textContent()).toMatch(/^Mesuré à \d\d:\d\d:\d\d, il y a \d+ s Actualiser$/);
    expect(await panel.getAttribute('data-stale')).toBe('false');

    // Keyboard: Tab reaches the panel, then its refresh button.
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const focused = () =>
      page.evaluate(
        () =>
          document.activeElement?.getAttribute('data-testid') ??
          document.activeElement?.getAttribute('data-action'),
      );
    for (let i = 0; i < 200 && (await focused()) !== 'trunks'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('trunks');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('trunks-refresh');

    // The answers cut off: the panel stays, its figures faded, the age going up.
    await page.route('**/trunks', (route) => route.abort('connectionrefused'));
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 20_000 }).toBe('true');
    expect(await age.textContent()).toMatch(
      /^⚠ Données périmées : dernière mesure à \d\d:\d\d:\d\d, il y a \d+ s \(Serveur injoignable.*\) Actualiser$/,
    );
    expect(await busy.textContent()).toBe('1 canal occupé');
    const first = await seconds(page);
    await expect.poll(() => seconds(page), { timeout: 10_000 }).toBeGreaterThan(first);
    const opacity = await page.$eval('[data-testid=trunks] .trunk-list', (e) =>
      Number(getComputedStyle(e).opacity),
    );
    expect(opacity).toBeLessThan(0.6);
    await panel.screenshot({ path: `${SHOTS}/console-trunks-stale.png` });

    // Back: the button asks at once, live again.
    await page.unroute('**/trunks');
    await page.locator('[data-action=trunks-refresh]').click();
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 20_000 }).toBe('false');
    expect(await age.textContent()).toMatch(/^Mesuré à /);
    expect(errors.filter((e) => !ALLOWED.test(e))).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a request that hangs turns the panel stale after 15 s; the button is not blocked by it', async () => {
    // The page's own clock (Playwright's): the 5 s poll and the 15 s without an answer are moved
    // through at once, and the panel is seen fresh at 14 s and stale past 15 s, on the second.
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`, { fakeClock: true });
    await keyboardLogin(page, 'sup-1');
    const panel = page.locator('[data-testid=trunks]');
    const age = page.locator('[data-testid=trunks-age]');
    await expect.poll(() => age.textContent(), { timeout: 20_000 }).toMatch(/^Mesuré à /);
    // From here the page's time moves only when the test says (pausing is a jump forward, a few
    // seconds ahead of the page's clock, which runs on meanwhile): a fresh answer now, at 0 s.
    // Every request asked so far must be answered before the hold: a poll answered after the
    // button's would move the 0 s on.
    const inFlight = new Set<Request>();
    page.on('request', (r) => void (r.url().includes('/trunks') && inFlight.add(r)));
    const done = (r: Request) => void inFlight.delete(r);
    page.on('requestfinished', done).on('requestfailed', done);
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 10_000));
    await page.locator('[data-action=trunks-refresh]').click();
    await expect.poll(() => inFlight.size, { timeout: 20_000 }).toBe(0);
    await expect.poll(() => age.textContent(), { timeout: 20_000 }).toMatch(/^Mesuré à .*, il y a 0 s/);
    // From now on the server's answers never come (held by the test, neither answered nor failed).
    const held: Route[] = [];
    await page.route('**/trunks', (route) => void held.push(route));
    // The next poll (every 5 s) asks, and hangs.
    await page.clock.runFor(5_000);
    await expect.poll(() => held.length, { timeout: 20_000 }).toBeGreaterThan(0);
    // 14 s without an answer: still fresh (13 or 14 s shown: the age ticks on its own second);
    // 16.5 s: stale (half a second clear of the age's tick).
    await page.clock.runFor(9_000);
    await expect.poll(() => age.textContent(), { timeout: 20_000 }).toMatch(/^Mesuré à .*, il y a 1[34] s/);
    expect(await panel.getAttribute('data-stale')).toBe('false');
    await page.clock.runFor(2_500);
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 20_000 }).toBe('true');
    expect(await age.textContent()).toMatch(
      /^⚠ Données périmées : dernière mesure à \d\d:\d\d:\d\d, il y a 1[56] s Actualiser$/,
    );
    expect(await seconds(page)).toBeGreaterThanOrEqual(15);
    // The answers come back while the held requests still hang: the button's request is sent anyway.
    await page.unroute('**/trunks');
    await page.locator('[data-action=trunks-refresh]').click();
    await expect.poll(() => panel.getAttribute('data-stale'), { timeout: 20_000 }).toBe('false');
    // A held (older) request failing late changes nothing: the newer answer stays shown.
    for (const r of held) await r.abort('connectionrefused').catch(() => undefined);
    await page.locator('[data-trunk="15"]').waitFor();
    expect(await panel.getAttribute('data-stale')).toBe('false');
    expect(errors.filter((e) => !ALLOWED.test(e))).toEqual([]);
    await page.context().close();
  }, 120_000);
});
