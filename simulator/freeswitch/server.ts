// sim-fs: the FreeSWITCH lab over the network. drachtio's app port (TCP), FreeSWITCH's inbound event
// socket (TCP), and HTTP/WebSocket for the trunk side and the endpoint side in sim-pbx's shapes
// (POST /sim/calls, POST /sim/calls/{id}/hangup, GET /sim/calls[/{id}], WS /sim/endpoints).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeIssues, injectCallSchema, onEndpointMessages } from '../pbx/validation.js';
import { SimFs, type SimFsOptions } from './sim.js';

export type SimFsServer = {
  url: string;
  endpointsWsUrl: string;
  drachtio: { host: string; port: number; secret: string };
  esl: { host: string; port: number; password: string };
  sim: SimFs;
  close(): Promise<void>;
};

export async function startSimFs(
  options: SimFsOptions & { port?: number; drachtioPort?: number; eslPort?: number; host?: string } = {},
): Promise<SimFsServer> {
  const sim = new SimFs(options);
  const host = options.host ?? '127.0.0.1';
  const drachtioPort = await sim.drachtio.listen(options.drachtioPort ?? 0, host);
  const eslPort = await sim.media.listen(options.eslPort ?? 0, host);

  const web = express();
  web.disable('x-powered-by');
  web.use(express.json({ limit: '64kb' }));
  web.post('/sim/calls', (req, res) => {
    const parsed = injectCallSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: `invalid call: ${describeIssues(parsed.error)}` });
      return;
    }
    const t = sim.injectCall(parsed.data);
    res.status(201).json({ ...t, channelId: t.sipCallId });
  });
  web.get('/sim/calls', (_req, res) => {
    res.json({ calls: [...sim.calls.keys()].map((id) => sim.timeline(id)) });
  });
  web.get('/sim/calls/:callId', (req, res) => {
    const t = sim.timeline(req.params.callId);
    if (!t) res.status(404).json({ error: `no call ${req.params.callId}` });
    else res.json({ ...t, hears: sim.hears(req.params.callId) });
  });
  web.post('/sim/calls/:callId/hangup', (req, res) => {
    const c = sim.calls.get(req.params.callId);
    if (!c) {
      res.status(404).json({ error: `no call ${req.params.callId}` });
      return;
    }
    if (c.ended) {
      res.status(409).json({ error: `call ${req.params.callId} has already ended` });
      return;
    }
    sim.callerHangup(req.params.callId);
    res.status(204).end();
  });
  web.post('/sim/calls/:callId/dtmf', (req, res) => {
    const c = sim.calls.get(req.params.callId);
    if (!c) {
      res.status(404).json({ error: `no call ${req.params.callId}` });
      return;
    }
    const digits = (req.body as { digits?: unknown } | undefined)?.digits;
    if (typeof digits !== 'string' || !/^[0-9*#A-D]{1,20}$/.test(digits)) {
      res.status(400).json({ error: 'invalid dtmf: "digits" is 1 to 20 of 0-9 * # A-D' });
      return;
    }
    if (!sim.callerDtmf(req.params.callId, digits)) {
      res.status(409).json({ error: `call ${req.params.callId} is not answered by FreeSWITCH` });
      return;
    }
    res.status(204).end();
  });
  web.get('/sim/endpoints', (_req, res) => {
    res.json([...sim.phones.values()].map((p) => ({ endpoint: p.endpoint, port: p.port })));
  });
  web.get('/sim/leftovers', (_req, res) => {
    res.json(sim.leftovers());
  });
  web.get('/sim/eavesdrops', (_req, res) => {
    res.json({ eavesdrops: sim.eavesdrops() });
  });
  web.post('/sim/faults', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).filter((k) => k !== 'dropApp');
    if (unknown.length > 0 || (body.dropApp !== undefined && typeof body.dropApp !== 'boolean')) {
      res
        .status(400)
        .json({ error: `invalid faults: only {"dropApp": true} is known (got ${JSON.stringify(body)})` });
      return;
    }
    if (body.dropApp) sim.drachtio.dropApps();
    res.json({ ok: true });
  });

  const server = createServer(web);
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const tcp = new Set<Socket>();
  server.on('connection', (s) => {
    tcp.add(s);
    s.on('close', () => tcp.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/sim/endpoints') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      handlePhones(sim, ws);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, () => resolve()));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpointsWsUrl: `${url.replace(/^http/, 'ws')}/sim/endpoints`,
    drachtio: { host, port: drachtioPort, secret: sim.secret },
    esl: { host, port: eslPort, password: sim.eslPassword },
    sim,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of tcp) s.destroy();
        }),
        sim.drachtio.close(),
        sim.media.close(),
      ]);
    },
  };
}

/** The endpoint side, in sim-pbx's message shapes (simulator/pbx/README.md). */
function handlePhones(sim: SimFs, ws: WebSocket): void {
  const mine = new Set<string>();
  const send = (msg: Record<string, unknown>) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  onEndpointMessages(ws, send, (msg) => {
    if (msg.type === 'register') {
      const autoRing = msg.autoRing ?? true;
      const phone = sim.registerPhone(msg.endpoint, {
        invite: (leg) => {
          send({ type: 'invite', endpoint: msg.endpoint, ...leg });
          if (autoRing) phone.ringing(leg.channelId);
          if (msg.autoAnswerMs !== undefined)
            setTimeout(() => {
              if (!phone.isAnswered(leg.channelId)) {
                try {
                  phone.answer(leg.channelId);
                } catch {
                  // cancelled meanwhile
                }
              }
            }, msg.autoAnswerMs);
        },
        cancelled: (channelId, cause) =>
          send({ type: 'cancelled', endpoint: msg.endpoint, channelId, cause }),
        hungUp: (channelId, cause) => send({ type: 'hungup', endpoint: msg.endpoint, channelId, cause }),
      });
      mine.add(msg.endpoint);
      send({ type: 'registered', endpoint: msg.endpoint });
      return;
    }
    if (!mine.has(msg.endpoint)) throw new Error(`${msg.endpoint} is not registered on this connection`);
    const phone = sim.phones.get(msg.endpoint)!;
    switch (msg.type) {
      case 'unregister':
        mine.delete(msg.endpoint);
        sim.unregisterPhone(msg.endpoint);
        send({ type: 'unregistered', endpoint: msg.endpoint });
        return;
      case 'ringing':
        phone.ringing(msg.channelId);
        break;
      case 'answer':
        phone.answer(msg.channelId);
        break;
      case 'reject':
        phone.reject(msg.channelId, msg.code ?? 486);
        break;
      case 'hangup':
        phone.hangup(msg.channelId);
        break;
    }
    send({ type: 'ok', request: msg.type, endpoint: msg.endpoint, channelId: msg.channelId });
  });
  ws.on('close', () => {
    for (const e of mine) sim.unregisterPhone(e);
  });
}
