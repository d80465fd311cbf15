// The panel's queue load never contradicts the desk it sits next to: in Debian's chromium against
// the real ACD server (room harness), an ARM is offered a call; once the load says « 1 en
// sonnerie » the ARM answers with Entrée. A MutationObserver in the page records every rendered
// state: the status « En appel » shown with « en sonnerie » still in the load is a stale count
// (it was, while the load came only from the 1.5 s liveness probe). The supervisor console's queue
// table (the wall uses the same rows) shows 0 ringing once the call is answered.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

describe.skipIf(!hasChromium)('the panel’s queue load in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('never shows « en sonnerie » next to « En appel »; the console’s queue table agrees', async () => {
    const { page, errors } = await openPage(browser, `${room.url}/arm.html`);
    await keyboardLogin(page, 'arm-1');
    await page.locator('[data-testid=status]').waitFor();
    await page.keyboard.press('c');
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
      .toContain('Disponible');
    // Every rendered state of the panel from now on (the observer sees each commit whole).
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      const look = () => {
        const status = document.querySelector('[data-testid=status]')?.textContent ?? '';
        const load = document.querySelector('[data-testid=load]')?.textContent ?? '';
        w.seen.push(`${status} | ${load}`);
      };
      new MutationObserver(look).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });

    await room.arrive('c-load', '0612345678', 'Jeanne Martin');
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
      .toContain('Sonnerie');
    await expect
      .poll(() => page.textContent('[data-testid=load]'), { timeout: 20_000 })
      .toContain('1 en sonnerie');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
      .toContain('En appel');
    expect(room.runtime.state.data.calls['c-load']?.parties.map((p) => p.agentId)).toEqual(['arm-1']);
    // A later probe fixes any stale figure: the first states after the answer are what matter.
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const stale = seen.filter((s) => /En appel/.test(s) && /en sonnerie/.test(s));
    expect(stale).toEqual([]);
    expect(seen.some((s) => /En appel/.test(s))).toBe(true);

    // The supervisor console: the same read model, 0 ringing in N1 now the call is answered.
    const sup = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(sup.page, 'sup-1');
    const n1Row = sup.page.locator('[data-testid=queues] tr[data-queue=n1] td');
    await n1Row.first().waitFor({ timeout: 20_000 });
    // Columns: waiting, oldest, ringing, logged in / available, …
    await expect.poll(() => n1Row.nth(2).textContent(), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => n1Row.nth(0).textContent(), { timeout: 20_000 }).toBe('0');
    expect(errors).toEqual([]);
    expect(sup.errors).toEqual([]);
  }, 120_000);
});
