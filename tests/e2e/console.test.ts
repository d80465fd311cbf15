// The supervisor's console in Debian's chromium against the real ACD server: the room live, an
// agent moved from N1 to N2 (with confirmation), a line switched to the partner SAS and back, an
// alarm acknowledged, the calls the dialplan fallback answered shown apart, no console error.
// Screenshot in .tmp/screens.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

describe.skipIf(!hasChromium)('the supervisor console in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('moves an agent N1 → N2, switches a line to the partner and back, sets the mode, acknowledges an alarm, shows the calls taken in fallback', async () => {
    // Some life in the room: two ARMs, one call answered, one waiting.
    for (const a of ['arm-1', 'arm-3']) await room.rest(a, 'POST', '/sites/44/agent/login');
    await room.arrive('s-1', '0611111111', null);
    await expect.poll(() => room.runtime.state.data.calls['s-1']?.pending?.offer?.agentId).toBeTruthy();
    const offered = room.runtime.state.data.calls['s-1']!.pending!.offer!.agentId;
    expect((await room.rest(offered, 'POST', '/sites/44/calls/s-1/answer')).status).toBe(200);

    // A call the dialplan fallback's group answered while the ACD was away, counted on its return.
    const fallbackAt = room.now() - 20_000;
    const counted = await room.runtime.dispatch({
      type: 'recordFallbackCall',
      callId: 'fb-1',
      line: '15',
      arrivedAt: fallbackAt,
      answeredAt: fallbackAt + 8000,
      phone: 'arm-4',
    });
    expect(counted).toMatchObject({ ok: true });

    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    await page.locator('[data-testid=queues] tr[data-queue=n1]').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.textContent('[data-testid=fallback-calls]'), { timeout: 5000 })
      .toContain(
        '1Appel pris en secours — aujourd’huidont 1 en moins de 30 s, compté dans les appels décrochés',
      );
    expect(await page.textContent('[data-testid=queues]')).toContain('Niveau 1 (ARM)');
    // Logged-out agents are on the board too.
    expect(await page.textContent('[data-agent=arm-2]')).toContain('Déconnecté');

    // Move arm-2 from N1 to N2 AMU, after a confirmation.
    await page.click('[data-agent=arm-2] button[data-action=move]');
    await page.locator('dialog[open]').waitFor();
    expect(await page.textContent('dialog[open]')).toContain('Niveau 2 AMU');
    await page.click('[data-testid=confirm-ok]');
    await expect
      .poll(() => room.runtime.state.data.agents['arm-2']!.skills.map((s) => s.queue))
      .toEqual(['n2-amu']);
    await page.locator('[data-group=arm-n2] [data-agent=arm-2]').waitFor({ timeout: 5000 });

    // Half of line 15 to the second partner SAS, and back.
    await page.selectOption('[data-line="15"] [data-testid=partner]', '49');
    await page.selectOption('[data-line="15"] [data-testid=share]', '0.5');
    await page.click('[data-line="15"] button[data-action=switch]');
    expect(await page.textContent('dialog[open]')).toContain('SAS 49 — Maine-et-Loire (exemple) (50 %)');
    await page.click('[data-testid=confirm-ok]');
    await expect
      .poll(() => page.textContent('[data-line="15"]'), { timeout: 5000 })
      .toContain('Basculée vers SAS 49 — Maine-et-Loire (exemple) (50 % des appels)');
    expect(room.runtime.state.data.lineSwitches['15']).toMatchObject({ partnerId: '49', share: 0.5 });
    // Words right on a wall screen: « 1 canal occupé » (not « 1 canaux »), chart legends without
    // uPlot's empty live values (« Heure: -- »).
    await expect
      .poll(() => page.textContent('[data-trunk="15"] [data-testid=trunk-busy]'), { timeout: 7000 })
      .toBe('1 canal occupé');
    for (const chart of ['chart-qs', 'chart-flow', 'chart-waiting'])
      expect(await page.textContent(`[data-testid=${chart}]`)).not.toMatch(/--|Heure/);
    await page.screenshot({ path: `${SHOTS}/console.png`, fullPage: true });
    await page.click('[data-line="15"] button');
    await page.click('[data-testid=confirm-ok]');
    await expect.poll(() => page.textContent('[data-line="15"]'), { timeout: 5000 }).toContain('Reçue ici');
    expect(room.runtime.state.data.lineSwitches['15']).toBeUndefined();

    // The operating mode: one level, then back to the schedule.
    await page.click('button[data-action=mode]');
    await page.click('[data-testid=confirm-ok]');
    await expect
      .poll(() => page.textContent('[data-testid=mode]'), { timeout: 5000 })
      .toContain('mono-niveau');
    expect(room.runtime.state.data.mode).toBe('one-level');
    await page.getByRole('button', { name: 'Mode du planning' }).click();
    await page.click('[data-testid=confirm-ok]');
    await expect.poll(() => page.textContent('[data-testid=mode]'), { timeout: 5000 }).toContain('bi-niveau');

    // An alarm (no emergency doctor logged in) acknowledged on one console: it stays listed, and
    // every console (here a second supervisor's) says who acknowledged it and when.
    const other = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(other.page, 'admin');
    const alarm = page.locator('[data-testid=alarms] li', { hasText: 'médecin régulateur urgentiste' });
    const seenThere = other.page.locator('[data-testid=alarms] li', {
      hasText: 'médecin régulateur urgentiste',
    });
    await seenThere.getByRole('button', { name: 'Acquitter' }).waitFor({ timeout: 10_000 });
    await alarm.getByRole('button', { name: 'Acquitter' }).click();
    await expect
      .poll(() => alarm.textContent(), { timeout: 5000 })
      .toContain('Acquittée par Superviseur à 10:');
    await expect
      .poll(() => seenThere.textContent(), { timeout: 5000 })
      .toContain('Acquittée par Superviseur à 10:');
    expect(await seenThere.getByRole('button', { name: 'Acquitter' }).count()).toBe(0);
    const alarmId = (await alarm.getAttribute('data-id'))!;
    expect(room.runtime.state.data.alarms[alarmId]?.acknowledged?.by).toBe('sup-1');
    // The second supervisor's late click is refused, in French, and changes nothing.
    const late = await room.rest('admin', 'POST', `/sites/44/alarms/${alarmId}/acknowledge`, {});
    expect(late.status).toBe(409);
    expect((late.body as { detail: string }).detail).toContain('Alarme déjà acquittée');
    expect(room.runtime.state.data.alarms[alarmId]?.acknowledged?.by).toBe('sup-1');
    expect(other.errors).toEqual([]);
    // A P0 alarm names the call by its line and arrival time, never by its internal id.
    await room.arrive('s-p0', '0622222222', null);
    await expect.poll(() => room.runtime.state.data.calls['s-p0']?.pending?.offer?.agentId).toBeTruthy();
    const p0agent = room.runtime.state.data.calls['s-p0']!.pending!.offer!.agentId;
    await room.rest(p0agent, 'POST', '/sites/44/calls/s-p0/answer');
    await room.rest(p0agent, 'POST', '/sites/44/calls/s-p0/qualify', { qualification: 'P0' });
    const p0 = page.locator('[data-alarm=p0-in-progress]');
    await expect.poll(() => p0.textContent(), { timeout: 5000 }).toContain('Centre 15');
    expect(await p0.textContent()).not.toContain('s-p0');
    await page.screenshot({ path: `${SHOTS}/console-alarms.png` });
    expect(errors).toEqual([]);
  }, 60_000);
});
