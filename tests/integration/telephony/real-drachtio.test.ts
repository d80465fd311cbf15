// What a REAL drachtio-server does where the FreeSWITCH backend's behaviour rests on it, with no
// FreeSWITCH needed: a plain SIP caller (UDP, from this test) dials it. Runs only with DRACHTIO_URL
// (drachtio://<secret>@host:9022) and DRACHTIO_SIP (host:port of its SIP side) set; reported as
// skipped otherwise. The same checks run against sim-fs in drachtio-fallback-counted.test.ts and the
// conformance replay; this is where sim-fs's drachtio is compared with the real one
// (docs/freeswitch.md, "What was run against real servers").
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SrfCtor,
  type Srf,
  type SrfRequest,
  type SrfResponse,
} from '../../../src/telephony/drachtio/libs.js';

const env = process.env;
const enabled = Boolean(env.DRACHTIO_URL && env.DRACHTIO_SIP);

function parse(raw: string): { host: string; port: number; secret: string } {
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port), secret: decodeURIComponent(u.username || u.password) };
}

async function until<T>(find: () => T | undefined | null | false, what: string, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = find();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A bare SIP UAC on UDP: sends one INVITE, keeps every response, ACKs a final failure (same branch). */
async function caller(target: string) {
  const [host = '127.0.0.1', port = '5060'] = target.split(':');
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const local = sock.address().port;
  const callId = `${randomUUID()}@127.0.0.1`;
  const branch = `z9hG4bK${randomUUID().slice(0, 8)}`;
  const from = `<sip:0612345678@127.0.0.1:${local}>;tag=${randomUUID().slice(0, 8)}`;
  const to = `<sip:15@${host}:${port}>`;
  const responses: string[] = [];
  const send = (text: string) => sock.send(Buffer.from(text), Number(port), host);
  sock.on('message', (m) => {
    const text = m.toString();
    if (!text.startsWith('SIP/2.0')) return;
    responses.push(text);
    const status = Number(text.split(' ')[1]);
    const toHdr = /^To:\s*(.*)$/im.exec(text)?.[1]?.trim() ?? to;
    if (status >= 300)
      send(
        `ACK sip:15@${host}:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport\r\n` +
          `From: ${from}\r\nTo: ${toHdr}\r\nCall-ID: ${callId}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
      );
  });
  const sdp =
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
  send(
    `INVITE sip:15@${host}:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport\r\n` +
      `From: ${from}\r\nTo: ${to}\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:0612345678@127.0.0.1:${local}>\r\n` +
      `Max-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
  );
  const statuses = () => responses.map((r) => Number(r.split(' ')[1]));
  return { callId, responses, statuses, close: () => sock.close() };
}

describe.skipIf(!enabled)('a real drachtio-server, as the FreeSWITCH backend relies on it', () => {
  const drachtio = enabled ? parse(env.DRACHTIO_URL!) : { host: '', port: 0, secret: '' };
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  const app = async (onInvite?: (req: SrfRequest, res: SrfResponse) => void): Promise<Srf> => {
    const srf = new SrfCtor();
    if (onInvite) srf.invite(onInvite);
    const up = new Promise<void>((resolve, reject) => {
      srf.on('connect', (err: unknown) => (err ? reject(err as Error) : resolve()));
      srf.on('error', reject);
    });
    srf.connect(drachtio);
    await up;
    closers.push(() => {
      try {
        srf.disconnect();
      } catch {
        // disconnected by the test already
      }
    });
    return srf;
  };

  it('answers a new INVITE 100 then 503 by itself when no app takes INVITEs (the fallback premise)', async () => {
    const c = await caller(env.DRACHTIO_SIP!);
    closers.push(c.close);
    await until(() => c.statuses().some((s) => s >= 200), 'a final response');
    expect(c.statuses().filter((s) => s >= 200)[0]).toBe(503);
  }, 20_000);

  it('passes a new INVITE to the app that routes INVITEs, and sends its answer (486) back', async () => {
    const seen: string[] = [];
    await app((req, res) => {
      seen.push(req.get('Call-ID') ?? '');
      res.send(486);
    });
    const c = await caller(env.DRACHTIO_SIP!);
    closers.push(c.close);
    await until(() => c.statuses().some((s) => s >= 200), 'a final response');
    expect(seen).toEqual([c.callId]);
    expect(c.statuses().filter((s) => s >= 200)).toEqual([486]);
    expect(c.statuses()).toContain(100); // drachtio's own 100 Trying
  }, 20_000);

  it('answers 503 again once the app is gone; an INVITE routed to it as it left gets no final answer', async () => {
    const srf = await app((_req, res) => res.send(486));
    srf.disconnect();
    // drachtio notices the closed connection on its own clock. An INVITE that reaches it before
    // then is routed to the leaving app and never answered by drachtio (its pending request is
    // dropped after 64 s, src/pending-request-controller.cpp CLIENT_TIMEOUT): only 100 Trying.
    // Each attempt is a new call; each must end in 503 or in that silence, never anything else.
    const finals: (number | 'none')[] = [];
    for (let attempt = 0; attempt < 10 && finals.at(-1) !== 503; attempt++) {
      const c = await caller(env.DRACHTIO_SIP!);
      closers.push(c.close);
      await until(() => c.statuses().some((s) => s >= 200), 'a final response', 3000).catch(() => null);
      const final = c.statuses().find((s) => s >= 200);
      finals.push(final ?? 'none');
      if (final === undefined) expect(c.statuses()).toEqual([100]);
    }
    expect(finals.at(-1)).toBe(503);
    expect(finals.every((s) => s === 503 || s === 'none')).toBe(true);
  }, 60_000);
});
