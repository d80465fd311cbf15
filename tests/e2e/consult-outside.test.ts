// The consultative outside transfer from the agent's panel, keyboard only: in Debian's chromium,
// against the real ACD server, the real ari-client and sim-pbx. The ARM on a call presses E, types
// 18 and Entrée; the panel says the number rings, then that it is on line, named (« le 18 (pompiers) en ligne »);
// T before the answer is refused in French and changes nothing; T after it hands the caller over
// and frees the ARM. Échap leaves the number dialog without calling. No channel or bridge is left.
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

describe.skipIf(!hasChromium)(
  'the consultative outside transfer from the panel, in chromium against sim-pbx',
  () => {
    beforeAll(async () => {
      sim = await startSimPbx({ port: 0 });
      const parsed = parseSiteConfig(structuredClone(exampleSite));
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

    it('E, 18, Entrée: the number rings then answers; T hands the caller over; nothing left on the PBX', async () => {
      const far = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/ext-18'); // answered by hand below
      phones.push(far);
      const invited = new Promise<string>((resolve) =>
        far.once('invite', (m) => resolve(String(m.channelId))),
      );
      const { page, errors } = await openPage(browser, `${url}/arm.html`);
      await keyboardLogin(page, 'arm-1');
      await page.getByRole('button', { name: /Se connecter au poste/ }).click();
      await expect
        .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
        .toContain('Disponible');
      const r = await fetch(`${sim.url}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ line: '15', callerNumber: '0612345678', callerName: 'Jeanne Martin' }),
      });
      const { channelId } = (await r.json()) as { channelId: string };
      await expect
        .poll(() => site.state.data.calls[channelId]?.parties.map((p) => p.agentId).join(), {
          timeout: 20_000,
        })
        .toBe('arm-1');
      await expect
        .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
        .toContain('En appel');

      // Échap leaves the dialog without calling anyone.
      await page.keyboard.press('e');
      await page.locator('[data-testid=consult-dialog]').waitFor();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), {
          timeout: 5000,
        })
        .toBe('consult-number');
      await page.keyboard.press('Escape');
      await expect
        .poll(() => page.locator('[data-testid=consult-dialog]').count(), { timeout: 5000 })
        .toBe(0);
      expect(site.state.data.calls[channelId]!.dialOuts).toBeUndefined();

      await page.keyboard.press('e');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), {
          timeout: 5000,
        })
        .toBe('consult-number');
      await page.keyboard.type('18');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.textContent('[data-testid=consult]'), { timeout: 20_000 })
        .toContain('le 18 (pompiers) : sonnerie en cours');
      const musicOn = () =>
        [...sim.pbx.bridges.values()].find((b) => b.name === `call-${channelId}`)?.moh ?? null;
      expect(musicOn()).toBe('default');
      // The keys of the consultation only: T before the answer is refused, in French, nothing changes.
      await page.keyboard.press('t');
      await expect
        .poll(() => page.textContent('[data-testid=message]'), { timeout: 10_000 })
        .toContain('pas encore décroché');
      expect(site.state.data.calls[channelId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);

      far.answer(await invited);
      await expect
        .poll(() => page.textContent('[data-testid=consult]'), { timeout: 20_000 })
        // The number named from the usual ones, in words the ARM reads at a glance.
        .toContain('le 18 (pompiers) en ligne');
      await page.screenshot({ path: '.tmp/arm-panel-consult.png' });
      await page.keyboard.press('t');
      await expect
        .poll(() => page.textContent('[data-testid=message]'), { timeout: 20_000 })
        .toContain('Appelant transféré au 18 (pompiers)');
      await expect
        .poll(() => site.state.data.agents['arm-1']!.status, { timeout: 10_000 })
        .not.toBe('on-call');
      const out = Object.values(site.state.data.calls).find((c) => c.direction === 'outbound')!;
      expect(out).toMatchObject({ parentCallId: channelId, handOverFrom: 'arm-1', callerNumber: '18' });
      await expect
        .poll(
          () =>
            [...([...sim.pbx.bridges.values()].find((b) => b.name === `call-${channelId}`)?.channels ?? [])]
              .sort()
              .join(),
          { timeout: 10_000 },
        )
        .toBe([channelId, out.id].sort().join());
      expect(musicOn()).toBeNull();

      far.hangup(await invited);
      await expect
        .poll(() => Boolean(site.state.data.calls[channelId] || site.state.data.calls[out.id]), {
          timeout: 10_000,
        })
        .toBe(false);
      expect((await rest('arm-1', 'POST', '/sites/44/agent/logout')).status).toBe(200);
      await site.settled();
      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
      // The one refusal asked for (T before the answer) is the only thing the browser logged.
      const refused = /status of 409 \(Conflict\)/;
      expect(errors.filter((e) => !refused.test(e))).toEqual([]);
      expect(errors.filter((e) => refused.test(e))).toHaveLength(1);
    }, 120_000);
  },
);
