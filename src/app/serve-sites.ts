// `sas-acd serve` with several sites (`--config a.json --config b.json`): one process of a fleet
// (src/shell/site-fleet.ts). It runs a SiteShell for every site, so its API and Socket.IO feeds
// serve every site (/sites/{s}/…), writes the sites the rendezvous hashing gives it, and for each
// site it leads holds that site's PBX link (src/app/site-pbx.ts; on Asterisk, the site's own Stasis
// application, ARI_APP with {site}, default `sasacd-{site}`; on FreeSWITCH, the site's own
// drachtio-server and FreeSWITCH: src/app/sites-pbx-settings.ts). Several processes started with the
// same sites share them; when one dies its sites are led again by the others within seconds, and the
// calls in progress are taken over (docs/store.md, "Several ACD processes").
import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import type { Logger } from '../ports/logger.js';
import { SiteFleet } from '../shell/site-fleet.js';
import { connectRedis } from '../store/redis-connection.js';
import { PbxHandOver } from './pbx-handover.js';
import { startAcdServer, type AcdServer } from './acd-server.js';
import { parsePbxSettings, type PbxSettings } from './pbx.js';
import { TelephonyFixes } from './pbx-reconciliation.js';
import { loadUsers, parseServeSettings, type ServeInput, type ServeSettings } from './serve.js';
import { otherLeaderInRedis, SitePbx } from './site-pbx.js';
import { parseSitesPbx, siteFreeswitchEnv } from './sites-pbx-settings.js';
import { LrmLink } from '../lrm/lrm-link.js';
import { LrmMetrics } from '../lrm/lrm-metrics.js';
import { parseLrmSettings, type LrmSettings } from '../lrm/lrm-settings.js';
import { recordingAvailableEvent } from '../lrm/recording-event.js';
import { publishLrmEvent } from '../realtime/lrm-feed.js';
import type { RecordingAvailable } from '../telephony/ari/call-recording.js';
import type { RefusedCall } from '../telephony/ari/trunk-refusal.js';
import { TrunkStats } from '../observability/trunk-stats.js';
import { DependencyHealth, sitesDependencyHealth } from '../observability/dependency-health.js';
import { fsProbe } from '../observability/freeswitch-round-trip.js';
import { callRef } from '../lrm/call-ref.js';
import { recordingRetentionDays } from '../core/recording-config.js';
import { startServeRecordings, type ServeRecordings } from './serve-recordings.js';

/** The Stasis application of each site when ARI_APP is not set. */
export const DEFAULT_SITE_APP = 'sasacd-{site}';
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type SitesSettings = Omit<ServeSettings, 'config' | 'lrm'> & {
  configs: SiteConfig[];
  /** Each site's PBX: its own Stasis application on Asterisk, its own drachtio-server and FreeSWITCH on FreeSWITCH. */
  pbxOf: Record<string, PbxSettings>;
  /** Each site's LRM link (docs/lrm.md; `{site}` in the HUB_SANTE_* names filled); none when absent. */
  lrm?: Record<string, LrmSettings>;
  /** FLEET_NAME: processes serving the same sites share it (default `acd`). */
  fleet: string;
  /** FLEET_PROCESS_ID: this process's name in the fleet and in the sites' leases (default: host:pid:random). */
  processId?: string;
};

export type ParsedSitesSettings = { ok: true; settings: SitesSettings } | { ok: false; errors: string[] };

/** The settings of a process serving several sites; every problem named, as for one site. */
export function parseSitesSettings(
  input: Omit<ServeInput, 'configFile'> & { configFiles: string[] },
): ParsedSitesSettings {
  const [first] = input.configFiles;
  const kind = input.pbx ?? input.env.PBX ?? 'asterisk';
  // Every file read here for the list of sites; the first one's problems are parseServeSettings's.
  const configs: SiteConfig[] = [];
  const fileErrors: string[] = [];
  for (const [i, file] of input.configFiles.entries()) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      if (i > 0)
        fileErrors.push(`--config (${file}): cannot read a JSON document: ${(err as Error).message}`);
      continue;
    }
    const parsed = parseSiteConfig(raw);
    if (parsed.ok) configs.push(parsed.config);
    else if (i > 0) for (const e of parsed.errors) fileErrors.push(`--config (${file}): ${e}`);
  }
  const env = { ...input.env, ARI_APP: input.env.ARI_APP || DEFAULT_SITE_APP };
  // The LRM settings are read per site below (a `{site}` template is not a valid value by itself),
  // and so are the PBX's (each site's own drachtio-server and FreeSWITCH: src/app/sites-pbx-settings.ts).
  const baseEnv =
    kind === 'freeswitch' && configs[0] ? siteFreeswitchEnv(env, configs[0].id, 0) : withoutLrm(env);
  const base = parseServeSettings({ ...input, configFile: first, env: withoutLrm(baseEnv) });
  // The PBX's problems are named per site below (parseSitesPbx), not once more for the first.
  const firstPbx: string[] = [];
  parsePbxSettings(withoutLrm(baseEnv), input.pbx, firstPbx);
  const errors = base.ok ? [] : base.errors.filter((e) => !firstPbx.includes(e));
  errors.push(...fileErrors);
  const ids = new Set<string>();
  for (const c of configs) {
    if (ids.has(c.id)) errors.push(`--config: site "${c.id}" is given twice`);
    ids.add(c.id);
  }
  // (The first site's agents are checked by parseServeSettings.)
  if (base.ok)
    base.settings.users.forEach((u, i) => {
      for (const config of configs.slice(1))
        if (u.agentId && u.sites.includes(config.id) && !config.agents.some((a) => a.id === u.agentId))
          errors.push(
            `--users (${input.usersFile}): ${i}.agentId: unknown agent "${u.agentId}" of site ${config.id}`,
          );
    });
  if (kind === 'asterisk' && input.env.ARI_APP && !input.env.ARI_APP.includes('{site}'))
    errors.push(
      `ARI_APP: with several sites, a template with {site} (e.g. ${DEFAULT_SITE_APP}): each site has its own Stasis application`,
    );
  const pbxOf = parseSitesPbx(env, kind, configs, errors);
  const lrm = sitesLrm(input.env, configs, errors);
  const fleet = input.env.FLEET_NAME || 'acd';
  if (!NAME.test(fleet)) errors.push('FLEET_NAME: 1-64 letters, digits, "_" or "-"');
  const processId = input.env.FLEET_PROCESS_ID;
  if (processId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(processId))
    errors.push('FLEET_PROCESS_ID: 1-128 printable characters, no space');
  if (!base.ok || !pbxOf || errors.length > 0) return { ok: false, errors };
  const { config: _config, lrm: _lrm, ...rest } = base.settings;
  return {
    ok: true,
    settings: {
      ...rest,
      configs,
      pbxOf,
      fleet,
      ...(processId ? { processId } : {}),
      ...(lrm ? { lrm } : {}),
    },
  };
}

const LRM_VARS = /^(LRM_WEBHOOK_|HUB_SANTE_)/;
const withoutLrm = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !LRM_VARS.test(k)));

/** Each site's LRM settings: the same endpoints, `{site}` in HUB_SANTE_* filled with the site's id. */
function sitesLrm(
  env: NodeJS.ProcessEnv,
  configs: SiteConfig[],
  errors: string[],
): Record<string, LrmSettings> | undefined {
  if (!env.LRM_WEBHOOK_URL && !env.HUB_SANTE_URL) return undefined;
  const out: Record<string, LrmSettings> = {};
  const seen = new Set(errors);
  for (const { id } of configs) {
    const siteEnv = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, k.startsWith('HUB_SANTE_') ? v?.replaceAll('{site}', id) : v]),
    );
    const siteErrors: string[] = [];
    const settings = parseLrmSettings(siteEnv, siteErrors);
    for (const e of siteErrors) {
      const text = env.HUB_SANTE_ORGANIZATION?.includes('{site}') ? `${e} (site ${id})` : e;
      if (!seen.has(text)) errors.push(text);
      seen.add(text);
    }
    if (settings) out[id] = settings;
  }
  return out;
}

export type ServingSites = {
  url: string;
  fleet: SiteFleet;
  acd: AcdServer;
  /** The PBX link of a site (connected while this process leads it). */
  pbx(siteId: string): SitePbx | undefined;
  /** A site's recordings index and retention job (Asterisk only; docs/recording.md). */
  recordings(siteId: string): ServeRecordings | undefined;
  /** Graceful: out of the fleet first, the sites handed over, then the PBX links closed. */
  stop(): Promise<void>;
};

export async function startServeSites(settings: SitesSettings, logger: Logger): Promise<ServingSites> {
  const fixes = new TelephonyFixes();
  // A recording stored on the PBX (the leader's link reports it): to the LRM's webhooks and feed.
  const recordingSinks: ((siteId: string, r: RecordingAvailable) => void)[] = [];
  // Each site's trunk statistics (docs/trunks.md): refusals reported by its leader's PBX link.
  const trunksOf = new Map<string, TrunkStats>();
  const pbxOf = new Map(
    settings.configs.map((config) => [
      config.id,
      new SitePbx({
        config,
        pbx: settings.pbxOf[config.id]!,
        logger: logger.child({ site: config.id }),
        fixes,
        holdingBridgeTag: config.id,
        onRecording: (r: RecordingAvailable) => {
          for (const sink of recordingSinks) sink(config.id, r);
        },
        onRefused: (r: RefusedCall) => {
          logger.warn(
            { site: config.id, line: r.line, reason: r.reason },
            'call refused before distribution',
          );
          void trunksOf
            .get(config.id)
            ?.refused(r)
            .catch((err: Error) =>
              logger.error({ site: config.id, err: err.message }, 'refusal not counted'),
            );
        },
        ...(settings.reconcileEveryMs !== undefined ? { reconcileEveryMs: settings.reconcileEveryMs } : {}),
        ...(settings.pbxRelink ? { relink: settings.pbxRelink } : {}),
        // Each site reads only its own fallback records: on FreeSWITCH its own server's; on one
        // Asterisk its own AstDB family, named after its Stasis application (fallbackFamily).
        ...(settings.fallbackPollMs !== undefined ? { fallbackPollMs: settings.fallbackPollMs } : {}),
      }),
    ]),
  );
  const fleet = await SiteFleet.start({
    configs: settings.configs,
    redis: settings.redisUrl,
    logger,
    fleet: settings.fleet,
    ...(settings.processId ? { processId: settings.processId } : {}),
    store: { archive: true, ...(settings.replicas ? { replicas: settings.replicas } : {}) },
    outbox: true,
    effectsFor: (site) => pbxOf.get(site)!.effects,
    onEventsFor: (site) => pbxOf.get(site)!.ended.record,
    onRoleChange: (site, role, epoch) => {
      logger.info({ site, role, epoch }, 'site role');
      pbxOf.get(site)!.roleChanged(role, epoch);
    },
  });
  for (const [id, shell] of fleet.sites) pbxOf.get(id)!.started(shell);
  // One LRM link per site, in every process following it, leader or not, as with one site (serve.ts):
  // the jobs' ids are the events' idempotency keys, so the processes queue nothing twice, and any
  // process's worker delivers. Each site's queue under its own hash-tag prefix; metrics per process.
  const lrmMetrics = new LrmMetrics();
  const lrmLinks = new Map<string, LrmLink>();
  for (const [id, shell] of fleet.sites) {
    const lrm = settings.lrm?.[id];
    if (lrm)
      lrmLinks.set(
        id,
        new LrmLink({
          site: shell,
          redis: settings.redisUrl,
          logger: logger.child({ site: id }),
          metrics: lrmMetrics,
          ...lrm,
        }),
      );
  }
  // Each site's recordings index and retention job, as with one site (src/app/serve-recordings.ts;
  // Asterisk only): the index written when the site's leader reports a recording stored; the
  // retention job taken by whichever process's worker is free.
  const recordingsOf = new Map<string, ServeRecordings>();
  for (const [id, shell] of fleet.sites) {
    const recordings = await startServeRecordings({
      siteId: id,
      redis: settings.redisUrl,
      pbx: settings.pbxOf[id]!,
      retentionDays: () => recordingRetentionDays(shell.state.data.config),
      ...(settings.recordingRetentionEveryMs ? { everyMs: settings.recordingRetentionEveryMs } : {}),
      logger: logger.child({ site: id }),
    });
    if (recordings) recordingsOf.set(id, recordings);
  }
  recordingSinks.push(
    (site, r) =>
      void recordingsOf
        .get(site)
        ?.stored(r, callRef(site, r.callId))
        .catch((err: Error) =>
          logger.error({ site, callId: r.callId, err: err.message }, 'recording not indexed'),
        ),
  );
  recordingSinks.push((site, r) => lrmLinks.get(site)?.recordingAvailable(r));

  const ping = connectRedis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  ping.on('error', () => undefined);
  for (const [id, shell] of fleet.sites) trunksOf.set(id, new TrunkStats(shell, ping));
  // FreeSWITCH: each site's graceful hand-over through Redis (src/app/pbx-handover.ts).
  for (const [id, p] of pbxOf) p.handOverVia(new PbxHandOver(ping, id));
  // A caller heard only by a site's link whose lead lapsed goes to that site's next leader
  // (src/app/site-pbx.ts); the fleet's process id is this process's lease holder name.
  for (const [id, p] of pbxOf) p.otherLeaderWith(otherLeaderInRedis(ping, id, fleet.processId));
  const roundTrip = async () => {
    const started = performance.now();
    await ping.ping();
    return performance.now() - started;
  };
  const pbxs = [...pbxOf.values()];
  // Each site's PBX round trip and recording storage (docs/dependencies.md), as with one site.
  const depsOf = sitesDependencyHealth(settings.pbxOf, settings.dependencies, (id) =>
    fsProbe(
      () => fleet.sites.get(id)?.role === 'leader',
      () => pbxOf.get(id)?.current,
    ),
  );
  for (const [id, link] of lrmLinks) depsOf.get(id)?.watchLrm(link);
  const acd = await startAcdServer({
    port: settings.port,
    host: settings.host,
    sites: new Map(fleet.sites),
    users: await loadUsers(settings.users, logger),
    logger,
    jwtSecret: settings.jwtSecret,
    redisUrl: settings.redisUrl,
    // Every site this process leads has its PBX link (a process leading none needs none).
    telephonyConnected: () => pbxs.every((p) => p.ready),
    telephonyFixes: () => fixes.counts,
    redisRoundTripMs: roundTrip,
    readiness: {
      redis: async () => (await roundTrip()) >= 0,
      telephony: () => pbxs.every((p) => p.ready),
      writer: () => [...fleet.sites.values()].every((s) => s.role !== 'stopped'),
    },
    // Leading none of its sites (no lease, no PBX link): 503 `standby` (docs/api.md).
    standby: () => [...fleet.sites.values()].every((s) => s.role !== 'leader'),
    // Each site's supervisor deltas and agent feeds are published by its writer's process only.
    publishes: (site) => fleet.sites.get(site)?.role === 'leader',
    // Each site's adapter (ARI or drachtio, with its own outbound URI) keeps a caller with an outside
    // leg alone and runs a consultative outside transfer, as with one site (serve.ts).
    pbxCanBridgeOutside: true,
    pbxCanConsultOutside: true,
    web: { siteId: settings.configs[0]!.id, virtualPhoneUrl: null },
    extraMetrics: [
      (registry: Registry) => TrunkStats.registerMetrics(registry, [...trunksOf.values()]),
      ...(lrmLinks.size > 0 ? [(registry: Registry) => lrmMetrics.register(registry)] : []),
      (registry: Registry) => DependencyHealth.registerMetrics(registry, [...depsOf.values()]),
    ],
    trunks: (id: string) => trunksOf.get(id) ?? null,
    dependencies: (id: string) => depsOf.get(id) ?? null,
    ...(settings.dependencies?.minAnswerRate !== undefined
      ? { minAnswerRate: settings.dependencies.minAnswerRate }
      : {}),
    recordings: (id: string) => recordingsOf.get(id)?.site ?? null,
  });
  // `recording.available` on the /lrm feed too (relayed to every process by the Redis adapter).
  recordingSinks.push((site, r) => publishLrmEvent(acd.realtime.io, recordingAvailableEvent(site, r)));
  logger.info(
    { url: acd.url, sites: settings.configs.map((c) => c.id), proc: fleet.processId },
    'sas-acd serving several sites',
  );
  return {
    url: acd.url,
    fleet,
    acd,
    pbx: (site) => pbxOf.get(site),
    recordings: (site) => recordingsOf.get(site),
    async stop() {
      // With another process in the fleet, each site's PBX link is kept until its next leader's
      // replaces it: no call falls to the dialplan fallback during the hand-over.
      const successor = fleet.members.some((m) => m !== fleet.processId);
      await Promise.all(pbxs.map((p) => p.leaving(successor)));
      await acd.close();
      await Promise.all([...lrmLinks.values()].map((l) => l.close()));
      await Promise.all([...recordingsOf.values()].map((r) => r.close()));
      for (const t of trunksOf.values()) t.close();
      await fleet.leave(); // hands the sites over: their next writers are already polling
      await Promise.all([...fleet.sites.values()].map((s) => s.settled()));
      await Promise.all(pbxs.map((p) => p.stop()));
      ping.disconnect();
    },
  };
}
