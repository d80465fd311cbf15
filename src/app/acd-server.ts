// The ACD's HTTP server: the REST API and live feeds (src/api), the browser UI (web/, built by
// Vite into web/dist: agent panel, supervisor console) and a small web configuration document the
// pages read at start.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { createApi, type Api, type ApiOptions } from '../api/index.js';
import { parseTrustProxy } from '../api/trust-proxy.js';
import { webSite, type WebConfigDocument } from './web-config.js';
import { ensureWebBuilt, WEB_DIST } from './web-build.js';
import type { Realtime } from '../realtime/realtime-server.js';

export type WebConfig = {
  siteId: string;
  /** sim-pbx's endpoint WebSocket, for the panel's virtual phone (demo only; null with a real PBX). */
  virtualPhoneUrl: string | null;
  /** The site's SIP/WebRTC gateway WebSocket (wss://pbx:8089/ws), for the WebRTC phone: allowed by the CSP. */
  sipGatewayUrl?: string | null;
};

export type AcdServer = { server: Server; api: Api; realtime: Realtime; url: string; close(): Promise<void> };

/**
 * CSP and frame headers on every answer (helmet, a maintained set of defaults): the pages load
 * scripts and styles from this server only (no inline script: Vite builds web/ into files),
 * connect to this server and, in the demo, to sim-pbx's virtual phone; no page may be framed
 * (clickjacking on a panel that answers emergency calls). No upgrade-insecure-requests: the demo
 * and a room's LAN may serve plain HTTP.
 */
function securityHeaders(web: WebConfig) {
  const phone = [web.virtualPhoneUrl, web.sipGatewayUrl]
    .filter((u): u is string => !!u)
    .map((u) => new URL(u).origin);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        // A recording is fetched with the session's token, then played from a blob: URL.
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...phone],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
}

export async function startAcdServer(
  options: ApiOptions & { port: number; host?: string; web: WebConfig },
): Promise<AcdServer> {
  const { port, host, web: given, ...apiOptions } = options;
  // The gateway the panel's WebRTC phone registers to (the credentials route's), allowed by the CSP.
  const webConfig = {
    ...given,
    sipGatewayUrl: given.sipGatewayUrl ?? apiOptions.webRtcPhone?.wsUrl ?? null,
  };
  await ensureWebBuilt();
  const api = createApi({
    ...apiOptions,
    trustProxy: apiOptions.trustProxy ?? parseTrustProxy(process.env.TRUST_PROXY),
    ...(process.env.METRICS_TOKEN && apiOptions.metricsToken === undefined
      ? { metricsToken: process.env.METRICS_TOKEN }
      : {}),
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(webConfig));
  // `?site=<id>` picks any site this process serves (several sites: src/app/serve-sites.ts);
  // without it, the configured one.
  app.get('/web-config.json', (req, res) => {
    const asked = req.query.site;
    if (asked !== undefined && typeof asked !== 'string')
      return void res.status(400).json({ error: 'site: one site id' });
    const siteId = asked ?? webConfig.siteId;
    const site = apiOptions.sites.get(siteId);
    if (asked !== undefined && !site)
      return void res.status(404).json({ error: `site "${asked}": not served here` });
    const doc: WebConfigDocument = {
      ...webConfig,
      siteId,
      site: webSite(site),
      sites: [...apiOptions.sites.keys()],
      siteNames: Object.fromEntries(
        [...apiOptions.sites].map(([id, s]) => [id, s.state.data.config.name] as const),
      ),
    };
    res.json(doc);
  });
  app.use(express.static(WEB_DIST, { index: 'index.html' }));
  app.use(api.app);
  const server = createServer(app);
  const realtime = api.attach(server);
  await new Promise<void>((resolve) => server.listen(port, host ?? '127.0.0.1', resolve));
  const url = `http://${host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return {
    server,
    api,
    realtime,
    url,
    async close() {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
