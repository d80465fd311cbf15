// Offer alerts and the console's seat actions in Debian's chromium against the real ACD server:
// an offer to an auto-answer seat beeps (an oscillator at 880 Hz, spied on), flashes the tab title
// and, with the page hidden and notifications granted in the browser context, shows a desktop
// notification; a supervisor pauses then logs out an agent from the console, each only after
// confirming (a cancel changes nothing).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

/** Records notifications and tones, and lets the test say the page is hidden. */
const SPY = () => {
  const w = window as unknown as { __alerts: { notes: string[]; tones: number[] }; __hidden: boolean };
  w.__alerts = { notes: [], tones: [] };
  w.__hidden = false;
  const Real = window.Notification;
  class Spy extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      w.__alerts.notes.push(`${title} | ${options?.body ?? ''}`);
    }
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  window.Notification = Spy as typeof Notification;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
    w.__alerts.tones.push(this.frequency.value);
    return start.call(this, when);
  };
  Object.defineProperty(Document.prototype, 'hidden', { get: () => w.__hidden });
};

async function panel(user: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'fr-FR',
    permissions: ['notifications'],
  });
  await context.addInitScript(SPY);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${room.url}/arm.html`);
  await keyboardLogin(page, user);
  return { page, errors };
}

const alerts = (page: Page) =>
  page.evaluate(() => (window as unknown as { __alerts: { notes: string[]; tones: number[] } }).__alerts);

describe.skipIf(!hasChromium)('offer alerts and the console seat actions in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('an offer beeps, flashes the title and notifies when the page is hidden; a seat without auto-answer rings', async () => {
    // arm-3 answers by hand: its offers ring (440 Hz, again and again) instead of one beep.
    const config = (await room.rest('admin', 'GET', '/sites/44/config')).body as {
      agents: { id: string; autoAnswer?: boolean }[];
    };
    const agents = config.agents.map((a) => (a.id === 'arm-3' ? { ...a, autoAnswer: false } : a));
    expect((await room.rest('admin', 'PATCH', '/sites/44/config', { agents })).status).toBe(200);
    const { page, errors } = await panel('arm-1');
    await page.getByRole('button', { name: /Se connecter au poste/ }).click();
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 10_000 })
      .toContain('Disponible');
    expect(await alerts(page)).toEqual({ notes: [], tones: [] });
    const title = await page.title();
    await page.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = true;
    });
    await room.arrive('a-1', '0611111111', null);
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 5000 })
      .toContain('Sonnerie');
    // The auto-answer seat's short beep (880 Hz), not the ring tone (440 Hz).
    await expect.poll(async () => (await alerts(page)).tones, { timeout: 5000 }).toEqual([880]);
    await expect
      .poll(async () => (await alerts(page)).notes)
      .toEqual(['Appel entrant | Centre 15 — 0611111111']);
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe('☎ Centre 15 — 0611111111');
    // Answered: the title comes back.
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 5000 })
      .toContain('En appel');
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe(title);
    expect(errors).toEqual([]);

    const manual = await panel('arm-3');
    await manual.page.getByRole('button', { name: /Se connecter au poste/ }).click();
    await expect
      .poll(() => manual.page.textContent('[data-testid=status]'), { timeout: 10_000 })
      .toContain('Disponible');
    await room.arrive('a-2', '0622222222', null);
    await expect
      .poll(() => manual.page.textContent('[data-testid=status]'), { timeout: 5000 })
      .toContain('Sonnerie');
    await expect
      .poll(async () => (await alerts(manual.page)).tones.length, { timeout: 6000 })
      .toBeGreaterThan(1);
    expect(new Set((await alerts(manual.page)).tones)).toEqual(new Set([440]));
    // Visible page: no desktop notification.
    expect((await alerts(manual.page)).notes).toEqual([]);
    await manual.page.keyboard.press('Enter');
    await expect
      .poll(() => manual.page.textContent('[data-testid=status]'), { timeout: 5000 })
      .toContain('En appel');
    expect(manual.errors).toEqual([]);
  }, 60_000);

  it('pauses and logs out an agent from the console, each after a confirmation', async () => {
    expect((await room.rest('arm-2', 'POST', '/sites/44/agent/login')).status).toBe(200);
    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    const row = page.locator('[data-agent=arm-2]');
    await row.getByRole('button', { name: 'Pause' }).click({ timeout: 10_000 });
    await page.locator('dialog[open]').waitFor();
    expect(await page.textContent('dialog[open]')).toContain('Mettre ARM 2 en pause ?');
    await page.click('[data-testid=confirm-cancel]');
    expect(room.runtime.state.data.agents['arm-2']!.status).toBe('available');
    await row.getByRole('button', { name: 'Pause' }).click();
    await page.click('[data-testid=confirm-ok]');
    await expect
      .poll(() => room.runtime.state.data.agents['arm-2']!.status, { timeout: 5000 })
      .toBe('paused');
    await expect.poll(() => row.textContent(), { timeout: 5000 }).toContain('En pause');

    await row.getByRole('button', { name: 'Déconnecter' }).click();
    await page.locator('dialog[open]').waitFor();
    expect(await page.textContent('dialog[open]')).toContain('Déconnecter ARM 2 ?');
    await page.click('[data-testid=confirm-cancel]');
    expect(room.runtime.state.data.agents['arm-2']!.status).toBe('paused');
    await row.getByRole('button', { name: 'Déconnecter' }).click();
    await page.click('[data-testid=confirm-ok]');
    await expect
      .poll(() => room.runtime.state.data.agents['arm-2']!.status, { timeout: 5000 })
      .toBe('logged-out');
    await expect.poll(() => row.textContent(), { timeout: 5000 }).toContain('Déconnecté');
    expect(errors).toEqual([]);
  }, 60_000);
});
