// The operator reports page in Debian's chromium against the real ACD server (in-memory site):
// a file with bad lines, typed with the keyboard, is refused and each bad line named in French, and
// nothing is kept; a good file chosen with the file chooser is reconciled with the calls the room
// saw (presented, answered, the gap and the shares per number) and kept; the same file again
// changes nothing; the months kept are listed and shown with the keyboard. Screenshots in
// .tmp/screens.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

describe.skipIf(!hasChromium)('the operator reports page', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('refuses a bad file line by line in French, imports a good one, shows the months by keyboard', async () => {
    // Two callers on line 15 in March 2026 (the room's clock): 2 presented, none answered.
    await room.arrive('o-1', '0611111111', null);
    await room.arrive('o-2', '0622222222', null);
    const { page, errors } = await openPage(browser, `${room.url}/operator-reports.html`);
    await page.setViewportSize({ width: 1440, height: 1100 });
    await keyboardLogin(page, 'sup-1');
    await page.locator('[data-testid=no-month]').waitFor({ timeout: 20_000 });

    // A bad file typed with the keyboard: refused, each line named in French, nothing kept.
    await page.locator('[data-testid=csv]').focus();
    await page.keyboard.type(
      'month;number;calls;source\n2026-13;15;5;Orange\n2026-03;18;5;Orange\n2026-03;15;4;',
    );
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('import');
    await page.keyboard.press('Enter');
    const refused = page.locator('[data-testid=refused]');
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.locator('li').allTextContents()).toEqual([
      'Ligne 2 : le mois doit s’écrire AAAA-MM (reçu « 2026-13 »).',
      'Ligne 3 : « 18 » n’est pas un numéro du site (numéros connus : 15, 116117, sdis, pro, atsu).',
      'Ligne 4 : la source est obligatoire (d’où vient le chiffre : relevé, facture…).',
    ]);
    expect(await refused.locator('p').textContent()).toBe(
      '✖ Relevé refusé : rien n’a été enregistré. Corrigez ces lignes puis importez de nouveau.',
    );
    await page.screenshot({ path: `${SHOTS}/operator-reports-refused.png`, fullPage: true });
    expect((await room.rest('sup-1', 'GET', '/sites/44/operator-reports')).body).toEqual({ months: [] });

    // A good file through the file chooser: reconciled with the room's calls and kept.
    const csv =
      'month;number;calls;source\n2026-03;15;10;Orange, relevé mensuel\n2026-03;116 117;4;Orange, relevé mensuel\n';
    await page.locator('[data-testid=file]').setInputFiles({
      name: 'releve-mars-2026.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await expect.poll(() => page.locator('[data-testid=csv]').inputValue()).toBe(csv);
    expect(await page.locator('[data-testid=file-name]').textContent()).toBe('releve-mars-2026.csv');
    await page.locator('[data-action=import]').click();
    const info = page.locator('[data-testid=info]');
    await expect
      .poll(() => info.textContent(), { timeout: 20_000 })
      .toBe('✔ Relevé importé (releve-mars-2026.csv) : mars 2026 enregistré.');
    expect(await refused.count()).toBe(0);
    const month = page.locator('[data-testid=months] tr[data-month="2026-03"]');
    await month.waitFor();
    expect(await month.locator('td').allTextContents()).toEqual([
      '14',
      '2',
      '0',
      '+12',
      expect.stringMatching(/^le \d\d\/\d\d\/2026 \d\d:\d\d par sup-1$/),
      'Voir mars 2026',
    ]);
    const line15 = page.locator('[data-testid=numbers] tr[data-line="15"]');
    await line15.waitFor();
    expect(await line15.locator('th').textContent()).toBe('Centre 15');
    expect(await page.locator('[data-testid=file-name]').textContent()).toBe('aucun fichier choisi');
    expect(await line15.locator('td').allTextContents()).toEqual([
      '10',
      '2',
      '0',
      '+8',
      '80 %',
      '0 %',
      'Orange, relevé mensuel',
    ]);
    expect(await page.locator('[data-testid=numbers] tr[data-line="116117"] td').allTextContents()).toEqual([
      '4',
      '0',
      '0',
      '+4',
      '100 %',
      '0 %',
      'Orange, relevé mensuel',
    ]);
    await page.screenshot({ path: `${SHOTS}/operator-reports.png`, fullPage: true });

    // The same file again: nothing changes, and the page says so.
    await page.locator('[data-testid=file]').setInputFiles({
      name: 'releve-mars-2026.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await expect.poll(() => page.locator('[data-testid=csv]').inputValue()).toBe(csv);
    await page.locator('[data-action=import]').click();
    await expect
      .poll(() => info.textContent(), { timeout: 20_000 })
      .toBe(
        '✔ Relevé importé (releve-mars-2026.csv) : mars 2026 identique au relevé déjà enregistré (rien changé).',
      );

    // The keyboard alone: from the page's top, Tab reaches « Voir mars 2026 »; Entrée shows the
    // month and takes the focus to its figures.
    await page.reload();
    await month.waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=report]').count()).toBe(0);
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    for (let i = 0; i < 30 && (await focused()) !== 'Voir mars 2026'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Voir mars 2026');
    await page.keyboard.press('Enter');
    await expect.poll(focused, { timeout: 20_000 }).toBe('mars 2026, par numéro');
    // The only console error: the browser's note of the refused file's 422.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await page.context().close();
  }, 120_000);
});
