// sim-fs refuses bad input clearly and changes nothing: trunk and fault requests (400 naming the
// field), phones' messages, a wrong drachtio secret and a wrong event-socket password.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimFs, type SimFsServer } from '../../../simulator/freeswitch/server.js';
import { EslReader, FrameReader, frame } from '../../../simulator/freeswitch/wire.js';

let lab: SimFsServer;
beforeEach(async () => {
  lab = await startSimFs({ secret: 's3cret', eslPassword: 'not-ClueCon' });
});
afterEach(async () => {
  await lab.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${lab.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('sim-fs bad input', () => {
  it('answers 400 naming the bad field, and injects nothing', async () => {
    const r = await post('/sim/calls', { line: '15', patienceSec: -1, bogus: true });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/patienceSec/);
    expect(lab.sim.calls.size).toBe(0);
    const f = await post('/sim/faults', { dropApp: 'yes' });
    expect(f.status).toBe(400);
    expect((await fetch(`${lab.url}/sim/calls/nope/hangup`, { method: 'POST' })).status).toBe(404);
  });

  it('tells a phone what is wrong with its message', async () => {
    const ws = new WebSocket(lab.endpointsWsUrl);
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<{ type: string; message: string }>((r) =>
      ws.once('message', (d) => r(JSON.parse(String(d)))),
    );
    ws.send(JSON.stringify({ type: 'register', endpoint: 'arm-1' }));
    expect(await reply).toMatchObject({ type: 'error', message: expect.stringMatching(/endpoint/) });
    expect(lab.sim.phones.size).toBe(0);
    ws.close();
  });

  it('refuses a wrong drachtio secret and a wrong event-socket password', async () => {
    const d = net.connect(lab.drachtio.port, lab.drachtio.host);
    const reader = new FrameReader();
    const answer = new Promise<string>((r) => d.on('data', (c) => reader.push(c).forEach(r)));
    d.write(frame('f00|authenticate|wrong|'));
    expect(await answer).toMatch(/\|response\|f00\|NOK\|/);
    d.destroy();

    const e = net.connect(lab.esl.port, lab.esl.host);
    const esl = new EslReader();
    const seen: string[] = [];
    const closed = new Promise<void>((r) => e.on('close', () => r()));
    e.on('data', (c) => {
      for (const m of esl.push(c)) {
        seen.push(m.headers['Reply-Text'] ?? m.headers['Content-Type'] ?? '');
        if (m.headers['Content-Type'] === 'auth/request') e.write('auth ClueCon\n\n');
      }
    });
    await closed;
    expect(seen).toContain('-ERR invalid');
  });
});
