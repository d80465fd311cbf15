// The ARM panel's keyboard-first flow in Firefox: Debian's firefox-esr driven by puppeteer-core over
// WebDriver BiDi (playwright's Firefox needs Mozilla builds patched with its Juggler protocol; the
// stock ESR speaks BiDi natively). Same room as tests/e2e/room.test.ts (real ACD server, engine, the
// built web UI): keyboard login, seat login, the offer answered with Entrée, the DRM typed, P1 with
// its key; the engine moves the call on to N2 AMU and the panel says so in French.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, startRoom, type Room } from './room-harness.js';

const FIREFOX = '/usr/bin/firefox-esr';
const hasFirefox = existsSync(FIREFOX);

let room: Room;
let browser: Browser;

/** Text of the first match, '' while it is not rendered (expect.poll retries). */
const text = (page: Page, selector: string) =>
  page.evaluate((s) => document.querySelector(s)?.textContent ?? '', selector);
const focused = (page: Page) =>
  page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('name') || '');

describe.skipIf(!hasFirefox)(`the ARM panel's keys in Firefox (${FIREFOX} over WebDriver BiDi)`, () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('logs in, answers, types the DRM and qualifies P1 with the keyboard only; the call goes on to N2 AMU', async () => {
    expect(await browser.version()).toMatch(/^firefox\//);
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${room.url}/arm.html`);

    // Keyboard login: the form focuses its user name field itself.
    await expect.poll(() => focused(page), { timeout: 10_000 }).toBe('username');
    await page.keyboard.type('arm-1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, '[data-testid=status]'), { timeout: 10_000 }).not.toBe('');
    await page.keyboard.press('c'); // on the seat
    await expect.poll(() => text(page, '[data-testid=status]'), { timeout: 5000 }).toContain('Disponible');
    expect(room.runtime.state.data.agents['arm-1']?.status).toBe('available');

    // The offer rings on the panel; Entrée answers it.
    await room.arrive('c-ff', '0612345678', null);
    await expect.poll(() => text(page, '[data-testid=status]'), { timeout: 5000 }).toContain('Sonnerie');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, '[data-testid=status]'), { timeout: 5000 }).toContain('En appel');
    expect(await text(page, '[data-testid=caller]')).toContain('0612345678');

    // P1 with an empty DRM name is refused in French and puts the focus on the name field.
    await page.keyboard.press('1');
    await expect
      .poll(() => text(page, '[data-testid=message]'), { timeout: 5000 })
      .toContain('Renseignez le nom');
    await expect.poll(() => focused(page)).toBe('drm-name');
    expect(room.runtime.state.data.calls['c-ff']!.qualification).toBeNull();

    // N reaches the name field, Entrée goes on to the phone field, Échap back to the keys.
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).not.toBe('drm-name');
    await page.keyboard.press('n');
    await expect.poll(() => focused(page)).toBe('drm-name');
    await page.keyboard.type('Jeanne MARTIN');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('drm-phone');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.type('0611223344');
    expect(await page.$eval('#drm-name', (e) => (e as HTMLInputElement).value)).toBe('Jeanne MARTIN');
    expect(await page.$eval('#drm-phone', (e) => (e as HTMLInputElement).value)).toBe('0611223344');
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).not.toBe('drm-phone');
    await page.keyboard.press('1');

    await expect
      .poll(() => text(page, '[data-testid=message]'), { timeout: 5000 })
      .toMatch(/P1 : transféré vers .*AMU/);
    const call = () => room.runtime.state.data.calls['c-ff']!;
    expect(call().qualification).toBe('P1');
    expect(call().drm).toMatchObject({ name: 'Jeanne MARTIN', phone: '0611223344' });
    await expect
      .poll(() => call().parties[0]?.queueId ?? call().pending?.queueId, { timeout: 5000 })
      .toBe('n2-amu');
    expect(call().parties.map((p) => p.agentId)).not.toContain('arm-1');
    await page.screenshot({ path: `${SHOTS}/firefox-panel-p1.png` });
    expect(errors).toEqual([]);
    expect((await room.runtime.dispatch({ type: 'callerHungUp', callId: 'c-ff' })).ok).toBe(true);
  }, 90_000);
});
