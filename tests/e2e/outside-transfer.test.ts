// The blind outside transfer from the agent's panel, keyboard only: in Debian's chromium, against
// the real ACD server, the real ari-client and sim-pbx. The ARM on a call presses X, types 18 and
// Entrée: a confirmation names the number and says the agent will leave; Entrée there cancels
// (nothing dialed); X again transfers. The site's partner reached by a number is a button and is
// named (« 0240000085 (SAS 85) »). The number busy: said, the caller still with the ARM. The
// number answering: the ARM has left the call, the caller is with the number. While it rings, no
// step key is live (R, 1, 2, E, X… send nothing). A bad number is said before the confirmation.
// No channel or bridge is left.
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
import { SHOTS, keyboardLogin, openPage } from './room-harness.js';

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
  'the blind outside transfer from the panel, in chromium against sim-pbx',
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
      await server?.close();
      await adapter?.stop();
      await site?.stop();
      await sim?.close();
    });

    const focused = (page: import('playwright-core').Page) =>
      page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

    it('X, 18, Entrée, then X: a confirmation first (Entrée cancels), busy said, answered hands over; nothing left on the PBX', async () => {
      const far = await PhoneClient.register(sim.endpointsWsUrl, 'PJSIP/ext-18'); // answered by hand below
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
      const { channelId } = (await r.json()) as { channelId: string };
      await expect
        .poll(() => site.state.data.calls[channelId]?.parties.map((p) => p.agentId).join(), {
          timeout: 20_000,
        })
        .toBe('arm-1');
      await expect
        .poll(() => page.textContent('[data-testid=status]'), { timeout: 20_000 })
        .toContain('En appel');
      // The key is on its button, in French.
      expect(await page.textContent('button[data-action=outside]')).toContain('Transfert direct (extérieur)');

      // A bad number is said in the dialog, before any confirmation.
      await page.keyboard.press('x');
      await page.locator('[data-testid=outside-dialog]').waitFor();
      await expect.poll(() => focused(page), { timeout: 5000 }).toBe('outside-number');
      await page.keyboard.type('pizza');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.textContent('[data-testid=outside-dialog]'), { timeout: 5000 })
        .toContain('Numéro invalide');
      expect(await page.locator('[data-testid=outside-confirm-number]').count()).toBe(0);
      await page.fill('[data-testid=outside-number]', '');
      await page.keyboard.type('18');
      await page.keyboard.press('Enter');
      // The confirmation: the number named, Annuler focused; Entrée cancels, nothing is dialed.
      await expect
        .poll(() => page.textContent('[data-testid=outside-confirm-number]'), { timeout: 5000 })
        .toBe('18 (pompiers)');
      await expect.poll(() => focused(page), { timeout: 5000 }).toBe('outside-cancel');
      await page.screenshot({ path: `${SHOTS}/panel-outside-transfer-confirm.png` });
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator('[data-testid=outside-dialog]').count(), { timeout: 5000 })
        .toBe(0);
      expect(site.state.data.calls[channelId]!.dialOuts).toBeUndefined();
      expect(invites).toEqual([]);
      // The site's partner is a button too, and named at the confirmation; Échap gives up.
      await page.keyboard.press('x');
      await page
        .locator('[data-testid=outside-dialog]')
        .getByRole('button', { name: /SAS 85/ })
        .click();
      await expect
        .poll(() => page.textContent('[data-testid=outside-confirm-number]'), { timeout: 5000 })
        .toBe('0240000085 (SAS 85)');
      await page.keyboard.press('Escape');
      await expect
        .poll(() => page.locator('[data-testid=outside-dialog]').count(), { timeout: 5000 })
        .toBe(0);
      expect(site.state.data.calls[channelId]!.dialOuts).toBeUndefined();

      // X, 18, Entrée, X: the number rings, the caller still with the ARM; busy → said, nothing lost.
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
      expect(site.state.data.calls[channelId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
      await expect.poll(() => invites.length, { timeout: 20_000 }).toBe(1);
      // While it rings, no step key but the cancel (Échap) is live: R, 1/2, E, X… send nothing.
      expect(await page.textContent('[data-testid=outside-transfer-keys]')).toContain(
        'Autres touches suspendues pendant la sonnerie',
      );
      expect(await page.locator('button[data-action=hangup], button[data-action=P1]').count()).toBe(0);
      for (const key of ['r', '1', '2', '0', 'e', 'x', 'm']) await page.keyboard.press(key);
      far.reject(invites[0]!, 486);
      await expect
        .poll(() => page.textContent('[data-testid=message]'), { timeout: 20_000 })
        .toContain(
          'Le 18 (pompiers) est occupé, ne répond pas ou a raccroché : l’appelant est toujours avec vous.',
        );
      expect(await page.locator('[data-testid=outside-transfer]').count()).toBe(0);
      expect(site.state.data.calls[channelId]!.parties.map((p) => p.agentId)).toEqual(['arm-1']);
      // The keys pressed while it rang sent nothing: not qualified, not queued, no dialog, one dial.
      expect(site.state.data.calls[channelId]).toMatchObject({ qualification: null, pending: null });
      expect(await page.locator('dialog[open]').count()).toBe(0);
      expect(invites.length).toBe(1);
      // Back with the caller: the keys are live again.
      await page.locator('button[data-action=hangup]').waitFor();
      expect(await page.locator('[data-testid=outside-transfer-keys]').count()).toBe(0);

      await transfer();
      await expect.poll(() => invites.length, { timeout: 20_000 }).toBe(2);
      far.answer(invites[1]!);
      await expect
        .poll(() => page.textContent('[data-testid=message]'), { timeout: 20_000 })
        .toContain('Appelant transféré au 18 (pompiers) : vous avez quitté l’appel.');
      await expect
        .poll(() => site.state.data.agents['arm-1']!.status, { timeout: 10_000 })
        .not.toBe('on-call');
      const out = Object.values(site.state.data.calls).find((c) => c.direction === 'outbound')!;
      expect(out).toMatchObject({ parentCallId: channelId, handOverFrom: 'arm-1', callerNumber: '18' });
      expect(site.state.data.calls[channelId]!.parties).toEqual([]);
      await expect
        .poll(
          () =>
            [...([...sim.pbx.bridges.values()].find((b) => b.name === `call-${channelId}`)?.channels ?? [])]
              .sort()
              .join(),
          { timeout: 10_000 },
        )
        .toBe([channelId, out.id].sort().join());

      far.hangup(invites[1]!);
      await expect
        .poll(() => Boolean(site.state.data.calls[channelId] || site.state.data.calls[out.id]), {
          timeout: 10_000,
        })
        .toBe(false);
      expect((await rest('arm-1', 'POST', '/sites/44/agent/logout')).status).toBe(200);
      await site.settled();
      await expectCleanPbx({ ariUrl: sim.ariUrl, user: sim.user, password: sim.password });
      expect(errors).toEqual([]);
    }, 120_000);
  },
);
