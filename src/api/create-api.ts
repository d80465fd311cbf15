// createApi: the REST API (Express 5, under /api/v1), the live feeds (Socket.IO, attached to the
// HTTP server by the caller), metrics and health checks, for the sites this process serves.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { DateTime } from 'luxon';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../ports/logger.js';
import type { HistorySource } from '../ports/history.js';
import { MemoryHistory } from '../shell/memory-history.js';
import type { SiteHandle } from '../ports/site-handle.js';
import { LoginLimiter, RedisRefreshStore, TokenService, type UserStore } from '../auth/index.js';
import { createMetrics, mountHealth, type ReadinessCheck } from '../observability/index.js';
import { attachRealtime, type Realtime } from '../realtime/realtime-server.js';
import { SiteFeed } from '../realtime/site-feed.js';
import { siteDeltaSchema } from '../realtime/supervisor-feed.js';
import { siteSnapshotSchema } from '../realtime/supervisor-snapshot.js';
import type { ApiContext } from './context.js';
import { DOCS_CSP, DOCS_PAGE } from './docs-page.js';
import { buildOpenApi } from './openapi.js';
import { forbidden, fr_en, Problem, unauthenticated } from './problem.js';
import { mountRoute, type AnyRoute } from './route.js';
import { agentDeskRoutes } from './routers/agent-desk.js';
import { agentPhoneRoutes, type WebRtcPhoneSettings } from './routers/agent-phone.js';
import { agentRoutes } from './routers/agents.js';
import { authRoutes } from './routers/auth.js';
import { callbackRoutes } from './routers/callbacks.js';
import { callRoutes } from './routers/calls.js';
import { commandRoutes } from './routers/commands.js';
import { configRoutes } from './routers/config.js';
import { exportRoutes } from './routers/exports.js';
import { indicatorRoutes } from './routers/indicators.js';
import { lineRoutes } from './routers/lines.js';
import { lrmRoutes } from './routers/lrm.js';
import { listenInRoutes } from './routers/listen-in.js';
import { outsideCallRoutes } from './routers/outside-calls.js';
import { consultOutsideRoutes } from './routers/consult-outside.js';
import { recordingRoutes, type SiteRecordings } from './routers/recordings.js';
import { trunkRoutes } from './routers/trunks.js';
import { dependencyRoutes } from './routers/dependencies.js';
import { operatorReportRoutes } from './routers/operator-report.js';
import {
  MemoryOperatorReportStore,
  RedisOperatorReportStore,
  type OperatorReportStore,
} from '../report/operator-report-store.js';
import type { DependencyHealth } from '../observability/dependency-health.js';
import { TrunkStats } from '../observability/trunk-stats.js';
import { roomRoutes } from './routers/room.js';
import { connectRedis, type RedisTarget } from '../store/redis-connection.js';

export type ApiOptions = {
  sites: Map<string, SiteHandle>;
  users: UserStore;
  logger: Logger;
  /** HS256 key for access tokens, at least 32 characters. */
  jwtSecret: string;
  clock?: () => number;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  /**
   * Failed logins allowed per user name and address before each further one imposes a doubling
   * delay (default 5), remembered for `loginWindowMs` (default 15 min); see src/auth/rate-limiter.ts.
   */
  loginAttempts?: number;
  loginWindowMs?: number;
  /** Failed logins allowed per address, all user names together, in the window (default 200). */
  loginAddressFailures?: number;
  /**
   * Express's `trust proxy`: which hops may set X-Forwarded-For, so that `req.ip` (login
   * throttling, logs) is the client's address behind a reverse proxy. Default false (the socket's
   * address). E.g. `1` (one proxy), `'loopback'`, `'10.0.0.0/8'`. `startAcdServer` reads TRUST_PROXY.
   */
  trustProxy?: boolean | number | string;
  /**
   * Bearer token for GET /metrics. Without one, /metrics answers only direct loopback requests
   * (no proxy headers): callers' figures are not for anyone who can reach the port.
   * `startAcdServer` reads METRICS_TOKEN.
   */
  metricsToken?: string;
  /** When given, Socket.IO uses the Redis adapter so several processes serve clients (a URL, or a cluster/sentinel target). */
  redisUrl?: RedisTarget;
  telephonyConnected?: () => boolean;
  /** Disagreements with the PBX healed so far, by kind (periodic reconciliation). */
  telephonyFixes?: () => ReadonlyMap<string, number>;
  redisRoundTripMs?: () => Promise<number>;
  /** Named readiness checks for /readyz (e.g. redis, telephony, writer). */
  readiness?: Record<string, ReadinessCheck>;
  /** /readyz answers 503 `standby` while this is true (a process leading nothing; docs/api.md). */
  standby?: () => boolean;
  supervisorIntervalMs?: number;
  /** How long a seat stays logged in after its last panel is gone (src/realtime/agent-feed.ts). */
  seatGraceMs?: number | null;
  /** Whether this process publishes a site's supervisor deltas (several processes: the writer's only). */
  publishes?: (siteId: string) => boolean;
  processMetrics?: boolean;
  /** Whether the PBX adapter can listen in (supervisor listen-in; false: 501). */
  pbxCanListenIn?: boolean;
  /**
   * Whether the PBX adapter bridges an outside leg into a call (outside transfer; false: 501).
   * Absent: as `pbxCanListenIn`. `serve` passes true (both adapters bridge one).
   */
  pbxCanBridgeOutside?: boolean;
  /** Whether it runs a consultative outside transfer (both adapters do; false: 501). Absent: as above. */
  pbxCanConsultOutside?: boolean;
  /** Metrics of other parts of the process (e.g. the LRM link), added to the /metrics registry. */
  extraMetrics?: ((registry: Registry) => void)[];
  /** The agents' WebRTC phone (gateway, SIP domain, passwords): GET /sites/{s}/agent/phone. */
  webRtcPhone?: WebRtcPhoneSettings | undefined;
  /** Call recordings of a site, when this process keeps them (docs/recording.md). */
  recordings?: (siteId: string) => SiteRecordings | null;
  /** Trunk occupancy and refused calls of a site (docs/trunks.md). */
  trunks?: (siteId: string) => TrunkStats | null;
  /** PBX round trip and recording storage of a site; answer-rate threshold (docs/dependencies.md). */
  dependencies?: (siteId: string) => DependencyHealth | null;
  /** Where the operator's monthly reports are kept (default: Redis with `redisUrl`, else memory). */
  operatorReports?: OperatorReportStore;
  minAnswerRate?: number;
};

export type Api = {
  app: express.Express;
  /** Attaches Socket.IO to the HTTP server (call once, before listen). */
  attach(httpServer: HttpServer): Realtime;
  close(): Promise<void>;
  /** Resolves once today's history is folded into the live figures of the stored sites. */
  primed: Promise<void>;
  /** The route declarations (tests iterate over them). */
  routes: AnyRoute[];
  openapi: Record<string, unknown>;
};

const VERSION = '1.0.0';

export function createApi(opts: ApiOptions): Api {
  const clock = opts.clock ?? Date.now;
  const feeds = new Map([...opts.sites].map(([id, site]) => [id, new SiteFeed(site)]));
  // Stored sites read their Redis history; in-memory sites keep what this process sees.
  const memoryHistories: MemoryHistory[] = [];
  const histories = new Map<string, HistorySource>(
    [...opts.sites].map(([id, site]) => {
      if (site.history) return [id, site.history];
      const memory = new MemoryHistory(site);
      memoryHistories.push(memory);
      return [id, memory];
    }),
  );
  const metrics = createMetrics({
    feeds,
    clock,
    ...(opts.telephonyConnected ? { telephonyConnected: opts.telephonyConnected } : {}),
    ...(opts.telephonyFixes ? { telephonyFixes: opts.telephonyFixes } : {}),
    ...(opts.redisRoundTripMs ? { redisRoundTripMs: opts.redisRoundTripMs } : {}),
    ...(opts.processMetrics !== undefined ? { processMetrics: opts.processMetrics } : {}),
  });
  for (const add of opts.extraMetrics ?? []) add(metrics.registry);
  // Login counts and refresh tokens shared by every process when there is a Redis
  // (src/auth/rate-limiter.ts, src/auth/refresh-store.ts).
  const limiterRedis = opts.redisUrl ? connectRedis(opts.redisUrl, { maxRetriesPerRequest: 1 }) : null;
  limiterRedis?.on('error', (err: Error) => opts.logger.warn({ err: err.message }, 'auth: redis error'));
  const tokens = new TokenService({
    ...(limiterRedis ? { refreshStore: new RedisRefreshStore(limiterRedis) } : {}),
    secret: opts.jwtSecret,
    clock,
    ...(opts.accessTtlSeconds ? { accessTtlSeconds: opts.accessTtlSeconds } : {}),
    ...(opts.refreshTtlSeconds ? { refreshTtlSeconds: opts.refreshTtlSeconds } : {}),
  });
  // A process that starts mid-day shows today's figures, not zeros: stored sites fold today's
  // history into their live feed (in-memory sites have no past to read).
  const primed = Promise.all(
    [...opts.sites].map(async ([id, site]) => {
      if (!site.history) return;
      const now = clock();
      const tz = site.state.data.config.calendar.timeZone;
      const midnight = DateTime.fromMillis(now, { zone: tz }).startOf('day').toMillis();
      try {
        const n = await feeds.get(id)!.prime(site.history, midnight, now + 3600_000);
        opts.logger.info({ site: id, events: n }, "today's history folded into the live figures");
      } catch (err) {
        opts.logger.warn({ site: id, err: (err as Error).message }, "today's history could not be read");
      }
    }),
  ).then(() => undefined);
  const ctx: ApiContext = {
    sites: opts.sites,
    feeds,
    users: opts.users,
    tokens,
    loginLimiter: new LoginLimiter({
      freeFailures: opts.loginAttempts ?? 5,
      windowMs: opts.loginWindowMs ?? 15 * 60_000,
      ...(opts.loginAddressFailures !== undefined ? { addressFailures: opts.loginAddressFailures } : {}),
      ...(limiterRedis ? { redis: limiterRedis } : {}),
    }),
    logger: opts.logger,
    clock,
    observeDecision: metrics.observeDecision,
  };
  // Sites whose owner measures no trunks (in-memory rooms, tests): occupancy from the live state,
  // refused calls counted in this process.
  const ownTrunks = new Map(
    [...opts.sites]
      .filter(([id]) => !opts.trunks?.(id))
      .map(([id, site]) => [id, new TrunkStats(site, null, clock)]),
  );
  const canBridgeOutside = opts.pbxCanBridgeOutside ?? opts.pbxCanListenIn ?? true;
  const outside = { canBridgeOutside, canConsultOutside: opts.pbxCanConsultOutside ?? canBridgeOutside };
  const routes: AnyRoute[] = [
    ...authRoutes(ctx),
    ...agentDeskRoutes(ctx),
    ...agentPhoneRoutes({ ...ctx, webRtc: opts.webRtcPhone }),
    ...callRoutes(ctx),
    ...commandRoutes(ctx),
    ...callbackRoutes(ctx),
    ...roomRoutes(ctx),
    ...indicatorRoutes(ctx),
    ...exportRoutes({ ...ctx, history: (id) => histories.get(id)! }),
    ...agentRoutes(ctx),
    ...lineRoutes(ctx),
    ...configRoutes(ctx),
    ...lrmRoutes(ctx, outside),
    ...outsideCallRoutes(ctx, outside),
    ...consultOutsideRoutes(ctx, outside),
    ...recordingRoutes({ ...ctx, recordings: opts.recordings ?? (() => null) }),
    ...listenInRoutes(ctx, { history: (id) => histories.get(id)!, canListenIn: opts.pbxCanListenIn ?? true }),
    ...trunkRoutes({ ...ctx, trunks: (id) => opts.trunks?.(id) ?? ownTrunks.get(id) ?? null }),
    ...dependencyRoutes(ctx, { ...opts, history: (id) => histories.get(id)! }),
    ...operatorReportRoutes({
      ...ctx,
      history: (id) => histories.get(id)!,
      // Kept in Redis when the process has one, else for the process's life (in-memory sites).
      reports:
        opts.operatorReports ??
        (limiterRedis ? new RedisOperatorReportStore(limiterRedis) : new MemoryOperatorReportStore()),
    }),
  ];
  const openapi = buildOpenApi(
    routes,
    { version: VERSION },
    // The live feed's messages, documented from the schemas they are tested against.
    { SupervisorSnapshot: siteSnapshotSchema, SupervisorDelta: siteDeltaSchema },
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(requestLog(opts.logger));
  mountHealth(app, opts.readiness ?? {}, opts.standby ? { standby: opts.standby } : {});
  app.get('/metrics', metricsGate(opts.metricsToken), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const v1 = express.Router();
  v1.use((_req: Request, res: Response, next: NextFunction) => {
    // Answers carry tokens and callers' data: never cached by a browser or a proxy.
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  v1.use(express.json({ limit: '1mb' }));
  v1.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  v1.get('/docs', (_req, res) => {
    res.set({ 'Content-Security-Policy': DOCS_CSP, 'X-Frame-Options': 'DENY' });
    res.type('html').send(DOCS_PAGE);
  });
  for (const r of routes) mountRoute(v1, r, tokens);
  v1.use((req: Request) => {
    throw new Problem(
      404,
      'no-such-route',
      'Not found',
      fr_en(
        `Aucune route ${req.method} ${req.originalUrl.split('?')[0]} : voir /api/v1/docs`,
        `no route ${req.method} ${req.originalUrl.split('?')[0]}: see /api/v1/docs`,
      ),
    );
  });
  v1.use(problemHandler(opts.logger));
  app.use('/api/v1', v1);

  let realtime: Realtime | null = null;
  return {
    app,
    routes,
    primed,
    openapi,
    attach(httpServer) {
      if (realtime) throw new Error('createApi: attach() was already called');
      realtime = attachRealtime(httpServer, {
        feeds,
        tokens,
        logger: opts.logger,
        clock,
        ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
        ...(opts.supervisorIntervalMs !== undefined
          ? { supervisorIntervalMs: opts.supervisorIntervalMs }
          : {}),
        ...(opts.publishes ? { publishes: opts.publishes } : {}),
        ...(opts.seatGraceMs !== undefined ? { seatGraceMs: opts.seatGraceMs } : {}),
      });
      return realtime;
    },
    async close() {
      await realtime?.close();
      for (const f of feeds.values()) f.close();
      for (const m of memoryHistories) m.close();
      limiterRedis?.disconnect();
      for (const t of ownTrunks.values()) t.close();
    },
  };
}

/** /metrics for the scraper only: its bearer token, or (no token set) a direct loopback request. */
function metricsGate(token: string | undefined) {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req: Request, res: Response, next: NextFunction) => {
    let refusal: Problem | null = null;
    if (expected) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected))
        refusal = unauthenticated(
          'metrics-token',
          'Jeton de métriques absent ou faux : en-tête « Authorization: Bearer <METRICS_TOKEN> »',
          'missing or wrong metrics token: send "Authorization: Bearer <METRICS_TOKEN>"',
        );
    } else {
      const peer = req.socket.remoteAddress ?? '';
      const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
      const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
      if (!loopback || proxied)
        refusal = forbidden(
          'metrics-loopback-only',
          'Métriques réservées à la machine locale : définissez METRICS_TOKEN pour les lire à distance',
          '/metrics answers loopback only: set METRICS_TOKEN to scrape it from elsewhere',
        );
    }
    if (!refusal) return next();
    res
      .status(refusal.status)
      .set(refusal.headers)
      .type('application/problem+json')
      .send(JSON.stringify(refusal.body('/metrics')));
  };
}

/** One line per request: method, path, status, duration and user; never the body or the query. */
function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'http',
      );
    });
    next();
  };
}

function problemHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem: Problem;
    if (err instanceof Problem) problem = err;
    else if (isBodyError(err) && err.type === 'entity.parse.failed')
      problem = new Problem(
        400,
        'malformed-json',
        'Malformed JSON',
        fr_en(
          'Corps JSON illisible : vérifiez la syntaxe',
          'the JSON body cannot be parsed: check its syntax',
        ),
        [{ field: 'body', message: 'malformed JSON' }],
      );
    else if (isBodyError(err) && err.type === 'entity.too.large')
      problem = new Problem(
        413,
        'body-too-large',
        'Body too large',
        fr_en('Corps trop volumineux (1 Mo max.)', 'body too large (1 MB max)'),
      );
    else if (clientError(err) !== null) problem = clientProblem(err as ClientError);
    else {
      logger.error(
        {
          err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
          path: req.originalUrl.split('?')[0],
        },
        'request failed',
      );
      problem = new Problem(
        500,
        'internal-error',
        'Internal error',
        fr_en(
          'Erreur interne : vérifiez l’état (la commande a pu aboutir) puis réessayez, ou prévenez l’exploitation',
          'internal error: check the state (the command may have gone through), then retry, or tell operations',
        ),
      );
    }
    if (problem.status >= 400 && problem.status < 500)
      logger.info(
        { status: problem.status, reason: problem.reason, path: req.originalUrl.split('?')[0] },
        'request refused',
      );
    res
      .status(problem.status)
      .set(problem.headers)
      .type('application/problem+json')
      .send(JSON.stringify(problem.body(req.originalUrl.split('?')[0])));
  };
}

type ClientError = { status: number; type?: string; message?: string };

/** The 4xx status of an error the HTTP layer raised about the request itself (body-parser, router). */
function clientError(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : null;
}

/**
 * The request was wrong before any route ran: an unsupported charset or Content-Encoding (415),
 * a broken %-escape in the URL (400, from the router's URIError), a body cut short. A clear 4xx
 * rather than "internal error", and nothing changed.
 */
function clientProblem(err: ClientError): Problem {
  if (err.type === 'charset.unsupported')
    return new Problem(
      415,
      'unsupported-charset',
      'Unsupported charset',
      fr_en(
        'Jeu de caractères non pris en charge : envoyez le JSON en UTF-8',
        'unsupported charset: send the JSON body in UTF-8',
      ),
      [{ field: 'headers.content-type', message: 'charset must be utf-8' }],
    );
  if (err.type === 'encoding.unsupported')
    return new Problem(
      415,
      'unsupported-encoding',
      'Unsupported content encoding',
      fr_en(
        'Content-Encoding non pris en charge : envoyez le corps tel quel, ou en gzip, deflate ou br',
        'unsupported Content-Encoding: send the body as is, or as gzip, deflate or br',
      ),
      [{ field: 'headers.content-encoding', message: 'expected identity, gzip, deflate or br' }],
    );
  if (err instanceof URIError)
    return new Problem(
      400,
      'malformed-url',
      'Malformed URL',
      fr_en(
        'Adresse mal formée : un échappement « % » est invalide',
        'malformed URL: a "%" escape is invalid',
      ),
      [{ field: 'url', message: 'invalid percent-encoding' }],
    );
  return new Problem(
    err.status,
    'bad-request',
    'Bad request',
    fr_en(
      `Requête illisible (${err.type ?? 'http'}) : vérifiez les en-têtes et le corps`,
      `unreadable request (${err.type ?? 'http'}): check the headers and the body`,
    ),
  );
}

function isBodyError(err: unknown): err is { type: string } {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}
