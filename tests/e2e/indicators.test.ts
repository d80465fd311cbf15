// The indicators page in Debian's chromium against the real ACD server: the official annex 3 figures
// of the month (table 1) with SAS hours, PDSA hours and 24 h, computed from the calls the room took;
// the year's table 3; the CSV downloaded is the API's export. Screenshot in .tmp/screens.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

describe.skipIf(!hasChromium)('the indicators page in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('shows table 1 of the month and table 3 of the year from the calls taken, and downloads the CSV', async () => {
    // Two calls answered and ended, one abandoned.
    await room.rest('arm-1', 'POST', '/sites/44/agent/login');
    for (const id of ['i-1', 'i-2']) {
      await room.arrive(id, '0611111111', null);
      await expect.poll(() => room.runtime.state.data.calls[id]?.pending?.offer?.agentId).toBe('arm-1');
      expect((await room.rest('arm-1', 'POST', `/sites/44/calls/${id}/answer`)).status).toBe(200);
      expect((await room.rest('arm-1', 'POST', `/sites/44/calls/${id}/hangup`, {})).status).toBe(200);
      await room.rest('arm-1', 'POST', '/sites/44/agent/ready');
    }
    await room.rest('arm-1', 'POST', '/sites/44/agent/pause', { reason: 'Pause' });
    await room.arrive('i-3', '0622222222', null);
    expect((await room.runtime.dispatch({ type: 'callerHungUp', callId: 'i-3' })).ok).toBe(true);

    const { page, errors } = await openPage(browser, `${room.url}/indicators.html`);
    await keyboardLogin(page, 'sup-1');
    // The default period is the site's current month on the server's clock (March 2026 here), in
    // French (chromium's own month field read « March 2026 » whatever the page's language).
    await expect.poll(() => page.inputValue('[data-testid=month]'), { timeout: 10_000 }).toBe('03');
    expect(await page.inputValue('[data-testid=month-year]')).toBe('2026');
    expect(await page.locator('[data-testid=month] option:checked').textContent()).toBe('mars');
    expect(await page.locator('[data-testid=month] option').allTextContents()).toEqual([
      'janvier',
      'février',
      'mars',
      'avril',
      'mai',
      'juin',
      'juillet',
      'août',
      'septembre',
      'octobre',
      'novembre',
      'décembre',
    ]);
    const answered = page.locator('table[data-table="1"] tr[data-item="t1.1"]');
    await answered.waitFor({ timeout: 10_000 });
    const cells = async (item: string) =>
      page.locator(`table[data-table="1"] tr[data-item="${item}"] td.num`).allTextContents();
    expect(await cells('t1.1')).toEqual(['2', '0', '2']); // SAS hours, PDSA hours, 24 h
    expect(await cells('t1.2b')).toEqual(['1', '0', '1']);
    expect(await answered.textContent()).toContain('Appels décrochés par le SAS');
    // The annex's item numbers, never an internal key (« o.44.arrived »).
    expect(await answered.locator('th').textContent()).toBe('1.1');
    // The period in words (the CSV keeps 2026-03, 2026-Q1).
    expect(await answered.locator('td').nth(1).textContent()).toBe('mars 2026');
    expect(await page.locator('td:text-is("1er trimestre 2026")').count()).toBe(1);
    expect(await page.locator('td:text-is("2026-03"), td:text-is("2026-Q1")').count()).toBe(0);
    expect((await page.locator('table').allTextContents()).join(' ')).not.toMatch(/\bo\.44\.|\bt1\./);
    await page.screenshot({ path: `${SHOTS}/indicators.png`, fullPage: true });

    // The CSV is the API's export (French spreadsheet separator), downloaded as a file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger le CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('sas-44-annexe3-2026-03.csv');
    const file = readFileSync((await download.path())!, 'utf8');
    expect(file.split('\n')[0]).toBe('table;item;label;period;sas;pdsa;24h;source');
    expect(file).toMatch(/^table 1;t1\.1;Appels décrochés par le SAS;2026-03;2;0;2;/m);
    expect(file).not.toMatch(/Calls answered/);

    // Keyboard only: focus the month, one arrow down — April's figures load (nothing in April).
    await page.focus('[data-testid=month]');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.inputValue('[data-testid=month]')).toBe('04');
    await expect.poll(() => cells('t1.1'), { timeout: 10_000 }).toEqual(['0', '0', '0']);
    // The year field, reached with Tab: 2025, then back to March 2026.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid)).toBe(
      'month-year',
    );
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.inputValue('[data-testid=month-year]')).toBe('2025');
    await expect.poll(() => cells('t1.1'), { timeout: 10_000 }).toEqual(['0', '0', '0']);
    await page.keyboard.press('ArrowUp');
    await page.focus('[data-testid=month]');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cells('t1.1'), { timeout: 10_000 }).toEqual(['2', '0', '2']);

    // The year: table 3 with the annex's French wording.
    await page.selectOption('[data-testid=period-kind]', 'year');
    await page.locator('table[data-table="3"]').waitFor({ timeout: 10_000 });
    expect(await page.inputValue('[data-testid=year]')).toBe('2026');
    expect(errors).toEqual([]);
  }, 60_000);
});
