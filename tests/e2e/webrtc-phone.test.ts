// The JsSIP WebRTC phone (web/src/panel/webrtc-phone.ts) against a real SIP stack: Debian's kamailio
// as a WebSocket registrar and proxy on loopback, and two chromium pages with fake media devices.
// Both register; one calls the other, who rings and answers; audio flows both ways (RTP byte
// counters of the peer connections grow); the caller hangs up and both ends see the call end.
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from './browser.js';
import { hasKamailio, startKamailio, type Kamailio } from './kamailio.js';
import { startRoom, type Room } from './room-harness.js';

let room: Room;
let kamailio: Kamailio;
let browser: Browser;

type PhoneWindow = {
  webRtcPhone: (o: object) => {
    call(t: string): void;
    answer(): boolean;
    hangUp(): void;
    close(): void;
    connection(): RTCPeerConnection | null;
  };
  phone: ReturnType<PhoneWindow['webRtcPhone']>;
  states: string[];
};

async function phonePage(user: string): Promise<Page> {
  const context = await browser.newContext();
  await context.grantPermissions(['microphone']);
  const page = await context.newPage();
  await page.goto(`${room.url}/phone-check.html`);
  await page.evaluate(
    ({ wsUrl, user }) => {
      const w = window as unknown as PhoneWindow;
      w.states = [];
      w.phone = w.webRtcPhone({
        wsUrl,
        uri: `sip:${user}@127.0.0.1`,
        onState: (s: string) => w.states.push(s),
      });
    },
    { wsUrl: kamailio.wsUrl, user },
  );
  return page;
}
const states = (p: Page) => p.evaluate(() => (window as unknown as PhoneWindow).states);
/** RTP bytes received and sent by the page's current call. */
const rtp = (p: Page) =>
  p.evaluate(async () => {
    const pc = (window as unknown as PhoneWindow).phone.connection();
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
  });

describe.skipIf(!hasChromium || !hasKamailio)('the WebRTC phone against kamailio', () => {
  beforeAll(async () => {
    kamailio = await startKamailio();
    room = await startRoom({ sipGatewayUrl: kamailio.wsUrl });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        // host candidates as addresses, not mDNS names nobody here can resolve
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await kamailio?.stop();
    await room?.stop();
  });

  it('registers, is called, answers, carries audio both ways, hangs up', async () => {
    const a = await phonePage('arm-1');
    const b = await phonePage('arm-2');
    for (const p of [a, b]) await expect.poll(() => states(p), { timeout: 10_000 }).toContain('registered');

    await a.evaluate(() => (window as unknown as PhoneWindow).phone.call('sip:arm-2@127.0.0.1'));
    await expect.poll(() => states(b), { timeout: 10_000 }).toContain('ringing');
    expect(await b.evaluate(() => (window as unknown as PhoneWindow).phone.answer())).toBe(true);
    for (const p of [a, b]) await expect.poll(() => states(p), { timeout: 10_000 }).toContain('talking');

    for (const p of [a, b])
      await expect
        .poll(
          async () => {
            const r = await rtp(p);
            return r.received > 1000 && r.sent > 1000;
          },
          { timeout: 10_000 },
        )
        .toBe(true);

    await a.evaluate(() => (window as unknown as PhoneWindow).phone.hangUp());
    for (const p of [a, b]) await expect.poll(() => states(p), { timeout: 10_000 }).toContain('ended');
    for (const p of [a, b]) await p.evaluate(() => (window as unknown as PhoneWindow).phone.close());
  }, 60_000);
});
