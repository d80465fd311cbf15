// The console's QS against the site's own target (`qsTarget`), and each queue's rolling service
// level over 15 min, 1 h and today, in Debian's chromium against the real ACD server. A bad
// target is refused by PUT /config with the field named, and changes nothing.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;

describe.skipIf(!hasChromium)('the console QS against the site target, per queue', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('refuses a bad qsTarget, then shows the configured one and per-queue levels with colour and words', async () => {
    const before = await room.rest('admin', 'GET', '/sites/44/config');
    expect(before.status).toBe(200);
    const config = before.body as Record<string, unknown> & { queues: { id: string }[] };
    expect(config.qsTarget).toBeUndefined();
    for (const bad of [90, 0, '0.9', -0.1]) {
      const r = await room.rest('admin', 'PUT', '/sites/44/config', { ...config, qsTarget: bad });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('qsTarget');
    }
    expect((await room.rest('admin', 'GET', '/sites/44/config')).body).toEqual(before.body);

    // The site's target 75 %, and N1's threshold at 1 s so that an answer can miss it here.
    const queues = config.queues.map((q) => (q.id === 'n1' ? { ...q, thresholdSeconds: 1 } : q));
    const set = await room.rest('admin', 'PUT', '/sites/44/config', { ...config, qsTarget: 0.75, queues });
    expect(set.status).toBe(200);
    expect(room.runtime.state.data.config.qsTarget).toBe(0.75);

    // One call answered at N1 after more than N1's 1 s (and well within the site's 30 s).
    await room.rest('arm-1', 'POST', '/sites/44/agent/login');
    await room.arrive('q-1', '0611111111', null);
    await expect.poll(() => room.runtime.state.data.calls['q-1']?.pending?.offer?.agentId).toBe('arm-1');
    const enteredAt = room.runtime.state.data.calls['q-1']!.pending!.enteredAt;
    await expect.poll(() => room.now() - enteredAt, { timeout: 5000 }).toBeGreaterThan(1500);
    expect((await room.rest('arm-1', 'POST', '/sites/44/calls/q-1/answer')).status).toBe(200);

    const { page, errors } = await openPage(browser, `${room.url}/wallboard.html`);
    await keyboardLogin(page, 'sup-1');
    const qs = page.locator('[data-testid=qs30] .qs-card').first();
    await expect.poll(() => qs.textContent(), { timeout: 10_000 }).toContain('100 %');
    expect(await qs.textContent()).toContain('✔ objectif 75 % atteint');
    expect(await qs.getAttribute('class')).toContain('qs-ok');
    // The target line of the QS chart says the site's target too.
    expect(await page.textContent('[data-testid=chart-qs]')).toContain('Objectif 75 %');

    const n1 = page.locator('[data-testid=queues] tr[data-queue=n1]');
    for (const window of ['15min', 'hour', 'today']) {
      const cell = n1.locator(`td[data-window="${window}"] span`);
      await expect.poll(() => cell.textContent(), { timeout: 5000 }).toBe('✖ 0 % (< 1 s)');
      expect(await cell.getAttribute('data-state')).toBe('bad');
      expect(await cell.getAttribute('aria-label')).toBe('0 % en moins de 1 s, sous l’objectif de 75 %');
      expect(await cell.evaluate((e) => getComputedStyle(e).color)).not.toBe(
        await qs.evaluate((e) => getComputedStyle(e.querySelector('.qs-state')!).color),
      );
    }
    // A queue nobody answered in yet: no figure, not a false 0 %.
    expect(await page.textContent('[data-testid=queues] tr[data-queue=n2-amu] td[data-window=today]')).toBe(
      '—',
    );
    expect(errors).toEqual([]);
  }, 60_000);
});
