// The supervisor's console in Debian's chromium against the real ACD server:
// - the wall mode: full screen, large type, the actions and the agents board out of the way,
//   back with its button or the browser's own way out of full screen, `#mur` to start in it;
// - a configuration change (PUT /config) shows live, without a reload: the QS target on the cards,
//   the chart and the per-queue colours;
// - who acknowledged an alarm, by name.
// Screenshots in .tmp/screens.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

const visible = (page: Page, selector: string) => page.locator(selector).first().isVisible();
const fontPx = (page: Page, selector: string) =>
  page.$eval(selector, (e) => parseFloat(getComputedStyle(e).fontSize));
/** The queues whose row is wholly on the screen (no scrolling), by id. */
const queuesOnScreen = (page: Page) =>
  page.$$eval('[data-testid=queues] tbody tr[data-queue]', (rows) =>
    rows
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth;
      })
      .map((r) => r.getAttribute('data-queue')),
  );

describe.skipIf(!hasChromium)('the console: wall mode, live configuration, acknowledger', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('wall mode: full screen, larger figures, no actions; its button and the end of full screen leave it; #mur starts in it', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    await page.locator('[data-testid=queues] tr[data-queue=n1]').waitFor({ timeout: 10_000 });
    const qsBefore = await fontPx(page, '[data-testid=qs30] .big');
    const rowBefore = await fontPx(page, '[data-testid=queues] tr[data-queue=n1] td');
    expect(await visible(page, '[data-testid=agents]')).toBe(true);

    const toggle = page.locator('button[data-action=wall]');
    expect(await toggle.textContent()).toBe('Mode mur');
    await toggle.click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await toggle.textContent()).toBe('Quitter le mode mur');
    expect(new URL(page.url()).hash).toBe('#mur');
    // Read from across the room: the figures at least 1.5 times larger.
    expect(await fontPx(page, '[data-testid=qs30] .big')).toBeGreaterThanOrEqual(qsBefore * 1.5);
    expect(await fontPx(page, '[data-testid=queues] tr[data-queue=n1] td')).toBeGreaterThanOrEqual(
      rowBefore * 1.5,
    );
    // The figures and the alarms stay; the agents board, the lines, the steering buttons and the
    // desk's extra columns (offered, ASA, 1 h) go: the queue table fits the screen's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    for (const shown of ['[data-testid=qs30]', '[data-testid=queues]', '[data-testid=alarms]'])
      expect(await visible(page, shown), shown).toBe(true);
    for (const hidden of ['[data-testid=agents]', 'button[data-action=mode]', '.lines'])
      expect(await visible(page, hidden), hidden).toBe(false);
    // What waits now comes first: the queues right under the QS, above the alarms.
    const top = async (sel: string) => (await page.locator(sel).boundingBox())!.y;
    expect(await top('[data-testid=queues]')).toBeLessThan(await top('[data-testid=alarms]'));
    await page.screenshot({ path: `${SHOTS}/console-wall.png` });
    // Every queue of the site on the screen at once, not only the first ones.
    const config = (await room.rest('admin', 'GET', '/sites/44/config')).body as { queues: { id: string }[] };
    const queueIds = config.queues.map((q) => q.id).sort();
    expect(queueIds.length).toBeGreaterThan(3);
    expect((await queuesOnScreen(page)).sort()).toEqual(queueIds);

    // Its button: back to the desk console, out of full screen.
    await toggle.click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);
    expect(await visible(page, '[data-testid=agents]')).toBe(true);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(new URL(page.url()).hash).toBe('');

    // The browser's own way out of full screen (Échap, F11) leaves the wall mode with it.
    await toggle.click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
    await page.evaluate(() => document.exitFullscreen());
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await visible(page, '[data-testid=agents]')).toBe(true);

    // A wall screen that starts by itself: #mur in its address, kept across a reload.
    await page.goto(`${room.url}/wallboard.html#mur`);
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await page.locator('[data-testid=queues] tr[data-queue=n1]').waitFor({ timeout: 10_000 });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await visible(page, '[data-testid=agents]')).toBe(false);
    // A small wall screen, 900 px wide (and high): still every queue, its figures no smaller than
    // the desk's; a large one (1920 × 1080) keeps the full wall size.
    await page.setViewportSize({ width: 900, height: 900 });
    await expect.poll(async () => (await queuesOnScreen(page)).sort()).toEqual(queueIds);
    expect(await fontPx(page, '[data-testid=queues] tr[data-queue=n1] td')).toBeGreaterThanOrEqual(rowBefore);
    await page.screenshot({ path: `${SHOTS}/console-wall-900.png` });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(async () => (await queuesOnScreen(page)).sort()).toEqual(queueIds);
    expect(await fontPx(page, '[data-testid=queues] tr[data-queue=n1] td')).toBeGreaterThanOrEqual(
      rowBefore * 1.5,
    );
    await page.screenshot({ path: `${SHOTS}/console-wall-1920.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('shows a new QS target and its colours live after PUT /config, without a reload', async () => {
    const before = await room.rest('admin', 'GET', '/sites/44/config');
    const config = before.body as Record<string, unknown> & { queues: { id: string }[] };
    // N1's threshold at 3 s, so that one answer can miss it and another make it here.
    const queues = config.queues.map((q) => (q.id === 'n1' ? { ...q, thresholdSeconds: 3 } : q));
    expect((await room.rest('admin', 'PUT', '/sites/44/config', { ...config, queues })).status).toBe(200);

    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    const qs = page.locator('[data-testid=qs30] .qs-card').first();
    await page.locator('[data-testid=queues] tr[data-queue=n1]').waitFor({ timeout: 10_000 });
    // Proof that nothing below reloads the page: a mark on the page's own window.
    await page.evaluate(() => ((window as { sameLoad?: boolean }).sameLoad = true));

    // N1: one call answered after its 3 s, one at once: 50 % against the default 90 %.
    await room.rest('arm-1', 'POST', '/sites/44/agent/login');
    await room.arrive('t-1', '0611111111', null);
    await expect.poll(() => room.runtime.state.data.calls['t-1']?.pending?.offer?.agentId).toBe('arm-1');
    const enteredAt = room.runtime.state.data.calls['t-1']!.pending!.enteredAt;
    await expect.poll(() => room.now() - enteredAt, { timeout: 8000 }).toBeGreaterThan(3500);
    expect((await room.rest('arm-1', 'POST', '/sites/44/calls/t-1/answer')).status).toBe(200);
    await room.rest('arm-3', 'POST', '/sites/44/agent/login');
    await room.arrive('t-2', '0622222222', null);
    await expect.poll(() => room.runtime.state.data.calls['t-2']?.pending?.offer?.agentId).toBe('arm-3');
    expect((await room.rest('arm-3', 'POST', '/sites/44/calls/t-2/answer')).status).toBe(200);

    const n1Today = page.locator('[data-testid=queues] tr[data-queue=n1] td[data-window=today] span');
    await expect.poll(() => n1Today.textContent(), { timeout: 10_000 }).toBe('✖ 50 % (< 3 s)');
    expect(await n1Today.getAttribute('data-state')).toBe('bad');
    expect(await qs.textContent()).toContain('objectif 90 %');
    const badColour = await n1Today.evaluate((e) => getComputedStyle(e).color);

    // The site's target set to 40 %: cards, chart and the queue's colour follow, same page.
    const now = (await room.rest('admin', 'GET', '/sites/44/config')).body as Record<string, unknown>;
    expect((await room.rest('admin', 'PUT', '/sites/44/config', { ...now, qsTarget: 0.4 })).status).toBe(200);
    await expect.poll(() => qs.textContent(), { timeout: 10_000 }).toContain('✔ objectif 40 % atteint');
    expect(await qs.getAttribute('class')).toContain('qs-ok');
    await expect.poll(() => n1Today.textContent(), { timeout: 5000 }).toBe('✔ 50 % (< 3 s)');
    expect(await n1Today.getAttribute('data-state')).toBe('ok');
    expect(await n1Today.evaluate((e) => getComputedStyle(e).color)).not.toBe(badColour);
    expect(await page.textContent('[data-testid=chart-qs]')).toContain('Objectif 40 %');
    expect(await page.evaluate(() => (window as { sameLoad?: boolean }).sameLoad)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/console-live-target.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('says who acknowledged an alarm by name, never by login', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    const alarm = page.locator('[data-testid=alarms] li', { hasText: 'médecin régulateur urgentiste' });
    await alarm.getByRole('button', { name: 'Acquitter' }).click({ timeout: 10_000 });
    // sup-1's name in the site's configuration.
    await expect
      .poll(() => alarm.textContent(), { timeout: 5000 })
      .toContain('Acquittée par Superviseur à 10:');
    expect(await alarm.textContent()).not.toContain('sup-1');
    const id = (await alarm.getAttribute('data-id'))!;
    // The login stays in the record; the name is what the consoles show.
    expect(room.runtime.state.data.alarms[id]?.acknowledged).toMatchObject({
      by: 'sup-1',
      byName: 'Superviseur',
    });
    const overview = await room.rest('admin', 'GET', '/sites/44/alarms');
    expect(JSON.stringify(overview.body)).toContain('"acknowledgedByName":"Superviseur"');
    await page.screenshot({ path: `${SHOTS}/console-alarm-acknowledged.png` });
    expect(errors).toEqual([]);
  }, 60_000);
});
