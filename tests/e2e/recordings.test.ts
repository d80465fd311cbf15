// The recordings page in Debian's chromium against `sas-acd serve` recording its calls on sim-pbx
// (real redis-server): a supervisor finds the call's recording, plays it in the page (the audio
// fetched with the session's token and decoded by the browser), the listen appears in the audit
// log, and a legal hold is placed from the page. Screenshot in .tmp/screens.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRef } from '../../src/lrm/call-ref.js';
import { startRecordingRoom, type RecordingRoom } from '../integration/fixtures/recording-room.js';
import { stopAll } from '../integration/stored-site/fixtures/site.js';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS } from './room-harness.js';

let room: RecordingRoom;
let browser: Browser;

describe.skipIf(!hasChromium)('the recordings page in chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    room = await startRecordingRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
    await stopAll();
  });

  it('plays a call’s recording, audited, and places a legal hold', async () => {
    const callId = await room.recordedCall('0600000009');
    const ref = callRef(room.siteId, callId);
    const { page, errors } = await openPage(browser, `${room.serving.url}/recordings.html`);
    await keyboardLogin(page, 'sup-1');
    const row = page.locator(`tr[data-ref="${ref}"]`);
    await row.waitFor({ timeout: 10_000 });
    await page.fill('[data-testid=search]', ref.slice(-4));
    await expect.poll(() => page.locator('[data-testid=recording-list] tbody tr').count()).toBe(1);

    await row.getByRole('button', { name: 'Écouter' }).click();
    const player = page.locator('[data-testid=player]');
    await player.waitFor({ timeout: 10_000 });
    expect(await player.getAttribute('src')).toMatch(/^blob:/);
    // The browser loaded the file (the CSP lets a blob: play) and decoded it without error.
    await expect
      .poll(() =>
        player.evaluate((a: HTMLAudioElement) => (a.error ? `error ${a.error.code}` : a.readyState)),
      )
      .toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid=audit] tr[data-action=listen]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=audit] tr[data-action=listen]').first().textContent()).toContain(
      'sup-1',
    );

    await row.getByRole('button', { name: 'Conserver' }).click();
    await page.fill('[data-testid=hold-reason]', 'Revue d’incident');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => row.locator('[data-testid=hold-state]').textContent())
      .toBe('Conservation légale');
    const held = await room.api('sup-1', 'GET', `/sites/${room.siteId}/calls/${callId}/recordings`);
    expect(held.body).toMatchObject({ hold: { by: 'sup-1', reason: 'Revue d’incident' } });
    await page.screenshot({ path: `${SHOTS}/recordings.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
