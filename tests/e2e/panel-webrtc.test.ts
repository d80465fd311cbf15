// The agent panel with its WebRTC phone against a real SIP stack: Debian's kamailio on loopback as
// the site's gateway (REGISTERs challenged for the agent's password), the ACD handing the password
// to the logged-in agent only, chromium with fake media devices.
// A second page plays the PBX's side of the agent leg, as Asterisk does when the ACD rings
// PJSIP/arm-1: it calls the agent's SIP address with the ACD's auto-answer header, and reports the
// answer to the engine (`answerOffer`, what the ARI adapter sends when the agent's channel is up).
// Checked: the panel registers at login, the ACD's offer rings it and it answers by itself, audio
// flows both ways (RTP byte counters), mute and DTMF act on the real media, a microphone chosen
// during the call replaces the one in use, the hang-up is seen; the chosen speaker plays the calls
// (kept per workstation, an unplugged one falls back to the default and says so);
// a refused microphone and an unreachable gateway say so in French on a red badge and a banner.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from './browser.js';
import { hasKamailio, startKamailio, type Kamailio } from './kamailio.js';
import { keyboardLogin, SHOTS, startRoom, type Room } from './room-harness.js';

const PASSWORDS = { 'arm-1': 'pw-arm-1-test', 'arm-2': 'pw-arm-2-test', 'pbx-leg': 'pw-pbx-leg-test' };

let room: Room;
let kamailio: Kamailio;
let browser: Browser;

type Recorded = { __pcs: RTCPeerConnection[]; __dtmf: string[]; __ws: string[] };
type PbxWindow = {
  webRtcPhone: (o: object) => {
    call(t: string, h?: string[]): void;
    hangUp(): void;
    close(): void;
    connection(): RTCPeerConnection | null;
  };
  phone: ReturnType<PbxWindow['webRtcPhone']>;
  states: string[];
};

/** Every peer connection and DTMF tone of the page, recorded from the browser's own objects. */
const RECORD = () => {
  const w = window as unknown as Recorded & {
    RTCPeerConnection: typeof RTCPeerConnection;
    WebSocket: typeof WebSocket;
  };
  w.__pcs = [];
  w.__dtmf = [];
  w.__ws = [];
  const Ws = w.WebSocket;
  w.WebSocket = class extends Ws {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      w.__ws.push(String(url));
    }
  };
  const Original = w.RTCPeerConnection;
  w.RTCPeerConnection = class extends Original {
    constructor(...a: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...a);
      w.__pcs.push(this);
    }
  };
  const insert = RTCDTMFSender.prototype.insertDTMF;
  RTCDTMFSender.prototype.insertDTMF = function (tones: string, ...rest: number[]) {
    w.__dtmf.push(tones);
    return insert.call(this, tones, ...rest);
  };
};

/** RTP audio bytes of the call: the panel's last peer connection, or the PBX page's phone's. */
async function rtp(page: Page, side: 'panel' | 'pbx'): Promise<{ received: number; sent: number }> {
  return page.evaluate(async (side) => {
    const w = window as unknown as Recorded & Partial<PbxWindow>;
    const pc = side === 'panel' ? (w.__pcs[w.__pcs.length - 1] ?? null) : (w.phone?.connection() ?? null);
    if (!pc) return { received: 0, sent: 0 };
    let received = 0;
    let sent = 0;
    (await pc.getStats()).forEach(
      (s: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived ?? 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent ?? 0;
      },
    );
    return { received, sent };
  }, side);
}

async function panelPage(mic: boolean): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' });
  if (mic) await context.grantPermissions(['microphone'], { origin: room.url });
  await context.addInitScript(RECORD);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${room.url}/arm.html`);
  return { context, page, errors };
}

const phoneState = (p: Page) => p.getAttribute('[data-testid=phone]', 'data-state');

describe.skipIf(!hasChromium || !hasKamailio)('the agent panel with its WebRTC phone (kamailio)', () => {
  beforeAll(async () => {
    kamailio = await startKamailio({ passwords: PASSWORDS });
    room = await startRoom({
      webRtcPhone: {
        wsUrl: kamailio.wsUrl,
        domain: '127.0.0.1',
        passwords: new Map(Object.entries(PASSWORDS)),
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--use-fake-device-for-media-stream',
        // no fake consent: a page gets the microphone only where the test granted it
        '--deny-permission-prompts',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await kamailio?.stop();
    await room?.stop();
  });

  it('hands each agent its own SIP password, never in the public web configuration', async () => {
    const own = await room.rest('arm-1', 'GET', '/sites/44/agent/phone');
    expect(own.status).toBe(200);
    expect(own.body).toEqual({
      wsUrl: kamailio.wsUrl,
      uri: 'sip:arm-1@127.0.0.1',
      authorizationUser: 'arm-1',
      password: PASSWORDS['arm-1'],
      displayName: expect.any(String),
    });
    expect(((await room.rest('arm-2', 'GET', '/sites/44/agent/phone')).body as { uri: string }).uri).toBe(
      'sip:arm-2@127.0.0.1',
    );
    // An administrator has no seat, hence no phone; nobody without a token gets one.
    expect((await room.rest('admin', 'GET', '/sites/44/agent/phone')).status).toBe(403);
    expect((await fetch(`${room.url}/api/v1/sites/44/agent/phone`)).status).toBe(401);
    const config = await (await fetch(`${room.url}/web-config.json`)).text();
    expect(JSON.parse(config)).toMatchObject({ sipGatewayUrl: kamailio.wsUrl });
    for (const pw of Object.values(PASSWORDS)) expect(config).not.toContain(pw);
  });

  it('says in French that the microphone is refused, and does not register', async () => {
    const { page } = await panelPage(false);
    await keyboardLogin(page, 'arm-2');
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('mic-refused');
    const alert = await page.textContent('[data-testid=phone-alert]');
    expect(alert).toContain('Téléphone hors service — vous ne pouvez pas recevoir d’appels');
    expect(alert).toContain('Le navigateur a refusé le micro : autorisez-le pour ce site');
    expect(await page.textContent('[data-testid=phone]')).toContain('micro refusé');
    await page.screenshot({ path: `${SHOTS}/panel-phone-mic-refused.png` });
    // Never registered: the ACD's offers fail at once at the PBX instead of ringing a mute seat.
    const sockets = await page.evaluate(() => (window as unknown as Recorded).__ws);
    expect(sockets.some((u) => u.startsWith(kamailio.wsUrl.replace(/\/$/, '')))).toBe(false);
  }, 60_000);

  it('asks before a seat with a dead phone goes « Disponible »: Échap cancels, Entrée confirms, focus given back', async () => {
    const { page, context, errors } = await panelPage(false);
    await keyboardLogin(page, 'arm-2');
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('mic-refused');
    const arm2 = () => room.runtime.state.data.agents['arm-2']!.status;
    const dialog = page.locator('dialog[open]');
    // The key again until the dialog opens (bound 45 s): on a busy machine (CI, load 15) a key
    // pressed as « Déconnecté » first shows can come before the panel listens for it.
    const pressUntilDialog = async (key: string) =>
      expect
        .poll(
          async () => {
            if (await dialog.isVisible()) return true;
            await page.keyboard.press(key);
            return dialog.waitFor({ timeout: 3_000 }).then(
              () => true,
              () => false,
            );
          },
          { timeout: 45_000 },
        )
        .toBe(true);
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        return e?.dataset.testid ?? e?.dataset.action ?? e?.tagName ?? null;
      });

    // Logging in to the seat makes it available: asked first. Échap: nothing sent.
    await expect.poll(() => page.textContent('[data-testid=status]')).toContain('Déconnecté');
    await pressUntilDialog('c');
    expect(await dialog.textContent()).toContain(
      'Téléphone hors service : passer « Disponible » quand même ?',
    );
    expect(await page.textContent('[data-testid=dead-phone-why]')).toBe('Cause : micro refusé.');
    expect(await page.textContent('[data-testid=confirm-ok]')).toContain('Me connecter quand même');
    expect(await focused()).toBe('confirm-ok');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(arm2()).toBe('logged-out');
    expect(await page.textContent('[data-testid=status]')).toContain('Déconnecté');

    // Again, Entrée: logged in, available.
    await pressUntilDialog('c');
    await page.keyboard.press('Enter');
    await expect.poll(arm2).toBe('available');
    await expect.poll(() => page.textContent('[data-testid=status]')).toContain('Disponible');

    // Paused (P, reason 1), then the Disponible button clicked: asked; Échap gives the focus back
    // to the button and leaves the seat paused.
    await page.keyboard.press('p');
    // The reasons' dialog first (a key typed before it opens is lost on a busy machine).
    await dialog.waitFor();
    await page.keyboard.press('1');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(arm2).toBe('paused');
    await page.click('button[data-action=ready]');
    await dialog.waitFor();
    expect(await page.textContent('[data-testid=confirm-ok]')).toContain('Disponible quand même');
    expect(await focused()).toBe('confirm-ok');
    await page.screenshot({ path: `${SHOTS}/panel-phone-dead-confirm.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused()).toBe('ready');
    expect(arm2()).toBe('paused');
    // The key D from there, then Entrée: available.
    await page.keyboard.press('d');
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(arm2).toBe('available');
    expect(errors).toEqual([]);

    // Out of the way of the next test's call (for arm-1).
    expect((await room.rest('arm-2', 'POST', '/sites/44/agent/logout')).status).toBe(200);
    await context.close();
  }, 60_000);

  it('plays the calls on the chosen speaker, kept for the workstation; an unplugged one falls back to the default, said so', async () => {
    const { page, context, errors } = await panelPage(true);
    // Every output the page asks for, on which element (the phone's own <audio>, made by the panel).
    await context.addInitScript(() => {
      const w = window as unknown as { __sinks: { el: HTMLMediaElement; id: string }[] };
      w.__sinks = [];
      const set = HTMLMediaElement.prototype.setSinkId;
      HTMLMediaElement.prototype.setSinkId = function (id: string) {
        w.__sinks.push({ el: this, id });
        return set.call(this, id);
      };
    });
    await page.reload();
    await keyboardLogin(page, 'arm-2');
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('ready');
    /** The output the phone's audio element really plays on ('' = the system's default). */
    const playsOn = () =>
      page.evaluate(() => {
        const sinks = (window as unknown as { __sinks: { el: HTMLMediaElement }[] }).__sinks;
        const el = sinks[sinks.length - 1]?.el as (HTMLMediaElement & { sinkId: string }) | undefined;
        return el ? { sinkId: el.sinkId, autoplay: el.autoplay } : null;
      });
    const said = () => page.textContent('[data-testid=speaker-state]');

    await page.click('.phone-devices summary');
    const speakers = await page.$$eval('[data-testid=speaker] option', (os) =>
      os.map((o) => ({ id: (o as HTMLOptionElement).value, label: o.textContent })),
    );
    expect(speakers[0]).toEqual({ id: '', label: 'Par défaut du système' });
    const headset = speakers.find((o) => o.label === 'Fake Audio Output 2');
    expect(headset, JSON.stringify(speakers)).toBeTruthy();
    await expect.poll(said).toBe('Son des appels sur la sortie par défaut du système.');

    await page.selectOption('[data-testid=speaker]', headset!.id);
    await expect.poll(said).toBe('Son des appels sur : Fake Audio Output 2.');
    expect(await playsOn()).toEqual({ sinkId: headset!.id, autoplay: true });
    await page.screenshot({ path: `${SHOTS}/panel-speaker.png` });

    // Kept for the workstation: after a reload the phone plays there again.
    await page.reload();
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('ready');
    await page.click('.phone-devices summary');
    await expect.poll(said).toBe('Son des appels sur : Fake Audio Output 2.');
    expect(await page.inputValue('[data-testid=speaker]')).toBe(headset!.id);
    expect((await playsOn())?.sinkId).toBe(headset!.id);

    // The headset chosen yesterday is not plugged in today: the default output, and the panel says so.
    await page.evaluate(() => localStorage.setItem('sas-acd.speaker', 'headset-unplugged'));
    await page.reload();
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('ready');
    await page.click('.phone-devices summary');
    await expect
      .poll(said)
      .toBe('⚠ L’écouteur choisi n’est plus branché : le son passe par la sortie par défaut du système.');
    expect(await page.inputValue('[data-testid=speaker]')).toBe('');
    expect((await playsOn())?.sinkId).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('registers at login, the ACD’s offer rings and is answered by itself, audio flows, mute, a new microphone and DTMF act, the hang-up is seen', async () => {
    const { page, errors } = await panelPage(true);
    await keyboardLogin(page, 'arm-1');
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('ready');
    expect(await page.textContent('[data-testid=phone]')).toContain('Téléphone prêt');
    await page.keyboard.press('c');
    await expect.poll(() => page.textContent('[data-testid=status]')).toContain('Disponible');
    await page.screenshot({ path: `${SHOTS}/panel-phone-ready.png` });

    // The PBX's side of the agent leg.
    const pbxContext = await browser.newContext();
    await pbxContext.grantPermissions(['microphone'], { origin: room.url });
    const pbx = await pbxContext.newPage();
    await pbx.goto(`${room.url}/phone-check.html`);
    await pbx.evaluate(
      ({ wsUrl, password }) => {
        const w = window as unknown as PbxWindow;
        w.states = [];
        w.phone = w.webRtcPhone({
          wsUrl,
          uri: 'sip:pbx-leg@127.0.0.1',
          password,
          onState: (s: string) => w.states.push(s),
        });
      },
      { wsUrl: kamailio.wsUrl, password: PASSWORDS['pbx-leg'] },
    );
    const pbxStates = () => pbx.evaluate(() => (window as unknown as PbxWindow).states);
    await expect.poll(pbxStates, { timeout: 10_000 }).toContain('registered');

    await room.arrive('c-rtc', '0612345678', 'Jeanne Martin');
    const arm1 = () => room.runtime.state.data.agents['arm-1']!;
    await expect.poll(() => arm1().status, { timeout: 5000 }).toBe('offered');
    await pbx.evaluate(() =>
      (window as unknown as PbxWindow).phone.call('sip:arm-1@127.0.0.1', ['Call-Info: answer-after=0']),
    );
    await expect.poll(pbxStates, { timeout: 10_000 }).toContain('talking');
    const answered = await room.runtime.dispatch({ type: 'answerOffer', callId: 'c-rtc', agentId: 'arm-1' });
    expect(answered.ok).toBe(true);
    await expect.poll(() => phoneState(page), { timeout: 10_000 }).toBe('talking');
    await expect.poll(() => page.textContent('[data-testid=status]')).toContain('En appel');

    for (const [p, side] of [
      [page, 'panel'],
      [pbx, 'pbx'],
    ] as const)
      await expect
        .poll(
          async () => {
            const r = await rtp(p, side);
            return r.received > 1000 && r.sent > 1000;
          },
          { timeout: 10_000 },
        )
        .toBe(true);

    // Mute (key U) stops the microphone's track; again, it comes back.
    const micOn = () =>
      page.evaluate(() => {
        const pcs = (window as unknown as Recorded).__pcs;
        return pcs[pcs.length - 1]!.getSenders().find((s) => s.track?.kind === 'audio')?.track?.enabled;
      });
    expect(await micOn()).toBe(true);
    await page.keyboard.press('u');
    await expect.poll(micOn).toBe(false);
    expect(await page.getAttribute('[data-action=mute]', 'aria-pressed')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/panel-phone-muted.png` });
    await page.keyboard.press('u');
    await expect.poll(micOn).toBe(true);

    // Another microphone chosen during the call: the same sender carries the new device's track
    // (replaceTrack, no renegotiation), the PBX keeps receiving audio, mute acts on the new track.
    const micTrack = () =>
      page.evaluate(() => {
        const pcs = (window as unknown as Recorded).__pcs;
        const t = pcs[pcs.length - 1]!.getSenders().find((s) => s.track?.kind === 'audio')?.track;
        return t ? { id: t.id, device: t.getSettings().deviceId ?? null, state: t.readyState } : null;
      });
    const first = (await micTrack())!;
    await page.click('.phone-devices summary');
    const mics = await page.$$eval('[data-testid=microphone] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
    );
    const other = mics.find((id) => id !== first.device && id !== 'default');
    expect(other, `microphones listed: ${mics.join(', ')}`).toBeTruthy();
    const heard = (await rtp(pbx, 'pbx')).received;
    await page.selectOption('[data-testid=microphone]', other!);
    await expect
      .poll(() => page.textContent('[data-testid=mic-switch]'))
      .toContain('Micro changé pour l’appel en cours');
    const second = (await micTrack())!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ device: other, state: 'live' });
    await expect
      .poll(async () => (await rtp(pbx, 'pbx')).received > heard + 1000, { timeout: 10_000 })
      .toBe(true);
    expect(arm1().status).toBe('on-call');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('u');
    await expect.poll(micOn).toBe(false);
    await page.keyboard.press('u');
    await expect.poll(micOn).toBe(true);

    // DTMF through the call's own sender (RFC 4733).
    await page.getByRole('button', { name: 'Clavier (DTMF)' }).click();
    await page.locator('[data-testid=dtmf] button', { hasText: '5' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as Recorded).__dtmf)).toEqual(['5']);
    await page.screenshot({ path: `${SHOTS}/panel-phone-talking.png` });

    // The caller hangs up: the ACD ends the call and the PBX releases the agent's leg.
    expect((await room.runtime.dispatch({ type: 'callerHungUp', callId: 'c-rtc' })).ok).toBe(true);
    await pbx.evaluate(() => (window as unknown as PbxWindow).phone.hangUp());
    await expect.poll(pbxStates, { timeout: 10_000 }).toContain('ended');
    await expect.poll(() => phoneState(page), { timeout: 10_000 }).toBe('ready');
    await expect.poll(() => page.textContent('[data-testid=status]')).not.toContain('En appel');
    expect(await page.textContent('[data-testid=call]')).not.toContain('0612345678');
    await pbx.evaluate(() => (window as unknown as PbxWindow).phone.close());
    await pbxContext.close();

    // The gateway goes away: the phone says so, on a red badge and a banner, within seconds.
    await kamailio.stop();
    await expect.poll(() => phoneState(page), { timeout: 15_000 }).toBe('unreachable');
    expect(await page.textContent('[data-testid=phone-alert]')).toContain(
      'Téléphone hors service — vous ne pouvez pas recevoir d’appels',
    );
    expect(await page.textContent('[data-testid=phone-alert]')).toContain(
      'passerelle téléphonique ne répond pas',
    );
    await page.screenshot({ path: `${SHOTS}/panel-phone-unreachable.png` });
    // What the gateway's disappearance logs in the console (a refused WebSocket) is the only error.
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  }, 90_000);
});
