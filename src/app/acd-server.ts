// The ACD's HTTP server: the REST API and live feeds (src/api), the browser UI (web/, built by
// Vite into web/dist: agent panel, supervisor console) and a small web configuration document the
// pages read at start.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApi, type Api, type ApiOptions } from '../api/index.js';
import { webSite, type WebConfigDocument } from './web-config.js';
import { ensureWebBuilt, WEB_DIST } from './web-build.js';

export type WebConfig = {
  siteId: string;
  /** sim-pbx's endpoint WebSocket, for the panel's virtual phone (demo only; null with a real PBX). */
  virtualPhoneUrl: string | null;
};

export type AcdServer = { server: Server; api: Api; url: string; close(): Promise<void> };

export async function startAcdServer(
  options: ApiOptions & { port: number; host?: string; web: WebConfig },
): Promise<AcdServer> {
  const { port, host, web: webConfig, ...apiOptions } = options;
  await ensureWebBuilt();
  const api = createApi(apiOptions);
  const app = express();
  app.disable('x-powered-by');
  app.get('/web-config.json', (_req, res) => {
    const doc: WebConfigDocument = { ...webConfig, site: webSite(apiOptions.sites.get(webConfig.siteId)) };
    res.json(doc);
  });
  app.use(express.static(WEB_DIST, { index: 'index.html' }));
  app.use(api.app);
  const server = createServer(app);
  api.attach(server);
  await new Promise<void>((resolve) => server.listen(port, host ?? '127.0.0.1', resolve));
  const url = `http://${host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return {
    server,
    api,
    url,
    async close() {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
