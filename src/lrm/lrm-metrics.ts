// The LRM link's figures on /metrics, one set per process: with several sites in one process
// (src/app/serve-sites.ts) every site's LrmLink reports into the same counters, labelled by site,
// and the jobs gauge collects every site's queue (a metric name is registered once per registry).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { within } from '../ports/failure.js';
import { COUNTS_BOUND_MS } from './lrm-health.js';

/** The states a link's counts give (src/lrm/lrm-webhooks.ts, counts()). */
const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** What the jobs gauge reads from each site's link. */
export type LrmJobCounts = { siteId: string; counts(): Promise<Record<string, number>> };

export class LrmMetrics {
  readonly deliveries = new Counter({
    name: 'sas_acd_lrm_webhook_deliveries_total',
    help: 'Webhooks to the LRM and Hub Santé delivered, or given up after their last attempt, by this process',
    labelNames: ['site', 'target', 'result'] as const,
    registers: [],
  });
  readonly lag = new Histogram({
    name: 'sas_acd_lrm_webhook_lag_seconds',
    help: 'From the event being queued to its delivery (retries and per-call order included)',
    labelNames: ['site', 'target'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
    registers: [],
  });
  private readonly links = new Set<LrmJobCounts>();
  private readonly jobs: Gauge<'site' | 'state'>;

  constructor() {
    const links = this.links;
    // A site's counts still on their way (Redis away: BullMQ's client queues the command and never
    // gives up): the next scrape waits for the same one instead of queuing another.
    const pending = new Map<LrmJobCounts, Promise<Record<string, number>>>();
    const countsOf = (link: LrmJobCounts) => {
      let p = pending.get(link);
      if (!p) {
        p = link.counts().finally(() => pending.delete(link));
        pending.set(link, p);
      }
      return p;
    };
    this.jobs = new Gauge({
      name: 'sas_acd_lrm_webhook_jobs',
      help: 'Webhook jobs of the site by state (waiting, delayed = retrying or waiting their turn, failed = given up); absent while Redis does not answer',
      labelNames: ['site', 'state'] as const,
      registers: [],
      async collect() {
        await Promise.all(
          [...links].map(async (link) => {
            // Bounded as the console's dependencies route (./lrm-health.ts): a scrape never hangs.
            const counts = await within(countsOf(link), COUNTS_BOUND_MS, 'LRM backlog counts').catch(
              () => null,
            );
            // Unknown: the site's series go (Prometheus marks them stale) rather than last figures
            // that would read as live; sas_acd_redis_round_trip_seconds says -1 meanwhile.
            if (!counts) {
              for (const state of JOB_STATES) this.remove({ site: link.siteId, state });
              return;
            }
            for (const [state, n] of Object.entries(counts)) this.set({ site: link.siteId, state }, n);
          }),
        );
      },
    });
  }

  /** A site's link: its queue counted by the jobs gauge until it is removed. */
  add(link: LrmJobCounts): () => void {
    this.links.add(link);
    return () => this.links.delete(link);
  }

  register(registry: Registry): void {
    registry.registerMetric(this.deliveries);
    registry.registerMetric(this.lag);
    registry.registerMetric(this.jobs);
  }
}
