// sim-pbx's HTTP + WebSocket server: ARI under /ari (REST, api-docs, /ari/events), the trunk and
// fault switches under /sim, phones on /sim/endpoints, timelines on /sim/calls/events.
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { AppBus } from './app-bus.js';
import { ariHandler, authorized } from './ari-routes.js';
import type { Clock } from './clock.js';
import { asteriskTime, realClock } from './clock.js';
import { handleEndpointSocket } from './endpoint-ws.js';
import { Pbx, type FallbackGroup } from './pbx.js';
import type { PbxTiming } from './timing.js';
import { handleTimelineSocket, trunkRouter } from './trunk-api.js';

export interface SimPbxOptions {
  port?: number;
  host?: string;
  user?: string;
  password?: string;
  /** The Stasis application the trunk's dialplan sends calls to: Stasis(app, line). */
  app?: string;
  clock?: Clock;
  sounds?: Record<string, number>;
  dialplanRoutes?: Record<string, string>;
  /** How long operations take (default: Asterisk 22's; see timing.ts). */
  timing?: Partial<PbxTiming>;
  /** Where stored recordings are written as small files (recordings.ts); none: states only. */
  recordingDir?: string;
  /** The dialplan fallback's N1 group (pbx.ts FallbackGroup); absent: the fallback only answers. */
  fallback?: FallbackGroup;
  /** Trunk channels per line (trunk-limit.ts): beyond them a call is refused with congestion. */
  trunkChannels?: Record<string, number>;
}

export interface SimPbx {
  /** http://host:port */
  url: string;
  /** What ari.connect() takes. */
  ariUrl: string;
  endpointsWsUrl: string;
  timelineWsUrl: string;
  user: string;
  password: string;
  app: string;
  pbx: Pbx;
  bus: AppBus;
  close(): Promise<void>;
}

export async function startSimPbx(options: SimPbxOptions = {}): Promise<SimPbx> {
  const user = options.user ?? 'asterisk';
  const password = options.password ?? 'asterisk';
  const appName = options.app ?? 'sasacd';
  const bus = new AppBus();
  const clock = options.clock ?? realClock();
  const pbx = new Pbx({
    clock,
    bus,
    defaultApp: appName,
    ...(options.sounds ? { sounds: options.sounds } : {}),
    ...(options.dialplanRoutes ? { dialplanRoutes: options.dialplanRoutes } : {}),
    ...(options.timing ? { timing: options.timing } : {}),
    ...(options.recordingDir ? { recordingDir: options.recordingDir } : {}),
    ...(options.fallback ? { fallback: options.fallback } : {}),
    ...(options.trunkChannels ? { trunkChannels: options.trunkChannels } : {}),
  });

  const web = express();
  web.disable('x-powered-by');
  // During an ARI outage (POST /sim/faults ariOutageMs) the connection is reset, as across a cut link.
  web.use('/ari', (req, _res, next) => (bus.refuseLink() ? void req.socket.destroy() : next()));
  // POST /sim/faults stallAriRequests: requests that get no answer (rest-stall.ts).
  web.use('/ari', bus.restStalls.middleware);
  web.use('/ari', express.text({ type: () => true, limit: '1mb' }), ariHandler(pbx, { user, password }));
  web.use('/sim', trunkRouter(pbx, bus));

  const server = createServer(web);
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const tcp = new Set<Socket>();
  server.on('connection', (s) => {
    tcp.add(s);
    s.on('close', () => tcp.delete(s));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const accept = (onSocket: (ws: WebSocket) => void): void => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        onSocket(ws);
      });
    };
    if (url.pathname === '/ari/events') {
      if (bus.refuseLink()) return void socket.destroy();
      if (bus.wsStalls.left > 0) {
        // POST /sim/faults stallAriWebSockets: the upgrade is never answered; the socket stays open.
        bus.wsStalls.left--;
        bus.wsStalls.held++;
        // The server side is half-open (http's allowHalfOpen): the client's FIN ends it here.
        socket.once('end', () => {
          bus.wsStalls.closedByClient++;
          socket.destroy();
        });
        return;
      }
      if (!authorized({ headers: req.headers, url: req.url ?? '/' }, { user, password })) {
        const body = JSON.stringify({ message: 'Authentication required' });
        socket.end(
          'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="Asterisk REST Interface"\r\n' +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      const apps = (url.searchParams.get('app') ?? '').split(',').filter((a) => a !== '');
      accept((ws) => {
        if (apps.length === 0) {
          ws.send(JSON.stringify({ type: 'MissingParams', params: ['app'] }));
          ws.close();
          return;
        }
        bus.attach(apps, ws, asteriskTime(clock.now()), pbx.asteriskId);
      });
      return;
    }
    if (url.pathname === '/sim/endpoints') return accept((ws) => handleEndpointSocket(pbx, ws));
    if (url.pathname === '/sim/calls/events') return accept((ws) => handleTimelineSocket(pbx, ws));
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const wsBase = url.replace(/^http/, 'ws');

  return {
    url,
    ariUrl: url,
    endpointsWsUrl: `${wsBase}/sim/endpoints`,
    timelineWsUrl: `${wsBase}/sim/calls/events`,
    user,
    password,
    app: appName,
    pbx,
    bus,
    close: async () => {
      pbx.shutdown();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of tcp) s.destroy();
      });
    },
  };
}
