// The ARM panel and the wallboard in a real browser against the running demo system (sim-pbx, the
// panel's virtual phone, auto-answer): an ARM logs in, the call connects by itself, P1 with one
// key, and the caller goes on to N2 AMU; the supervisor's wallboard shows the queues live.
// All under the pages' Content Security Policy (no inline script, no framing): any CSP violation
// fails the suite. tests/e2e/room.test.ts and console.test.ts cover the roles, the keyboard and the console.
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../simulator/demo/demo.js';
import { createLogger } from '../../src/ports/logger.js';
import { hasChromium, launch } from './browser.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let demo: Demo;
let browser: Browser;
/** Console errors the pages raised, CSP refusals among them ("Refused to … Content Security Policy"). */
const violations: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return page;
}

describe.skipIf(!hasChromium)('the ARM panel and the wallboard in chromium', () => {
  beforeAll(async () => {
    // Every N1 seat is left to people, so the call can only reach the panel's ARM.
    demo = await startDemo({
      port: 0,
      callsPerHour: 1,
      speed: 1,
      seed: 3,
      humanSeats: ['arm-1', 'arm-2', 'arm-3', 'arm-4'],
      logger: silent,
    });
    demo.stopTraffic();
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('sends CSP and frame headers, and the API docs page renders under its own CSP', async () => {
    for (const url of [demo.urls.panel!, demo.urls.wallboard!, demo.urls.api!]) {
      const res = await fetch(url);
      expect(res.headers.get('content-security-policy'), url).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('content-security-policy'), url).not.toMatch(/unsafe-inline/);
      expect(res.headers.get('x-frame-options'), url).toBe('DENY');
    }
    const page = await newPage();
    await page.goto(demo.urls.api!);
    await expect.poll(() => page.locator('#ops details').count(), { timeout: 5000 }).toBeGreaterThan(20);
    expect(violations).toEqual([]);
  }, 30_000);

  it('takes a call, qualifies it P1 with one key, and the caller goes on to N2 AMU', async () => {
    const page = await newPage();
    await page.goto(demo.urls.panel!);
    await page.fill('input[name=username]', 'arm-1');
    await page.fill('input[name=password]', 'demo');
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: 'Se connecter au poste' }).click();
    await expect.poll(() => page.textContent('[data-testid=status]')).toContain('Disponible');

    const r = await fetch(`${demo.sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0612345678', callerName: 'Jeanne Martin' }),
    });
    expect(r.status).toBe(201);
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 5000 })
      .toContain('En appel');
    expect(await page.textContent('[data-testid=caller]')).toContain('0612345678');
    expect(await page.inputValue('#drm-name')).toBe('Jeanne Martin');

    await page.keyboard.press('1');
    await expect
      .poll(() => page.textContent('[data-testid=message]'), { timeout: 5000 })
      .toContain('P1 : transféré');
    const call = Object.values(demo.site.state.data.calls)[0]!;
    expect(call.qualification).toBe('P1');
    await expect
      .poll(() => call.parties[0]?.queueId ?? call.pending?.queueId, { timeout: 5000 })
      .toBe('n2-amu');
    await page.screenshot({ path: '.tmp/arm-panel.png' });
    expect(violations).toEqual([]);
  }, 30_000);

  it('shows the queues, the agents and the alarms on the wallboard', async () => {
    const page = await newPage();
    await page.goto(demo.urls.wallboard!);
    await page.fill('input[name=username]', 'sup-1');
    await page.fill('input[name=password]', 'demo');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.locator('[data-testid=queues] tr[data-queue=n1]').count(), { timeout: 5000 })
      .toBe(1);
    expect(await page.textContent('[data-testid=queues]')).toContain('Niveau 1 (ARM)');
    expect(await page.textContent('[data-testid=agents]')).toContain('ARM 1');
    await page.screenshot({ path: '.tmp/wallboard.png', fullPage: true });
    expect(violations).toEqual([]);
  }, 30_000);
});
