// `sas-acd bench web`: an offer reaching an agent's screen. The real ACD server (API, live feeds,
// the built web UI) with the example site in memory; the ARM panel in Debian's chromium
// (playwright-core, /usr/bin/chromium) logged in as arm-1. For each call: the engine offers it
// (dispatch time on this process's clock) → the page shows "Sonnerie" (a MutationObserver stamps
// it with performance.timeOrigin + now, the same machine clock). Baseline in the same run: a plain
// socket.io-client connected to /agent as the same agent, receiving the `offer` message (the
// transport's floor, without the browser, the bundle or rendering).
// Not measured yet: p99ConsoleRenderMs (a delta applied to a 300-agent, 30-queue console).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { io as ioClient } from 'socket.io-client';
import { startAcdServer } from '../app/acd-server.js';
import { createLogger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import { InMemoryUserStore, seedDemoUsers } from '../auth/index.js';
import { parseSiteConfig } from '../core/config.js';
import { exampleSite } from '../core/example-site.js';
import { addBench } from './registry.js';

const CHROMIUM = '/usr/bin/chromium';
const round = (x: number) => Math.round(x * 10) / 10;
function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(quick: boolean) {
  if (!existsSync(CHROMIUM)) return { skipped: `no ${CHROMIUM} (apt-get install chromium)` };
  const { chromium } = await import('playwright-core');
  const logger = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const parsed = parseSiteConfig(structuredClone(exampleSite));
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const runtime = await SiteShell.start({ config: parsed.config, logger });
  const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
  await seedDemoUsers(users, { siteId: '44' });
  const acd = await startAcdServer({
    port: 0,
    sites: new Map([['44', runtime]]),
    users,
    logger,
    jwtSecret: 'bench-web-secret-bench-web-secret-0123',
    processMetrics: false,
    web: { siteId: '44', virtualPhoneUrl: null },
  });
  const url = `http://127.0.0.1:${(acd.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/arm.html`);
    await page.fill('input[name=username]', 'arm-1');
    await page.fill('input[name=password]', 'demo');
    await page.press('input[name=password]', 'Enter');
    await page.locator('[data-testid=status]').waitFor();
    await page.keyboard.press('c');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=status]')?.textContent?.includes('Disponible'),
    );
    // Stamps the moment the panel shows a ringing call.
    await page.evaluate(() => {
      const w = window as unknown as { rangAt: number[] };
      w.rangAt = [];
      let ringing = false;
      new MutationObserver(() => {
        const now =
          document.querySelector('[data-testid=status]')?.textContent?.includes('Sonnerie') ?? false;
        if (now && !ringing) w.rangAt.push(performance.timeOrigin + performance.now());
        ringing = now;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'arm-1', password: 'demo' }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const plain = ioClient(`${url}/agent`, { auth: { token }, transports: ['websocket'], forceNew: true });
    const offeredAt: number[] = [];
    plain.on('offer', () => offeredAt.push(performance.timeOrigin + performance.now()));
    await new Promise<void>((resolve) => plain.once('snapshot', () => resolve()));

    const warmUp = 3; // first offers pay for JIT and the first renders: not counted
    const n = (quick ? 15 : 100) + warmUp;
    const sentAt: number[] = [];
    for (let i = 0; i < n; i++) {
      sentAt.push(performance.timeOrigin + performance.now());
      const r = await runtime.dispatch({
        type: 'arriveCall',
        callId: `w-${i}`,
        line: '15',
        callerNumber: '0600000000',
      });
      if (!r.ok) throw new Error(JSON.stringify(r));
      await page.waitForFunction(
        (k) => (window as unknown as { rangAt: number[] }).rangAt.length >= k,
        i + 1,
      );
      await runtime.dispatch({ type: 'callerHungUp', callId: `w-${i}` });
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=status]')?.textContent?.includes('Disponible'),
      );
    }
    const rangAt = await page.evaluate(() => (window as unknown as { rangAt: number[] }).rangAt);
    plain.close();
    const toPanel = rangAt.map((t, i) => t - sentAt[i]!).slice(warmUp);
    const toSocket = offeredAt
      .slice(0, n)
      .map((t, i) => t - sentAt[i]!)
      .slice(warmUp);
    return {
      offers: n - warmUp,
      p50OfferToPanelMs: round(percentile(toPanel, 50)),
      p99OfferToPanelMs: round(percentile(toPanel, 99)),
      baselineP50OfferDeliveryMs: round(percentile(toSocket, 50)),
      baselineP99OfferDeliveryMs: round(percentile(toSocket, 99)),
      targetP99OfferToPanelMs: 100,
    };
  } finally {
    await browser.close();
    await acd.close();
    await runtime.stop();
  }
}

addBench('web', {
  description:
    'an offer to the ARM panel in chromium (engine offer → "Sonnerie" on screen) vs a plain socket.io client',
  run: ({ quick }) => run(quick),
});
