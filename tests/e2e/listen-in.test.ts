// Supervisor listen-in from the console in Debian's chromium, with the keyboard only: on the row
// of an agent in a call, "Écouter" (Tab to it, Entrée, Entrée to confirm) starts the listen-in,
// the console shows it ("Vous êtes en écoute"), "Arrêter l'écoute" stops it; the engine records
// both (the audit log). No PBX here: the telephony side is tests/integration/telephony/ari-listen-in.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

describe.skipIf(!hasChromium)('listen-in from the supervisor console in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('listens to an agent in a call and stops, with the keyboard; audited', async () => {
    await room.rest('arm-1', 'POST', '/sites/44/agent/login');
    await room.arrive('l-1', '0611111111', null);
    await expect.poll(() => room.runtime.state.data.calls['l-1']?.pending?.offer?.agentId).toBe('arm-1');
    expect((await room.rest('arm-1', 'POST', '/sites/44/calls/l-1/answer')).status).toBe(200);

    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    const listen = page.locator('[data-agent=arm-1] button[data-action=listen]');
    await listen.waitFor({ timeout: 10_000 });
    // No listen-in buttons on a free agent's row.
    expect(await page.locator('[data-agent=arm-2] button[data-action=listen]').count()).toBe(0);
    await listen.focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    expect(await page.textContent('dialog[open]')).toContain('Écouter l’appel de ARM 1');
    expect(await page.textContent('dialog[open]')).toContain('journal d’audit');
    await page.keyboard.press('Enter'); // confirm (the dialog's default button)
    await expect.poll(() => room.runtime.state.data.calls['l-1']?.listeners?.[0]?.mode).toBe('listen');
    await page.locator('[data-agent=arm-1] [data-listening=listen]').waitFor({ timeout: 5000 });
    expect(await page.textContent('[data-agent=arm-1]')).toContain('Vous êtes en écoute');
    await page.screenshot({ path: `${SHOTS}/console-listen-in.png`, fullPage: true });

    const stop = page.locator('[data-agent=arm-1] button[data-action=stop-listening]');
    await stop.focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => room.runtime.state.data.calls['l-1']?.listeners).toBeUndefined();
    await page.locator('[data-agent=arm-1] button[data-action=whisper]').waitFor({ timeout: 5000 });
    expect(room.runtime.state.data.calls['l-1']!.parties.map((p) => p.agentId)).toEqual(['arm-1']);

    const audit = await room.rest('sup-1', 'GET', `/sites/44/listen-ins?from=0&to=${room.now() + 1000}`);
    expect(audit.body).toEqual({
      entries: [
        expect.objectContaining({
          callId: 'l-1',
          supervisorId: 'sup-1',
          agentId: 'arm-1',
          reason: 'stopped',
        }),
      ],
    });
    expect(errors).toEqual([]);
  });
});
