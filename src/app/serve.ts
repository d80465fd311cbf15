// `sas-acd serve`: the ACD process of a deployment. One site whose state lives in Redis (a
// SiteShell on Redis: writer when it holds the lease, standby read model otherwise), the PBX adapter
// (ARI or drachtio, src/app/pbx.ts) whose effects only the leader carries out, and the HTTP server
// (API, live feeds over the Socket.IO Redis adapter, web UI). Settings are read and checked whole
// before anything starts: every bad field is named, so an operator fixes them in one go.
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InMemoryUserStore, USER_ROLES } from '../auth/index.js';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import { startAcdServer, type AcdServer } from './acd-server.js';
import { parsePbxSettings, type PbxAdapter, type PbxSettings } from './pbx.js';
import { TelephonyFixes } from './pbx-reconciliation.js';
import { parseFallbackPollMs } from './fallback-counting.js';
import { RECONCILE_EVERY_MS } from '../telephony/ari/reconcile.js';
import { otherLeaderInRedis, SitePbx } from './site-pbx.js';
import { joinServePeers } from './serve-peers.js';
import { PbxHandOver } from './pbx-handover.js';
import { parsePbxRelink, type PbxRelink } from './pbx-relink.js';
import type { Logger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import {
  connectRedis,
  redisTargetFromEnv,
  replicaWaitFromEnv,
  type RedisTarget,
} from '../store/redis-connection.js';
import { LrmLink } from '../lrm/lrm-link.js';
import { callRef } from '../lrm/call-ref.js';
import { recordingRetentionDays } from '../core/recording-config.js';
import { recordingAvailableEvent } from '../lrm/recording-event.js';
import { publishLrmEvent } from '../realtime/lrm-feed.js';
import { startServeRecordings, type ServeRecordings } from './serve-recordings.js';
import type { Registry } from 'prom-client';
import { TrunkStats } from '../observability/trunk-stats.js';
import type { RecordingAvailable } from '../telephony/ari/call-recording.js';
import { parseLrmSettings, type LrmSettings } from '../lrm/lrm-settings.js';
import type { WebRtcPhoneSettings } from '../api/routers/agent-phone.js';
import { parseWebRtcSettings } from './webrtc-settings.js';
import {
  dependencyHealthFor,
  parseDependencySettings,
  type DependencySettings,
} from '../observability/dependency-health.js';
import { fsProbe } from '../observability/freeswitch-round-trip.js';

export type ServeSettings = {
  config: SiteConfig;
  users: UserEntry[];
  port: number;
  host: string;
  /** REDIS_URL, REDIS_CLUSTER or REDIS_SENTINEL (src/store/redis-connection.ts). */
  redisUrl: RedisTarget;
  /** REDIS_WAIT_REPLICAS: answer a command once this many replicas have its events. */
  replicas?: { count: number; timeoutMs: number };
  /** Asterisk (ARI) or FreeSWITCH (drachtio): src/app/pbx.ts. */
  pbx: PbxSettings;
  jwtSecret: string;
  /** Webhooks to the LRM and the Hub Santé gateway (docs/lrm.md); none when absent. */
  lrm?: LrmSettings;
  /** Periodic reconciliation with the PBX, ms apart (env RECONCILE_EVERY_MS; 0: off). */
  reconcileEveryMs?: number;
  /** A lost PBX link's new client and connection backoff (PBX_RELINK_AFTER_MS, PBX_RETRY_MS, PBX_RETRY_MAX_MS). */
  pbxRelink?: PbxRelink;
  /** Reading of the dialplan fallback's records, ms apart (env FALLBACK_POLL_MS; 0: off). */
  fallbackPollMs?: number;
  /** The agents' WebRTC phone (SIP_WS_URL, SIP_DOMAIN, SIP_PASSWORDS_FILE); the desk phone when absent. */
  webRtcPhone?: WebRtcPhoneSettings;
  /** How often the recording retention job runs, ms (env RECORDING_RETENTION_EVERY_MS; default 1 h). */
  recordingRetentionEveryMs?: number;
  /** RECORDING_STORAGE_DIR, RECORDING_STORAGE_MIN_FREE, ANSWER_RATE_MIN (docs/dependencies.md). */
  dependencies?: DependencySettings;
};

/**
 * One user of the users file. `passwordHash` is what `sas-acd users hash` prints (scrypt);
 * `password` (plain text) is accepted for development only and logged as a warning.
 */
const userEntry = z
  .object({
    username: z.string().min(1),
    id: z.string().min(1).optional(),
    displayName: z.string().min(1).optional(),
    roles: z.array(z.enum(USER_ROLES)).min(1),
    sites: z.array(z.string().min(1)).min(1),
    agentId: z.string().min(1).nullable().optional(),
    passwordHash: z
      .string()
      .regex(
        /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/,
        'not a hash made by `sas-acd users hash`',
      )
      .optional(),
    password: z.string().min(1).optional(),
  })
  .strict()
  .refine((u) => (u.passwordHash === undefined) !== (u.password === undefined), {
    message: 'give exactly one of "passwordHash" and "password"',
  });
export type UserEntry = z.infer<typeof userEntry>;
const usersFile = z.array(userEntry).min(1);

export type ServeInput = {
  configFile: string | undefined;
  usersFile: string | undefined;
  port: string | number | undefined;
  host: string | undefined;
  /** --pbx; PBX from the environment otherwise, asterisk by default. */
  pbx?: string | undefined;
  env: NodeJS.ProcessEnv;
};

export type ParsedSettings = { ok: true; settings: ServeSettings } | { ok: false; errors: string[] };

function readJson(file: string, label: string, errors: string[]): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    errors.push(`${label} (${file}): cannot read a JSON document: ${(err as Error).message}`);
    return undefined;
  }
}

/** Checks every setting; the errors name each bad field (file fields by their path). */
export function parseServeSettings(input: ServeInput): ParsedSettings {
  const errors: string[] = [];
  const env = input.env;
  let config: SiteConfig | undefined;
  if (!input.configFile) errors.push('--config: required (the site configuration, JSON)');
  else {
    const raw = readJson(input.configFile, '--config', errors);
    if (raw !== undefined) {
      const parsed = parseSiteConfig(raw);
      if (parsed.ok) config = parsed.config;
      else for (const e of parsed.errors) errors.push(`--config (${input.configFile}): ${e}`);
    }
  }
  let users: UserEntry[] = [];
  if (!input.usersFile) errors.push('--users: required (the users file, JSON; see docs/store.md)');
  else {
    const raw = readJson(input.usersFile, '--users', errors);
    if (raw !== undefined) {
      const parsed = usersFile.safeParse(raw);
      if (parsed.success) {
        users = parsed.data;
        const seen = new Set<string>();
        users.forEach((u, i) => {
          if (seen.has(u.username))
            errors.push(`--users (${input.usersFile}): ${i}.username: "${u.username}" appears twice`);
          seen.add(u.username);
          // (Several sites: src/app/serve-sites.ts checks each user against the sites it names.)
          if (
            config &&
            u.agentId &&
            u.sites.includes(config.id) &&
            !config.agents.some((a) => a.id === u.agentId)
          )
            errors.push(`--users (${input.usersFile}): ${i}.agentId: unknown agent "${u.agentId}"`);
        });
      } else
        for (const issue of parsed.error.issues)
          errors.push(`--users (${input.usersFile}): ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
  }
  const port = Number(input.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) errors.push('--port: an integer from 0 to 65535');
  const host = input.host ?? '127.0.0.1';
  const redis = redisTargetFromEnv(env);
  if (!redis.ok) errors.push(...redis.errors);
  const wait = replicaWaitFromEnv(env);
  if (!wait.ok) errors.push(...wait.errors);
  const pbx = parsePbxSettings(env, input.pbx, errors);
  const jwtSecret = env.JWT_SECRET ?? '';
  if (jwtSecret.length < 32) errors.push('JWT_SECRET: required, at least 32 characters');
  const level = env.LOG_LEVEL;
  if (level && !['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level))
    errors.push('LOG_LEVEL: one of fatal, error, warn, info, debug, trace, silent');
  const lrm = parseLrmSettings(env, errors);
  const webRtcPhone = parseWebRtcSettings(env, errors);
  const reconcileEveryMs = Number(env.RECONCILE_EVERY_MS ?? RECONCILE_EVERY_MS);
  if (
    !Number.isInteger(reconcileEveryMs) ||
    reconcileEveryMs < 0 ||
    (reconcileEveryMs > 0 && reconcileEveryMs < 200)
  )
    errors.push('RECONCILE_EVERY_MS: 0 (off) or an integer of at least 200 (ms)');
  const fallbackPollMs = parseFallbackPollMs(env, errors);
  const pbxRelink = parsePbxRelink(env, errors);
  const dependencies = parseDependencySettings(env, errors);
  const retentionEvery = Number(env.RECORDING_RETENTION_EVERY_MS ?? 3600_000);
  if (!Number.isInteger(retentionEvery) || retentionEvery < 1000)
    errors.push('RECORDING_RETENTION_EVERY_MS: an integer of at least 1000 (ms)');
  if (errors.length > 0 || !config || !redis.ok || !wait.ok || !pbx) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      config,
      users,
      port,
      host,
      redisUrl: redis.target,
      ...(wait.replicas ? { replicas: wait.replicas } : {}),
      pbx,
      jwtSecret,
      ...(lrm ? { lrm } : {}),
      reconcileEveryMs,
      fallbackPollMs,
      pbxRelink,
      ...(webRtcPhone ? { webRtcPhone } : {}),
      recordingRetentionEveryMs: retentionEvery,
      dependencies,
    },
  };
}

export async function loadUsers(entries: UserEntry[], logger: Logger): Promise<InMemoryUserStore> {
  const store = new InMemoryUserStore();
  for (const entry of entries) {
    const user = await store.add({
      id: entry.id ?? `u-${entry.username}`,
      username: entry.username,
      roles: entry.roles,
      sites: entry.sites,
      agentId: entry.agentId ?? null,
      ...(entry.displayName ? { displayName: entry.displayName } : {}),
      ...(entry.password !== undefined ? { password: entry.password } : {}),
    });
    if (entry.passwordHash) user.passwordHash = entry.passwordHash;
    else logger.warn({ username: entry.username }, 'plain-text password in the users file: development only');
  }
  return store;
}

export type Serving = {
  url: string;
  site: SiteShell;
  /** The PBX connection: held by the leader only (null on a standby). */
  adapter(): PbxAdapter | null;
  acd: AcdServer;
  /** Call recordings' index and retention (Asterisk only; docs/recording.md). */
  recordings: ServeRecordings | null;
  stop(): Promise<void>;
};

export async function startServe(settings: ServeSettings, logger: Logger): Promise<Serving> {
  const { config } = settings;
  // Call recording (docs/recording.md): the site's live switch, a file named after the call's
  // public reference, `recording.available` to the LRM once the PBX has stored it (Asterisk;
  // FreeSWITCH with RECORDINGS_DIR).
  const recordingSinks: ((r: RecordingAvailable) => void)[] = [];
  const fixes = new TelephonyFixes();
  let trunkStats: TrunkStats | null = null;
  // The PBX link's life cycle (src/app/site-pbx.ts, shared with serve for several sites): only the
  // leader connects to the Stasis application, the calls in progress are taken over at each lead
  // and reconnection, and effects without a link wait in the outbox.
  const pbx = new SitePbx({
    config,
    pbx: settings.pbx,
    logger,
    fixes,
    ...(settings.reconcileEveryMs !== undefined ? { reconcileEveryMs: settings.reconcileEveryMs } : {}),
    ...(settings.fallbackPollMs !== undefined ? { fallbackPollMs: settings.fallbackPollMs } : {}),
    ...(settings.pbxRelink ? { relink: settings.pbxRelink } : {}),
    onRefused: (r) => {
      logger.warn({ line: r.line, reason: r.reason }, 'call refused before distribution');
      void trunkStats
        ?.refused(r)
        .catch((err: Error) => logger.error({ err: err.message }, 'refusal not counted'));
    },
    onRecording: (r) => {
      for (const sink of recordingSinks) sink(r);
    },
  });
  const stored = await SiteShell.start({
    config,
    logger,
    // Called by the leader only, after the events are persisted, once the PBX is taken over; an
    // effect that finds no PBX link stays in the outbox for the next take-over (never dropped).
    effects: pbx.effects,
    outbox: true,
    // History for the monthly exports and call detail records (docs/store.md, "Archive").
    store: {
      redisUrl: settings.redisUrl,
      archive: true,
      ...(settings.replicas ? { replicas: settings.replicas } : {}),
    },
    onEvents: pbx.ended.record,
    onRoleChange: pbx.roleChanged,
  });
  pbx.started(stored);
  const liveConfig = () => stored.state.data.config;
  const lrmLink = settings.lrm
    ? new LrmLink({ site: stored, redis: settings.redisUrl, logger, ...settings.lrm })
    : null;
  // The recordings' index, read through ARI, purged by the retention job (docs/recording.md).
  const recordings = await startServeRecordings({
    siteId: config.id,
    redis: settings.redisUrl,
    pbx: settings.pbx,
    retentionDays: () => recordingRetentionDays(liveConfig()),
    ...(settings.recordingRetentionEveryMs ? { everyMs: settings.recordingRetentionEveryMs } : {}),
    logger,
  });
  if (recordings)
    recordingSinks.push(
      (r) =>
        void recordings
          .stored(r, callRef(config.id, r.callId))
          .catch((err: Error) =>
            logger.error({ callId: r.callId, err: err.message }, 'recording not indexed'),
          ),
    );
  if (lrmLink) recordingSinks.push((r) => lrmLink.recordingAvailable(r));

  const ping = connectRedis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  ping.on('error', () => undefined);
  // A caller heard only by a link whose lead lapsed goes to the next leader (src/app/site-pbx.ts).
  const self = `${hostname()}:${process.pid}`; // the lease's default holder (src/store/lease.ts)
  pbx.otherLeaderWith(otherLeaderInRedis(ping, config.id, self));
  // Trunk occupancy and calls refused before distribution (docs/trunks.md).
  const trunks = new TrunkStats(stored, ping);
  trunkStats = trunks;
  // The other processes of the site, if any: a leader leaving hands its PBX link to one of them.
  const peers = await joinServePeers(ping, config.id, logger);
  pbx.handOverVia(new PbxHandOver(ping, config.id));
  const roundTrip = async () => {
    const started = performance.now();
    await ping.ping();
    return performance.now() - started;
  };
  const deps = dependencyHealthFor(
    config.id,
    settings.pbx,
    settings.dependencies,
    fsProbe(
      () => stored.role === 'leader',
      () => pbx.current,
    ),
  );
  if (lrmLink) deps.watchLrm(lrmLink);
  const users = await loadUsers(settings.users, logger);
  const acd = await startAcdServer({
    port: settings.port,
    host: settings.host,
    sites: new Map([[config.id, stored]]),
    users,
    logger,
    jwtSecret: settings.jwtSecret,
    redisUrl: settings.redisUrl,
    telephonyConnected: () => pbx.connected,
    telephonyFixes: () => fixes.counts,
    redisRoundTripMs: roundTrip,
    readiness: {
      redis: async () => (await roundTrip()) >= 0,
      // A standby needs no PBX connection: it serves the API and the live feeds.
      telephony: () => pbx.ready,
      // Leader or standby both serve; a writer stopped on a corrupt stream does not.
      writer: () => stored.role !== 'stopped',
    },
    // Healthy but not leading (no lease, no PBX link): 503 `standby` (docs/api.md).
    standby: () => stored.role !== 'leader',
    publishes: () => stored.role === 'leader',
    // Both adapters keep a caller with an outside leg alone (outside transfer; docs/freeswitch.md).
    pbxCanBridgeOutside: true,
    // Both adapters run a consultative outside transfer (docs/lrm.md, docs/freeswitch.md).
    pbxCanConsultOutside: true,
    extraMetrics: [
      (registry) => trunks.registerMetrics(registry),
      (registry) => deps.registerMetrics(registry),
      ...(lrmLink ? [(registry: Registry) => lrmLink.registerMetrics(registry)] : []),
    ],
    trunks: (id: string) => (id === config.id ? trunks : null),
    dependencies: (id: string) => (id === config.id ? deps : null),
    ...(settings.dependencies?.minAnswerRate !== undefined
      ? { minAnswerRate: settings.dependencies.minAnswerRate }
      : {}),
    ...(settings.webRtcPhone ? { webRtcPhone: settings.webRtcPhone } : {}),
    ...(recordings ? { recordings: (id: string) => (id === config.id ? recordings.site : null) } : {}),
    web: { siteId: config.id, virtualPhoneUrl: null },
  });
  // `recording.available` on the /lrm feed too (relayed to every process by the Redis adapter).
  recordingSinks.push((r) => publishLrmEvent(acd.realtime.io, recordingAvailableEvent(config.id, r)));
  logger.info({ url: acd.url, site: config.id }, 'sas-acd serving');
  return {
    url: acd.url,
    site: stored,
    adapter: () => pbx.current,
    acd,
    recordings,
    async stop() {
      // With a standby, the Stasis application is kept until its client takes it (or 10 s): no
      // call falls to the dialplan fallback during the hand-over (src/app/site-pbx.ts).
      await pbx.leaving(peers.othersAlive());
      await acd.close();
      await lrmLink?.close();
      await recordings?.close();
      trunks.close();
      await peers.leave();
      await stored.stop(); // releases the lease: a standby takes over at once
      await stored.settled();
      await pbx.stop();
      ping.disconnect();
    },
  };
}
