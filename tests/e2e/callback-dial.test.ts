// The MG callback worklist dials: in Debian's chromium, against the real ACD server, the real
// ari-client and sim-pbx. A caller waiting at N2 MG accepts a callback; the OSNP claims the task
// and calls back with the keyboard only (Tab to « Prendre », Entrée, Entrée on « Appeler »): the
// panel's virtual phone rings and is picked up, the caller's number rings and answers, the call
// ends, the task is completed. No channel or bridge is left on the PBX.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcdServer, type AcdServer } from '../../src/app/acd-server.js';
import { seedDemoUsers } from '../../src/auth/demo-users.js';
import { InMemoryUserStore } from '../../src/auth/index.js';
import { parseSiteConfig } from '../../src/core/config.js';
import { exampleSite } from '../../src/core/example-site.js';
import { createLogger } from '../../src/ports/logger.js';
import { SiteShell } from '../../src/shell/site-shell.js';
import { AriAdapter } from '../../src/telephony/ari/ari-adapter.js';
import { PhoneClient } from '../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../simulator/pbx/server.js';
import { expectCleanPbx } from '../integration/telephony/pbx-hygiene.js';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage } from './room-harness.js';

const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let sim: SimPbx;
let adapter: AriAdapter;
let site: SiteShell;
let server: AcdServer;
let url: string;
let browser: Browser;
const phones: PhoneClient[] = [];

async function rest(user: string, method: string, path: string, body?: unknown) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: 'demo' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const r = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as unknown };
}

describe.skipIf(!hasChromium)('the callback worklist dials, in chromium against sim-pbx', () => {
  beforeAll(async () => {
    sim = await startSimPbx({ port: 0 });
    // P2 goes to N2 MG whatever the hour the test runs at (the example's MG hours end at 20:00).
    const parsed = parseSiteConfig({
      ...exampleSite,
      routing: { ...exampleSite.routing, mgHours: 'always' },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const config = parsed.config;
    adapter = new AriAdapter({
      url: sim.ariUrl,
      user: sim.user,
      password: sim.password,
      app: sim.app,
      endpointOf: (id) => config.agents.find((a) => a.id === id)?.endpoint ?? `PJSIP/${id}`,
      // The outside world: a number is a phone registered as ext-<number> on sim-pbx.
      outboundEndpoint: (n) => `PJSIP/ext-${n}`,
      logger: silent,
    });
    site = await SiteShell.start({ config, logger: silent, effects: (f) => adapter.execute(f) });
    await adapter.start((cmd, at) => void site.dispatch(cmd, at));
    const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
    await seedDemoUsers(users, { siteId: '44' });
    server = await startAcdServer({
      port: 0,
      sites: new Map([['44', site]]),
      users,
      logger: silent,
      jwtSecret: 'browser-test-secret-of-at-least-32-chars',
      processMetrics: false,
      web: { siteId: '44', virtualPhoneUrl: sim.endpointsWsUrl, sipGatewayUrl: null },
    });
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    for (const p of phones.splice(0)) p.close();
    await browser?.close();
    await server?.close();
    await adapter?.stop();
    await site?.stop();
    await sim?.close();
  });

  it('claims a callback and calls the caller back with the keyboard; nothing left on the PBX', async () => {
    // An ARM whose phone answers by itself takes the call at N1 and sends it to MG (P2).
    const arm = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/arm-1');
    arm.autoAnswer(0);
    phones.push(arm);
    expect((await rest('arm-1', 'POST', '/sites/44/agent/login')).status).toBe(200);
    // A GP regulator logged in but paused: P2 goes to MG (not to the emergency doctors) and waits.
    expect((await rest('mrg-1', 'POST', '/sites/44/agent/login')).status).toBe(200);
    expect((await rest('mrg-1', 'POST', '/sites/44/agent/pause', { reason: 'formation' })).status).toBe(200);
    const r = await fetch(`${sim.url}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '15', callerNumber: '0666666666', callerName: 'Marie Petit' }),
    });
    expect(r.status).toBe(201);
    const callId = await expect
      .poll(() => Object.values(site.state.data.calls).find((c) => c.parties[0]?.agentId === 'arm-1')?.id, {
        timeout: 10_000,
      })
      .toBeTruthy()
      .then(() => Object.values(site.state.data.calls).find((c) => c.parties[0]?.agentId === 'arm-1')!.id);
    expect(
      (await rest('arm-1', 'POST', `/sites/44/calls/${callId}/qualify`, { qualification: 'P2' })).status,
    ).toBe(200);
    expect((await rest('arm-1', 'POST', `/sites/44/calls/${callId}/transfer`, {})).status).toBe(200);
    await expect.poll(() => site.state.data.calls[callId]?.pending?.queueId, { timeout: 5000 }).toBe('n2-mg');
    // Nobody at MG: the caller accepts to be called back (the caller's leg ends).
    expect((await rest('sup-1', 'POST', `/sites/44/calls/${callId}/callback`, {})).status).toBe(200);
    await expect.poll(() => site.state.data.calls[callId], { timeout: 5000 }).toBeUndefined();
    expect(Object.values(site.state.data.callbacks ?? {}).map((t) => t.callerNumber)).toEqual(['0666666666']);

    // The caller's number, out on the trunk, answers when called back.
    const caller = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/ext-0666666666');
    phones.push(caller);
    const invited = new Promise<string>((resolve) =>
      caller.once('invite', (m) => resolve(String(m.channelId))),
    );
    caller.autoAnswer(0);

    const { page, errors } = await openPage(browser, `${url}/arm.html`);
    await keyboardLogin(page, 'osnp-1');
    await page.getByRole('button', { name: /Se connecter au poste/ }).click();
    await expect
      .poll(() => page.textContent('[data-testid=status]'), { timeout: 10_000 })
      .toContain('Disponible');
    const task = page.locator('[data-testid=callbacks] li', { hasText: 'Marie Petit' });
    await task.getByRole('button', { name: 'Prendre' }).focus();
    await page.keyboard.press('Enter');
    const dialButton = task.locator('button[data-action=dial]');
    await expect
      .poll(() => dialButton.evaluate((b) => b === document.activeElement), { timeout: 5000 })
      .toBe(true);
    expect(await dialButton.textContent()).toBe('Appeler le 0666666666');
    await page.keyboard.press('Enter');

    // The OSNP's phone was picked up for it, the number rang and answered: both in one bridge.
    const channelId = await invited;
    await expect
      .poll(() => Object.values(site.state.data.calls).some((c) => c.direction === 'outbound'), {
        timeout: 5000,
      })
      .toBe(true);
    const out = Object.values(site.state.data.calls).find((c) => c.direction === 'outbound')!;
    const bridge = async () => {
      const r = await fetch(`${sim.ariUrl}/ari/bridges?api_key=${sim.user}:${sim.password}`);
      const bridges = (await r.json()) as { name: string; channels: string[] }[];
      return bridges.find((b) => b.name === `call-${out.id}`)?.channels.length ?? 0;
    };
    await expect.poll(bridge, { timeout: 10_000 }).toBe(2);
    expect(out).toMatchObject({ purpose: 'callback', callerNumber: '0666666666' });
    expect(site.state.data.agents['osnp-1']!.callId).toBe(out.id);
    expect(await task.textContent()).toContain('Appel lancé vers le 0666666666');

    // The caller hangs up; the OSNP marks the task done.
    caller.hangup(channelId);
    await expect.poll(() => site.state.data.calls[out.id], { timeout: 10_000 }).toBeUndefined();
    await task.getByRole('button', { name: 'Rappelé' }).click();
    await expect.poll(() => page.locator('[data-testid=callbacks] li').count(), { timeout: 10_000 }).toBe(0);
    expect(Object.values(site.state.data.callbacks ?? {})).toEqual([]);
    expect((await rest('osnp-1', 'POST', '/sites/44/agent/logout')).status).toBe(200);
    for (const a of ['arm-1', 'mrg-1'])
      expect((await rest(a, 'POST', '/sites/44/agent/logout')).status).toBe(200);
    await site.settled();
    await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
    expect(errors).toEqual([]);
  }, 90_000);
});
