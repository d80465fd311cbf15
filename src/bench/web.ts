// `sas-acd bench web`: an offer reaching an agent's screen. The real ACD server (API, live feeds,
// the built web UI) with the example site in memory; the ARM panel in Debian's chromium
// (playwright-core, /usr/bin/chromium) logged in as arm-1. For each call: the engine offers it
// (dispatch time on this process's clock) → the page shows "Sonnerie" (a MutationObserver stamps
// it with performance.timeOrigin + now, the same machine clock). Baseline in the same run: a plain
// socket.io-client connected to /agent as the same agent, receiving the `offer` message (the
// transport's floor, without the browser, the bundle or rendering).
// Second part: the supervisor console with 300 agents and 30 queues (the example site widened),
// all logged in; one agent paused or made ready per step; the console's own hook
// (window.consoleRenderMs, Console.tsx) times each delta from its arrival to the DOM patched.
// Baseline in the same page: hand-written DOM code doing the same update (the agent's row and the
// 30 queue rows' cells, by id, in a 300-row table), timed the same way.
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

/** The example site with 30 queues and 300 N1 ARMs more: a large room for the console. */
function largeSite() {
  const site = structuredClone(exampleSite) as typeof exampleSite & {
    queues: Record<string, unknown>[];
    agents: Record<string, unknown>[];
  };
  for (let q = site.queues.length; q < 30; q++)
    site.queues.push({ id: `extra-${q}`, name: `File ${q}`, stage: 'n2', branch: 'amu', roles: ['arm'] });
  for (let a = site.agents.length; a < 300; a++)
    site.agents.push({ id: `bench-arm-${a}`, name: `ARM ${a}`, roles: ['arm'], skills: [{ queue: 'n1' }] });
  const parsed = parseSiteConfig(site);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

type Browser = Awaited<ReturnType<(typeof import('playwright-core'))['chromium']['launch']>>;

async function consoleRender(browser: Browser, url: string, runtime: SiteShell, quick: boolean) {
  const agents = Object.keys(runtime.state.data.agents).filter((id) => id.startsWith('bench-arm-'));
  for (const id of agents) await runtime.dispatch({ type: 'agentLogin', agentId: id });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${url}/wallboard.html`);
  await page.fill('input[name=username]', 'sup-1');
  await page.fill('input[name=password]', 'demo');
  await page.press('input[name=password]', 'Enter');
  await page.locator('[data-agent=bench-arm-299]').waitFor();
  const queues = runtime.state.data.config.queues.length;
  // The plain DOM baseline: the same board as bare rows, updated by id.
  await page.evaluate(
    ({ ids, queues }) => {
      const w = window as unknown as { consoleRenderMs: number[]; plain: (id: string, s: string) => number };
      w.consoleRenderMs = [];
      const box = document.createElement('div');
      box.style.cssText = 'position:absolute;left:-99999px;top:0';
      const table = document.createElement('table');
      for (const id of [...ids.map((i) => `a:${i}`), ...Array.from({ length: queues }, (_, q) => `q:${q}`)]) {
        const tr = table.insertRow();
        tr.id = `plain-${id}`;
        for (let c = 0; c < 5; c++) tr.insertCell().textContent = '—';
      }
      box.append(table);
      document.body.append(box);
      let n = 0;
      w.plain = (id, status) => {
        const t0 = performance.now();
        const row = document.getElementById(`plain-a:${id}`) as HTMLTableRowElement;
        row.cells[1]!.textContent = status;
        row.cells[2]!.textContent = `depuis ${n++} s`;
        row.className = `status-${status}`;
        for (let q = 0; q < queues; q++) {
          const qr = document.getElementById(`plain-q:${q}`) as HTMLTableRowElement;
          for (let c = 1; c < 5; c++) qr.cells[c]!.textContent = String(n + c);
        }
        return performance.now() - t0;
      };
    },
    { ids: Object.keys(runtime.state.data.agents), queues },
  );
  const warmUp = 3;
  const steps = (quick ? 20 : 100) + warmUp;
  const plain: number[] = [];
  for (let i = 0; i < steps; i++) {
    const id = agents[i % agents.length]!;
    const paused = runtime.state.data.agents[id]!.status === 'paused';
    await runtime.dispatch(
      paused ? { type: 'agentReady', agentId: id } : { type: 'agentPause', agentId: id, reason: 'Pause' },
    );
    await page.waitForFunction(
      (k) => (window as unknown as { consoleRenderMs: number[] }).consoleRenderMs.length >= k,
      i + 1,
    );
    plain.push(
      await page.evaluate(
        ([agentId, status]) =>
          (window as unknown as { plain: (a: string, s: string) => number }).plain(agentId!, status!),
        [id, paused ? 'available' : 'paused'],
      ),
    );
  }
  const rendered = (
    await page.evaluate(() => (window as unknown as { consoleRenderMs: number[] }).consoleRenderMs)
  ).slice(warmUp, steps);
  await page.close();
  return {
    consoleDeltas: rendered.length,
    consoleAgents: Object.keys(runtime.state.data.agents).length,
    consoleQueues: queues,
    p50ConsoleRenderMs: round(percentile(rendered, 50)),
    p99ConsoleRenderMs: round(percentile(rendered, 99)),
    baselineP50PlainDomMs: round(percentile(plain.slice(warmUp), 50)),
    baselineP99PlainDomMs: round(percentile(plain.slice(warmUp), 99)),
    targetP99ConsoleRenderMs: 16,
  };
}

async function run(quick: boolean) {
  if (!existsSync(CHROMIUM)) return { skipped: `no ${CHROMIUM} (apt-get install chromium)` };
  const { chromium } = await import('playwright-core');
  const logger = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const runtime = await SiteShell.start({ config: largeSite(), logger });
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
    const consoleFigures = await consoleRender(browser, url, runtime, quick);
    return {
      ...consoleFigures,
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
