// The N1 panel's onward choices (warm/blind on A, the destination on F) reach the action at once: a
// key pressed right after the change, before the panel re-renders, acts on the new choice. In
// Debian's chromium against the real ACD server (room harness): A then 1 dispatched in the same
// task (no render between them, what a loaded machine can produce) must make a warm P1 transfer.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

const status = (page: Page) => page.textContent('[data-testid=status]');

describe.skipIf(!hasChromium)('the panel’s onward choices, in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('A then 1 with no render between: the P1 goes warm, as the panel then shows', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/arm.html`);
    await keyboardLogin(page, 'arm-1');
    await page.locator('[data-testid=status]').waitFor();
    await page.keyboard.press('c');
    await expect.poll(() => status(page), { timeout: 20_000 }).toContain('Disponible');
    await room.arrive('c-race', '0612345678', 'Jeanne Martin');
    await expect.poll(() => status(page), { timeout: 20_000 }).toContain('Sonnerie');
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page), { timeout: 20_000 }).toContain('En appel');
    await expect.poll(() => page.inputValue('#drm-name'), { timeout: 20_000 }).not.toBe('');
    expect(await page.textContent('[data-testid=onward]')).toContain('Transfert accompagné : non');

    await page.evaluate(() => {
      for (const key of ['a', '1'])
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    });
    await expect
      .poll(() => room.runtime.state.data.calls['c-race']?.pending?.kind, { timeout: 20_000 })
      .toBe('warm');
    await expect
      .poll(() => page.textContent('[data-testid=message]'), { timeout: 20_000 })
      .toContain('transfert accompagné');
    expect((await room.runtime.dispatch({ type: 'callerHungUp', callId: 'c-race' })).ok).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
