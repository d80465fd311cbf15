// Socket.IO on the API's HTTP server: the `/supervisor` and `/agent` namespaces. With a Redis URL,
// the Redis adapter relays room broadcasts between processes, so any number of ACD processes can
// serve clients behind a load balancer (with sticky sessions for the HTTP long-polling transport).
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { Logger } from '../ports/logger.js';
import { connectRedis, type RedisClient, type RedisTarget } from '../store/redis-connection.js';
import type { TokenService } from '../auth/index.js';
import { queueViews } from '../read-models/views.js';
import { mountAgentFeed } from './agent-feed.js';
import { mountLrmFeed } from './lrm-feed.js';
import type { SiteFeed } from './site-feed.js';
import { mountSupervisorFeed } from './supervisor-feed.js';

export type RealtimeOptions = {
  feeds: Map<string, SiteFeed>;
  tokens: TokenService;
  logger: Logger;
  clock: () => number;
  redisUrl?: RedisTarget;
  /** Minimum time between two supervisor updates of a site (default 200 ms = 5/s). */
  supervisorIntervalMs?: number;
  publishes?: (siteId: string) => boolean;
  /** See AgentFeedOptions.seatGraceMs. */
  seatGraceMs?: number | null;
};

export type Realtime = { io: Server; close(): Promise<void> };

export function attachRealtime(httpServer: HttpServer, opts: RealtimeOptions): Realtime {
  const io = new Server(httpServer, { serveClient: false, transports: ['websocket', 'polling'] });
  const redis: RedisClient[] = [];
  if (opts.redisUrl) {
    // On a cluster, classic pub/sub reaches every node (the adapter's documented cluster set-up).
    const pub = connectRedis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
    const sub = connectRedis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
    for (const r of [pub, sub])
      r.on('error', (err: Error) => opts.logger.warn({ err: err.message }, 'socket.io redis adapter'));
    redis.push(pub, sub);
    io.adapter(createAdapter(pub, sub, { key: 'sas-acd:socket.io' }));
  }
  const supervisors = mountSupervisorFeed({
    nsp: io.of('/supervisor'),
    feeds: opts.feeds,
    tokens: opts.tokens,
    logger: opts.logger,
    clock: opts.clock,
    ...(opts.supervisorIntervalMs !== undefined ? { intervalMs: opts.supervisorIntervalMs } : {}),
    ...(opts.publishes ? { publishes: opts.publishes } : {}),
  });
  const agents = mountAgentFeed({
    nsp: io.of('/agent'),
    feeds: opts.feeds,
    tokens: opts.tokens,
    logger: opts.logger,
    clock: opts.clock,
    relayed: redis.length > 0,
    ...(opts.publishes ? { publishes: opts.publishes } : {}),
    ...(opts.seatGraceMs !== undefined ? { seatGraceMs: opts.seatGraceMs } : {}),
  });
  const lrm = mountLrmFeed({
    nsp: io.of('/lrm'),
    feeds: opts.feeds,
    tokens: opts.tokens,
    logger: opts.logger,
    clock: opts.clock,
    relayed: redis.length > 0,
    ...(opts.publishes ? { publishes: opts.publishes } : {}),
  });
  // Liveness probe of the browser pages (web/src/live.ts): they ask every 1.5 s and show "connexion
  // perdue" when unanswered. Agents also get their sites' queue load (no caller data in it).
  io.of('/supervisor').on('connection', (socket) =>
    socket.on('alive', (ack: unknown) => typeof ack === 'function' && ack({ serverTime: opts.clock() })),
  );
  io.of('/agent').on('connection', (socket) =>
    socket.on('alive', (ack: unknown) => {
      if (typeof ack !== 'function') return;
      const queues: Record<string, ReturnType<typeof queueViews>> = {};
      for (const siteId of (socket.data.sites as string[] | undefined) ?? []) {
        const feed = opts.feeds.get(siteId);
        if (feed) queues[siteId] = queueViews(feed.site.state);
      }
      ack({ serverTime: opts.clock(), queues });
    }),
  );
  return {
    io,
    async close() {
      supervisors.close();
      agents.close();
      lrm.close();
      io.disconnectSockets(true);
      // io.close() would also close the HTTP server, which the caller owns.
      for (const nsp of [io.of('/supervisor'), io.of('/agent'), io.of('/lrm')]) nsp.removeAllListeners();
      io.engine.close();
      await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    },
  };
}
