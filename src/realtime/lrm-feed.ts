// The `/lrm` namespace: the regulation software (role `lrm`) listens to its sites' call events
// live (the same events and ids as the webhooks, src/lrm/lrm-events.ts), for an LRM that prefers
// a connection to an endpoint. On connect, `calls`: the live calls with their references, so an
// LRM that reconnects knows where things stand; then `event` per call event. Nothing is replayed:
// an LRM that must miss nothing uses the webhooks, which are retried.
import type { Namespace, Server } from 'socket.io';
import type { TokenService } from '../auth/index.js';
import type { Logger } from '../ports/logger.js';
import { callRef } from '../lrm/call-ref.js';
import { lrmEvents, type LrmEvent } from '../lrm/lrm-events.js';
import { callView } from '../read-models/views.js';
import { closeOnExpiry, principalOf, sitesFor } from './handshake.js';
import type { SiteFeed } from './site-feed.js';

export const lrmRoom = (siteId: string) => `lrm:${siteId}`;

/** An LRM event that is not an engine event (`recording.available`), from the process that saw it. */
export function publishLrmEvent(io: Server, e: LrmEvent): void {
  io.of('/lrm').to(lrmRoom(e.siteId)).emit('event', e);
}

export function mountLrmFeed(opts: {
  nsp: Namespace;
  feeds: Map<string, SiteFeed>;
  tokens: TokenService;
  logger: Logger;
  clock: () => number;
  publishes?: (siteId: string) => boolean;
  /** True with the Redis adapter: the LRM may be connected to another process. */
  relayed?: boolean;
}): { close(): void } {
  const { nsp, feeds } = opts;
  const stops = [...feeds.values()].map((feed) =>
    feed.listen((events) => {
      const siteId = feed.site.siteId;
      if (opts.publishes && !opts.publishes(siteId)) return;
      if (!opts.relayed && !nsp.adapter.rooms.get(lrmRoom(siteId))?.size) return;
      for (const e of lrmEvents(siteId, events)) nsp.to(lrmRoom(siteId)).emit('event', e);
    }),
  );
  nsp.use((socket, next) => {
    principalOf(socket, opts.tokens, ['lrm'])
      .then((principal) => {
        socket.data.principal = principal;
        socket.data.sites = sitesFor(socket, principal, new Set(feeds.keys()));
        next();
      })
      .catch((err: Error) => next(err));
  });
  nsp.on('connection', (socket) => {
    closeOnExpiry(socket, socket.data.principal, opts.clock);
    for (const siteId of socket.data.sites as string[]) {
      void socket.join(lrmRoom(siteId));
      const calls = Object.values(feeds.get(siteId)!.site.state.data.calls).map((c) => ({
        callRef: callRef(siteId, c.id),
        call: callView(c),
      }));
      socket.emit('calls', { siteId, serverTime: opts.clock(), calls });
    }
    opts.logger.info({ user: socket.data.principal.username }, 'LRM feed connected');
  });
  return { close: () => stops.forEach((s) => s()) };
}
