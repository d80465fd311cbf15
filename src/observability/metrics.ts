// Prometheus metrics (prom-client) on a registry of our own: the room's live figures read from
// each site's state at scrape time (no bookkeeping on the hot path), the engine's decision latency
// as seen by the API, telephony connection state and Redis round-trip from the callbacks given.
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SiteFeed } from '../realtime/site-feed.js';
import { queueViews } from '../read-models/views.js';
import { presenceCounts } from '../core/alarms.js';
import { presenceRules } from '../core/presence.js';
import { answerRateToday } from './answer-rate.js';

type PresenceCount = ReturnType<typeof presenceCounts>[number];

export type MetricsOptions = {
  feeds: Map<string, SiteFeed>;
  clock: () => number;
  /** True while the telephony adapter is connected (ARI WebSocket up). */
  telephonyConnected?: () => boolean;
  /** Disagreements with the PBX healed so far, by kind (periodic reconciliation). */
  telephonyFixes?: () => ReadonlyMap<string, number>;
  /** Measures one Redis round-trip (PING) in milliseconds. */
  redisRoundTripMs?: () => Promise<number>;
  /** Process metrics (CPU, memory, event loop lag); off in tests that build many APIs. */
  processMetrics?: boolean;
};

export type Metrics = {
  registry: Registry;
  observeDecision: (command: string, seconds: number) => void;
};

export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'sas_acd_' });
  const sites = () => [...opts.feeds.values()];

  new Gauge({
    name: 'sas_acd_calls_waiting',
    help: 'Calls waiting in each queue (not ringing an agent)',
    labelNames: ['site', 'queue'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of sites())
        for (const q of queueViews(f.site.state)) this.set({ site: f.site.siteId, queue: q.id }, q.waiting);
    },
  });
  new Gauge({
    name: 'sas_acd_oldest_wait_seconds',
    help: 'Wait of the longest-waiting call in each queue, since it entered the queue (0 when none)',
    labelNames: ['site', 'queue'],
    registers: [registry],
    collect() {
      this.reset();
      const now = opts.clock();
      for (const f of sites())
        for (const q of queueViews(f.site.state))
          this.set(
            { site: f.site.siteId, queue: q.id },
            q.oldestWaitingSince === null ? 0 : Math.max(0, (now - q.oldestWaitingSince) / 1000),
          );
    },
  });
  new Gauge({
    name: 'sas_acd_qs30_ratio',
    help: 'QS 30 s: share of first answers within 30 s of arrival, rolling window (absent when no answer)',
    labelNames: ['site', 'window'],
    registers: [registry],
    collect() {
      this.reset();
      const now = opts.clock();
      for (const f of sites()) {
        const qs = f.qs30(now);
        for (const [window, v] of [
          ['15m', qs.last15min],
          ['1h', qs.lastHour],
          ['today', qs.today],
        ] as const)
          if (v !== null) this.set({ site: f.site.siteId, window }, v);
      }
    },
  });
  new Gauge({
    name: 'sas_acd_agents',
    help: 'Agents by state',
    labelNames: ['site', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of sites()) {
        const counts = new Map<string, number>();
        for (const a of Object.values(f.site.state.data.agents))
          counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
        for (const s of ['logged-out', 'available', 'offered', 'on-call', 'wrap-up', 'paused'])
          this.set({ site: f.site.siteId, status: s }, counts.get(s) ?? 0);
      }
    },
  });
  new Gauge({
    name: 'sas_acd_alarms',
    help: 'Alarms raised and not cleared',
    labelNames: ['site'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of sites())
        this.set({ site: f.site.siteId }, Object.keys(f.site.state.data.alarms).length);
    },
  });
  // Minimum presence (src/core/presence.ts, defaults from annex 1 II.b): agents counted for each
  // rule, its minimum, and whether its alarm is raised now.
  const presence = (set: (site: string, rule: string, role: string, p: PresenceCount) => void) => {
    const now = opts.clock();
    for (const f of sites())
      for (const p of presenceCounts(f.site.state, now)) set(f.site.siteId, p.rule.id, p.rule.role, p);
  };
  new Gauge({
    name: 'sas_acd_presence_agents',
    help: 'Agents logged in that count for each minimum-presence rule',
    labelNames: ['site', 'rule', 'role'],
    registers: [registry],
    collect() {
      this.reset();
      presence((site, rule, role, p) => this.set({ site, rule, role }, p.present));
    },
  });
  new Gauge({
    name: 'sas_acd_presence_minimum',
    help: 'Minimum of each presence rule (0 outside the hours the rule applies)',
    labelNames: ['site', 'rule', 'role'],
    registers: [registry],
    collect() {
      this.reset();
      presence((site, rule, role, p) => this.set({ site, rule, role }, p.required ? p.rule.minimum : 0));
    },
  });
  new Gauge({
    name: 'sas_acd_presence_alarm',
    help: '1 while the presence alarm of the rule is raised, else 0',
    labelNames: ['site', 'rule', 'role'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of sites())
        for (const r of presenceRules(f.site.state.data.config))
          this.set(
            { site: f.site.siteId, rule: r.id, role: r.role },
            f.site.state.data.alarms[`presence:${r.id}`] ? 1 : 0,
          );
    },
  });
  // The answer rate today (site time), and its two terms so Prometheus can draw the trend over any
  // range (sum of answered / sum of presented); no rate before the day's first call.
  new Gauge({
    name: 'sas_acd_answer_rate_today',
    help: 'Calls answered / calls presented to the platform today (site time); absent before the first call',
    labelNames: ['site', 'figure'],
    registers: [registry],
    collect() {
      this.reset();
      for (const f of sites()) {
        const t = answerRateToday(f.indicators, opts.clock());
        const site = f.site.siteId;
        this.set({ site, figure: 'presented' }, t.presented);
        this.set({ site, figure: 'answered' }, t.answered);
        if (t.rate !== null) this.set({ site, figure: 'rate' }, t.rate);
      }
    },
  });
  const decision = new Histogram({
    name: 'sas_acd_decision_latency_seconds',
    help: 'Time from a command sent by the API to the engine decision returned (in-process or through the store)',
    labelNames: ['command'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  if (opts.telephonyConnected) {
    const connected = opts.telephonyConnected;
    new Gauge({
      name: 'sas_acd_telephony_connected',
      help: '1 when the telephony adapter is connected to the PBX, else 0',
      registers: [registry],
      collect() {
        this.set(connected() ? 1 : 0);
      },
    });
  }
  if (opts.telephonyFixes) {
    const fixes = opts.telephonyFixes;
    new Gauge({
      name: 'sas_acd_telephony_fixes_total',
      help: 'Disagreements between the PBX and the engine healed by the periodic reconciliation, by kind (a missed event each)',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, count] of fixes()) this.set({ kind }, count);
      },
    });
  }
  if (opts.redisRoundTripMs) {
    const ping = opts.redisRoundTripMs;
    new Gauge({
      name: 'sas_acd_redis_round_trip_seconds',
      help: 'One Redis PING round-trip, measured at scrape time (-1 when Redis does not answer)',
      registers: [registry],
      async collect() {
        try {
          this.set((await ping()) / 1000);
        } catch {
          this.set(-1);
        }
      },
    });
  }
  return {
    registry,
    observeDecision: (command, seconds) => decision.observe({ command }, seconds),
  };
}
