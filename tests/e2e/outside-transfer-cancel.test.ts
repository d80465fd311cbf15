// Taking back a blind outside transfer from the agent's panel while the number rings, in Debian's
// chromium against the real ACD server, the real ari-client and sim-pbx: the « transfert en cours »
// line shows « Échap : annuler le transfert »; Échap hangs up the number's leg only and says so in
// French, the caller still with the ARM, whose keys are live again. Then a second transfer rings
// and the server dies: the line no longer says it rings (« état inconnu »), offers no cancel, and
// the panel is marked lost. Screenshots of both go to /tmp (docs/web.md keeps its own set). No
// channel or bridge is left on the PBX.
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

const SHOTS = '/tmp';

describe.skipIf(!hasChromium)(
  'cancelling a blind outside transfer from the panel, in chromium against sim-pbx',
  () => {
    beforeAll(async () => {
      sim = await startSimPbx({ port: 0 });
      // A partner reached by a number: the panel names it (/web-config.json sends its destination).
      const parsed = parseSiteConfig({
        ...structuredClone(exampleSite),
        partners: [{ id: '85', name: 'SAS 85', destination: '02 40 00 00 85' }],
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
      await server?.close().catch(() => undefined);
      await adapter?.stop();
      await site?.stop();
      await sim?.close();
    });

    const focused = (page: import('playwright-core').Page) =>
      page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

    it('Échap while the number rings: only the number hung up, said in French; then the server dies during a transfer', async () => {
      const far = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/ext-18'); // never answers
      phones.push(far);
      const invites: string[] = [];
      far.on('invite', (m) => invites.push(String(m.channelId)));
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
      const { callId: simId, channelId } = (await r.json()) as { callId: string; channelId: string };
      await expect
        .poll(() => site.state.data.calls[channelId]?.parties.map((p) => p.agentId).join(), {
          timeout: 20_000,
        })
        .toBe('arm-1');
      await expect
        .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
        .toContain('En appel');

      const transfer = async () => {
        await page.keyboard.press('x');
        await expect.poll(() => focused(page), { timeout: 5000 }).toBe('outside-number');
        await page.keyboard.type('18');
        await page.keyboard.press('Enter');
        await expect.poll(() => focused(page), { timeout: 5000 }).toBe('outside-cancel');
        await page.keyboard.press('x');
        await expect
          .poll(() => page.textContent('[data-testid=outside-transfer]'), { timeout: 20_000 })
          .toContain('le 18 (pompiers) : sonnerie en cours');
      };
      await transfer();
      await expect.poll(() => invites.length, { timeout: 20_000 }).toBe(1);
      // The cancel key is on the « transfert en cours » line and on its button, in French.
      expect(await page.textContent('[data-testid=outside-transfer]')).toContain(
        'Échap : annuler le transfert',
      );
      expect(await page.textContent('button[data-action=outside-cancel]')).toContain(
        'Annuler le transfert (garder l’appelant)',
      );
      await page.screenshot({ path: `${SHOTS}/panel-outside-transfer-ringing.png` });

      await page.keyboard.press('Escape');
      await expect
        .poll(() => page.textContent('[data-testid=message]'), { timeout: 20_000 })
        .toContain('Transfert vers le 18 (pompiers) annulé : l’appelant est toujours avec vous.');
      await expect
        .poll(() => far.messages.some((m) => m.type === 'cancelled' && m.channelId === invites[0]), {
          timeout: 20_000,
        })
        .toBe(true);
      expect(await page.locator('[data-testid=outside-transfer]').count()).toBe(0);
      expect(site.state.data.calls[channelId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
      expect(site.state.data.calls[channelId]!.dialOuts).toBeUndefined();
      expect(site.state.data.agents['arm-1']).toMatchObject({ status: 'on-call', callId: channelId });
      // The caller and the ARM's leg still share the call's bridge; the keys are live again.
      await expect
        .poll(
          () => [...sim.pbx.bridges.values()].find((b) => b.name === `call-${channelId}`)?.channels.length,
          {
            timeout: 10_000,
          },
        )
        .toBe(2);
      await page.locator('button[data-action=hangup]').waitFor();
      // Échap once nothing rings does nothing (no error said, nothing sent).
      await page.keyboard.press('Escape');
      expect(await page.textContent('[data-testid=message]')).toContain('annulé');

      // A second transfer rings, and the server dies: never shown as still ringing, no cancel offered.
      await transfer();
      await expect.poll(() => invites.length, { timeout: 20_000 }).toBe(2);
      await server.close();
      await page.locator('[data-testid=connection][data-state=lost]').waitFor({ timeout: 20_000 });
      await expect
        .poll(() => page.textContent('[data-testid=outside-transfer]'), { timeout: 20_000 })
        .toContain('état inconnu (connexion perdue)');
      expect(await page.textContent('[data-testid=outside-transfer]')).not.toContain('sonnerie en cours');
      expect(await page.locator('[data-testid=outside-transfer-cancel-hint]').count()).toBe(0);
      expect(await page.locator('button[data-action=outside-cancel]').count()).toBe(0);
      expect(await page.textContent('[data-testid=outside-transfer-keys]')).toContain(
        'Annulation impossible sans connexion',
      );
      await page.screenshot({ path: `${SHOTS}/panel-outside-transfer-lost.png` });

      // The caller hangs up: the engine (still running) ends both calls; nothing stays on the PBX.
      await fetch(`${sim.url}/sim/calls/${simId}/hangup`, { method: 'POST' });
      await expect.poll(() => Object.keys(site.state.data.calls).length, { timeout: 20_000 }).toBe(0);
      await site.settled();
      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
      // The page's errors: only the failed requests of a dead server.
      expect(
        errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket/.test(e)),
      ).toEqual([]);
    }, 120_000);
  },
);
