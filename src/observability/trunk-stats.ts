// Trunk occupancy and calls refused before distribution (annex 2 condition 5; docs/trunks.md).
// Occupancy: the site's live inbound calls per line (every call the PBX handed to the ACD holds a
// trunk channel until it ends) against the line's channels in the configuration (`trunks`). The
// peak is kept per 15-minute interval. Refused calls: reported by the PBX adapter (the dialplan's
// trunk check, src/telephony/ari/trunk-refusal.ts), counted per line and per day (site time) in
// Redis, so every process and a restarted one show the same figure (an in-memory site without
// Redis counts in the process):
//   sas:{<site>}:trunk:refused:<YYYY-MM-DD>  hash  line -> calls refused that day (kept 40 days)
import { DateTime } from 'luxon';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SiteHandle } from '../ports/site-handle.js';
import { assertSiteId } from '../store/keys.js';
import type { RedisClient } from '../store/redis-connection.js';
import type { RefusedCall } from '../telephony/ari/trunk-refusal.js';

const INTERVAL_MS = 15 * 60_000;
const KEEP_SECONDS = 40 * 24 * 3600;

export type TrunkLine = {
  line: string;
  label: string | null;
  /** Channels of the line's trunk; null when the configuration gives none. */
  channels: number | null;
  busy: number;
  /** busy / channels, 0 to 1; null without channels. */
  occupancy: number | null;
  /** Highest `busy` in the current 15-minute interval. */
  peak15: number;
  refusedToday: number;
};

/** One per process, labelled by site: the sites of a process share it (registered once per registry). */
const refusedCounter = new Counter({
  name: 'sas_acd_calls_refused_total',
  help: 'Calls refused before distribution (trunk full), as reported to this process by the PBX',
  labelNames: ['site', 'line', 'reason'] as const,
  registers: [],
});

export class TrunkStats {
  private readonly peaks = new Map<string, { slot: number; peak: number }>();
  /** Without Redis: day key -> line -> count. */
  private readonly memory = new Map<string, Record<string, string>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly site: SiteHandle,
    private readonly redis: RedisClient | null,
    private readonly clock: () => number = Date.now,
  ) {
    assertSiteId(site.siteId);
    this.unsubscribe = site.onEvents(() => this.sample());
  }

  private key(at: number): string {
    const zone = this.site.state.data.config.calendar.timeZone;
    return `sas:{${this.site.siteId}}:trunk:refused:${DateTime.fromMillis(at, { zone }).toISODate()}`;
  }

  /** Live inbound calls per line. */
  private busy(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of Object.values(this.site.state.data.calls))
      if (c.direction === 'inbound') out.set(c.line, (out.get(c.line) ?? 0) + 1);
    return out;
  }

  private sample(): void {
    const slot = Math.floor(this.clock() / INTERVAL_MS);
    const busy = this.busy();
    for (const l of this.site.state.data.config.lines) {
      const n = busy.get(l.id) ?? 0;
      const p = this.peaks.get(l.id);
      if (!p || p.slot !== slot) this.peaks.set(l.id, { slot, peak: n });
      else if (n > p.peak) p.peak = n;
    }
  }

  /** A call the PBX refused: counted once (the adapter reports each refused channel once). */
  async refused(r: RefusedCall): Promise<void> {
    refusedCounter.inc({ site: this.site.siteId, line: r.line, reason: r.reason });
    const key = this.key(r.at);
    if (!this.redis) {
      const day = this.memory.get(key) ?? {};
      day[r.line] = String(Number(day[r.line] ?? 0) + 1);
      this.memory.set(key, day);
      return;
    }
    await this.redis.multi().hincrby(key, r.line, 1).expire(key, KEEP_SECONDS).exec();
  }

  async lines(): Promise<TrunkLine[]> {
    this.sample();
    const config = this.site.state.data.config;
    const key = this.key(this.clock());
    const refused = this.redis ? await this.redis.hgetall(key) : (this.memory.get(key) ?? {});
    const busy = this.busy();
    const slot = Math.floor(this.clock() / INTERVAL_MS);
    return config.lines.map((l) => {
      const channels = config.trunks?.[l.id]?.channels ?? null;
      const n = busy.get(l.id) ?? 0;
      const p = this.peaks.get(l.id);
      return {
        line: l.id,
        label: l.label ?? null,
        channels,
        busy: n,
        occupancy: channels ? Math.min(1, n / channels) : null,
        peak15: p && p.slot === slot ? p.peak : n,
        refusedToday: Number(refused[l.id] ?? 0),
      };
    });
  }

  /** On /metrics: channels, busy, occupancy, 15-minute peak per line; refused calls. */
  registerMetrics(registry: Registry): void {
    TrunkStats.registerMetrics(registry, [this]);
  }

  /** The same metrics for several sites of one process, each metric registered once (labelled by site). */
  static registerMetrics(registry: Registry, all: TrunkStats[]): void {
    registry.registerMetric(refusedCounter);
    const gauge = (name: string, help: string, pick: (l: TrunkLine) => number | null) =>
      registry.registerMetric(
        new Gauge({
          name,
          help,
          labelNames: ['site', 'line'] as const,
          registers: [],
          async collect() {
            for (const stats of all)
              for (const l of (await stats.lines().catch(() => null)) ?? []) {
                const v = pick(l);
                if (v !== null) this.set({ site: stats.site.siteId, line: l.line }, v);
              }
          },
        }),
      );
    gauge('sas_acd_trunk_channels', 'Trunk channels of the line (site configuration)', (l) => l.channels);
    gauge('sas_acd_trunk_channels_busy', 'Trunk channels held by live calls of the line', (l) => l.busy);
    gauge(
      'sas_acd_trunk_occupancy_ratio',
      'Busy channels over the line’s channels (1 = full)',
      (l) => l.occupancy,
    );
    gauge(
      'sas_acd_trunk_channels_peak',
      'Highest busy channels in the current 15-minute interval',
      (l) => l.peak15,
    );
    gauge(
      'sas_acd_calls_refused_today',
      'Calls refused before distribution today (site time), all processes',
      (l) => l.refusedToday,
    );
  }

  close(): void {
    this.unsubscribe();
  }
}
