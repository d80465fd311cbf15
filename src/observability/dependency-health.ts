// Health of a site's dependencies beside readiness (annex 2 condition 5; docs/dependencies.md):
// the PBX's request round trip (ARI GET /asterisk/ping; FreeSWITCH: `api status` on the event
// socket, ./freeswitch-round-trip.ts), the free space on the
// recording storage (statfs of a directory on that storage), and the answer rate (answered /
// presented to the platform) today. On /metrics and, for supervisors, GET /sites/{s}/dependencies
// (src/api/routers/dependencies.ts), which adds the answer rate per day over weeks from the history.
// Measured when asked (a scrape, a request), never on the call path.
import { statfs } from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';
import type { LrmHealth } from '../lrm/lrm-health.js';
import { failureOf, HttpStatusError, type FailureCode } from '../ports/failure.js';
import { fsRoundTrip, type FsProbe } from './freeswitch-round-trip.js';

/** RECORDING_STORAGE_DIR (a directory on the recording storage) and RECORDING_STORAGE_MIN_FREE. */
export type RecordingStorageSettings = {
  dir: string;
  /** Free share (0 to 1) below which the storage is "low". */
  minFreeRatio: number;
};

/** Default low-space threshold: 10 % free (illustrative; set RECORDING_STORAGE_MIN_FREE). */
export const DEFAULT_MIN_FREE_RATIO = 0.1;

/** What `serve` reads from the environment for the dependencies' health. */
export type DependencySettings = {
  recordingStorage?: RecordingStorageSettings;
  /** ANSWER_RATE_MIN: a day's answer rate below it shows as low (default 0.9, illustrative). */
  minAnswerRate?: number;
};

export function parseDependencySettings(env: NodeJS.ProcessEnv, errors: string[]): DependencySettings {
  const recordingStorage = parseRecordingStorage(env, errors);
  const raw = env.ANSWER_RATE_MIN;
  const min = Number(raw);
  if (raw !== undefined && !(raw.trim() !== '' && min >= 0 && min <= 1))
    errors.push('ANSWER_RATE_MIN: a share from 0 to 1 (e.g. 0.9 for 90 %)');
  return {
    ...(recordingStorage ? { recordingStorage } : {}),
    ...(raw !== undefined ? { minAnswerRate: min } : {}),
  };
}

/**
 * A site's dependencies as `serve` measures them: ARI's ping on Asterisk, `api status` on
 * FreeSWITCH's event socket through the leader's adapter (`fs`; without it, not measured),
 * RECORDING_STORAGE_DIR, else FreeSWITCH's RECORDINGS_DIR (the files are written there).
 */
export function dependencyHealthFor(
  siteId: string,
  pbx:
    | { kind: 'asterisk'; ari: { url: string; user: string; password: string; restTimeoutMs?: number } }
    | { kind: 'freeswitch'; recordingsDir?: string },
  settings: DependencySettings = {},
  fs?: FsProbe,
): DependencyHealth {
  const storage =
    settings.recordingStorage ??
    (pbx.kind === 'freeswitch' && pbx.recordingsDir
      ? { dir: pbx.recordingsDir, minFreeRatio: DEFAULT_MIN_FREE_RATIO }
      : undefined);
  return new DependencyHealth({
    siteId,
    pbxKind: pbx.kind,
    ...(pbx.kind === 'asterisk' ? { pbxRoundTripMs: ariRoundTrip(pbx.ari) } : {}),
    ...(pbx.kind === 'freeswitch' && fs ? { fs } : {}),
    ...(storage ? { storage } : {}),
  });
}

/**
 * Each site's dependencies in a process serving several sites: its own PBX settings (on FreeSWITCH
 * its own RECORDINGS_DIR and event socket), `{site}` in RECORDING_STORAGE_DIR filled with the site's id.
 */
export function sitesDependencyHealth(
  pbxOf: Record<string, Parameters<typeof dependencyHealthFor>[1]>,
  settings: DependencySettings = {},
  fsOf: (siteId: string) => FsProbe | undefined = () => undefined,
): Map<string, DependencyHealth> {
  const storage = settings.recordingStorage;
  return new Map(
    Object.entries(pbxOf).map(([id, pbx]) => [
      id,
      dependencyHealthFor(
        id,
        pbx,
        {
          ...settings,
          ...(storage ? { recordingStorage: { ...storage, dir: storage.dir.replaceAll('{site}', id) } } : {}),
        },
        fsOf(id),
      ),
    ]),
  );
}

export function parseRecordingStorage(
  env: NodeJS.ProcessEnv,
  errors: string[],
): RecordingStorageSettings | undefined {
  const dir = env.RECORDING_STORAGE_DIR;
  const raw = env.RECORDING_STORAGE_MIN_FREE;
  const minFreeRatio = raw === undefined ? DEFAULT_MIN_FREE_RATIO : Number(raw);
  if (raw !== undefined && !(raw.trim() !== '' && minFreeRatio >= 0 && minFreeRatio < 1))
    errors.push('RECORDING_STORAGE_MIN_FREE: a share of free space from 0 to 1 (e.g. 0.1 for 10 %)');
  if (dir === undefined) return undefined;
  if (!dir.startsWith('/')) {
    errors.push('RECORDING_STORAGE_DIR: an absolute path (a directory on the recording storage)');
    return undefined;
  }
  return { dir, minFreeRatio };
}

export type PbxHealth = {
  /** Null when the server does not say (no dependencies known for the site). */
  kind: 'asterisk' | 'freeswitch' | null;
  /** False when this process has nothing to measure (a standby on FreeSWITCH). */
  measured: boolean;
  ok: boolean;
  roundTripMs: number | null;
  /** The technical detail (for the engineer: the server log, a title in the console). */
  error: string | null;
  /** Why, as a code the console words in French (src/ports/failure.ts). */
  errorCode: FailureCode | null;
  /** FreeSWITCH: whether drachtio-server is connected (null: Asterisk, or no link held here). */
  drachtioConnected: boolean | null;
  /** FreeSWITCH: this process does not lead the site, so it holds no PBX link (not a failure). */
  standby: boolean;
};

/** When nothing is known of the site's PBX here. */
export const PBX_UNKNOWN: PbxHealth = {
  kind: null,
  measured: false,
  ok: true,
  roundTripMs: null,
  error: null,
  errorCode: null,
  drachtioConnected: null,
  standby: false,
};

export type StorageHealth = {
  dir: string;
  ok: boolean;
  /** Below the threshold. */
  low: boolean;
  freeBytes: number | null;
  totalBytes: number | null;
  freeRatio: number | null;
  minFreeRatio: number;
  error: string | null;
};

/** One ARI request round trip (GET /ari/asterisk/ping), in ms; throws when the PBX does not answer. */
export function ariRoundTrip(ari: { url: string; user: string; password: string; restTimeoutMs?: number }) {
  const url = `${ari.url.replace(/\/+$/, '')}/ari/asterisk/ping`;
  const authorization = `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}`;
  return async (): Promise<number> => {
    const started = performance.now();
    const res = await fetch(url, {
      headers: { authorization },
      signal: AbortSignal.timeout(ari.restTimeoutMs ?? 5_000),
    });
    await res.body?.cancel();
    if (!res.ok) throw new HttpStatusError(`ARI answered HTTP ${res.status}`, res.status);
    return performance.now() - started;
  };
}

export class DependencyHealth {
  constructor(
    private readonly o: {
      siteId: string;
      pbxKind?: 'asterisk' | 'freeswitch';
      /** One PBX request round trip in ms (Asterisk). */
      pbxRoundTripMs?: () => Promise<number>;
      /** FreeSWITCH: the leader's adapter, measured through its event socket. */
      fs?: FsProbe;
      storage?: RecordingStorageSettings;
    },
  ) {}

  private lrmSource: (() => Promise<LrmHealth>) | null = null;

  async pbx(): Promise<PbxHealth> {
    const base = { ...PBX_UNKNOWN, kind: this.o.pbxKind ?? null };
    const fs = this.o.fs;
    if (fs && !fs.leads()) return { ...base, standby: true };
    let roundTrip = this.o.pbxRoundTripMs;
    if (fs) {
      const link = fs.link();
      if (link) {
        base.drachtioConnected = link.links.drachtio;
        roundTrip = () => fsRoundTrip(link);
      } else
        roundTrip = () => {
          const err = new Error('no link to FreeSWITCH yet (the adapter is being connected)');
          return Promise.reject(Object.assign(err, { code: 'ESL_DOWN' }));
        };
    }
    if (!roundTrip) return base;
    try {
      const ms = await roundTrip();
      return { ...base, measured: true, roundTripMs: Math.round(ms * 10) / 10 };
    } catch (err) {
      const f = failureOf(err);
      return { ...base, measured: true, ok: false, error: f.detail, errorCode: f.code };
    }
  }

  /** The site's LRM link, when it has one (serve: `watchLrm(link)` once the link is made). */
  watchLrm(link: { health(): Promise<LrmHealth> }): void {
    this.lrmSource = () => link.health();
  }

  /** Null when the site has no LRM link. */
  async lrm(): Promise<LrmHealth | null> {
    return this.lrmSource ? this.lrmSource() : null;
  }

  /** Null when no recording storage directory is configured. */
  async storage(): Promise<StorageHealth | null> {
    const s = this.o.storage;
    if (!s) return null;
    try {
      const fs = await statfs(s.dir);
      const freeBytes = fs.bavail * fs.bsize;
      const totalBytes = fs.blocks * fs.bsize;
      const freeRatio = totalBytes > 0 ? freeBytes / totalBytes : 0;
      const low = freeRatio < s.minFreeRatio;
      return {
        dir: s.dir,
        ok: !low,
        low,
        freeBytes,
        totalBytes,
        freeRatio,
        minFreeRatio: s.minFreeRatio,
        error: null,
      };
    } catch (err) {
      // Unreadable (unmounted, removed): as bad as full, since nothing can be written there.
      return {
        dir: s.dir,
        ok: false,
        low: true,
        freeBytes: null,
        totalBytes: null,
        freeRatio: null,
        minFreeRatio: s.minFreeRatio,
        error: (err as NodeJS.ErrnoException).code ?? (err as Error).message,
      };
    }
  }

  /** On /metrics: the PBX round trip, the recording storage's free space and its low flag. */
  registerMetrics(registry: Registry): void {
    DependencyHealth.registerMetrics(registry, [this]);
  }

  get siteId(): string {
    return this.o.siteId;
  }

  /**
   * The same gauges for several sites of one process (src/app/serve-sites.ts): each registered once,
   * labelled by site, each site measured in parallel at scrape time.
   */
  static registerMetrics(registry: Registry, all: DependencyHealth[]): void {
    const pinged = all.filter((d) => d.o.pbxRoundTripMs || d.o.fs);
    let measuring: Promise<PbxHealth[]> | null = null;
    // The two gauges of one scrape share one round trip per site: prom-client starts every
    // collect() in the same tick, so the promise is forgotten once it settles (a cache kept 100 ms
    // longer gave the next scrape a PBX that had stopped answering as still up).
    const measure = () =>
      (measuring ??= Promise.all(pinged.map((d) => d.pbx())).finally(() => {
        measuring = null;
      }));
    if (pinged.length > 0)
      registry.registerMetric(
        new Gauge({
          name: 'sas_acd_pbx_round_trip_seconds',
          help: 'One PBX request round trip (Asterisk: ARI GET /asterisk/ping; FreeSWITCH: api status on the event socket), measured at scrape time (-1 when the PBX does not answer; absent for a standby)',
          labelNames: ['site'] as const,
          registers: [],
          async collect() {
            const hs = await measure();
            // A site this process stopped leading drops its series.
            this.reset();
            hs.forEach((h, i) => {
              if (h.measured)
                this.set({ site: pinged[i]!.siteId }, h.roundTripMs === null ? -1 : h.roundTripMs / 1000);
            });
          },
        }),
      );
    if (pinged.some((d) => d.o.fs))
      registry.registerMetric(
        new Gauge({
          name: 'sas_acd_drachtio_connected',
          help: 'FreeSWITCH: 1 when drachtio-server is connected, else 0 (absent for a standby: no link held)',
          labelNames: ['site'] as const,
          registers: [],
          async collect() {
            const hs = await measure();
            this.reset();
            hs.forEach((h, i) => {
              if (h.drachtioConnected !== null)
                this.set({ site: pinged[i]!.siteId }, h.drachtioConnected ? 1 : 0);
            });
          },
        }),
      );
    const stored = all.filter((d) => d.o.storage);
    if (stored.length === 0) return;
    let last: Promise<(StorageHealth | null)[]> | null = null;
    // The three gauges of one scrape share one statfs per site (forgotten once settled, as above).
    const once = () =>
      (last ??= Promise.all(stored.map((d) => d.storage())).finally(() => {
        last = null;
      }));
    const gauge = (name: string, help: string, pick: (s: StorageHealth) => number) =>
      registry.registerMetric(
        new Gauge({
          name,
          help,
          labelNames: ['site'] as const,
          registers: [],
          async collect() {
            (await once()).forEach((s, i) => {
              if (s) this.set({ site: stored[i]!.siteId }, pick(s));
            });
          },
        }),
      );
    gauge(
      'sas_acd_recording_storage_free_bytes',
      'Free space on the recording storage (RECORDING_STORAGE_DIR), bytes (-1 when unreadable)',
      (s) => s.freeBytes ?? -1,
    );
    gauge(
      'sas_acd_recording_storage_free_ratio',
      'Free share of the recording storage, 0 to 1 (-1 when unreadable)',
      (s) => s.freeRatio ?? -1,
    );
    gauge(
      'sas_acd_recording_storage_low',
      '1 when the recording storage is below its free-space threshold or unreadable, else 0',
      (s) => (s.low ? 1 : 0),
    );
  }
}
