// The ACD's side of the link with the regulation software (LRM): every call event the LRM cares
// about (./lrm-events.ts) goes out as a signed webhook, in order per call, through BullMQ
// (./lrm-webhooks.ts); and the call-arrived notification also goes out in the Hub Santé model
// (./hub-sante.ts) to a second endpoint when one is configured. Every process that follows the
// site may run one: the jobs' ids are the events' idempotency keys, so a second process queues
// nothing twice.
import type { Registry } from 'prom-client';
import type { Logger } from '../ports/logger.js';
import type { SiteHandle } from '../ports/site-handle.js';
import type { RedisTarget } from '../store/jobs/connection.js';
import { rcEdaCallArrived, type HubSanteOptions } from './hub-sante.js';
import { lrmEvents } from './lrm-events.js';
import { LrmHealthTracker, type LrmHealth } from './lrm-health.js';
import { LrmMetrics } from './lrm-metrics.js';
import { recordingAvailableEvent, type RecordingReport } from './recording-event.js';
import { LrmWebhooks, type LrmWebhooksOptions, type WebhookTarget } from './lrm-webhooks.js';

export type LrmLinkOptions = {
  site: SiteHandle;
  redis: RedisTarget;
  logger: Logger;
  /** The LRM's webhook endpoint. */
  webhook?: WebhookTarget;
  /** The Hub Santé gateway (RC-EDA on call arrival). */
  hub?: WebhookTarget & Omit<HubSanteOptions, 'timeZone'>;
  /** Shared by every site of the process (serve with several sites); one of its own when absent. */
  metrics?: LrmMetrics;
  /** The site's clock, for the times the console shows (GET …/dependencies); Date.now when absent. */
  clock?: () => number;
  tuning?: Pick<LrmWebhooksOptions, 'attempts' | 'backoffMs' | 'timeoutMs' | 'lockMs' | 'concurrency'>;
};

export class LrmLink {
  readonly webhooks: LrmWebhooks;
  private readonly unsubscribe: () => void;
  /** The process's LRM figures (shared by the sites of a process; the link's own otherwise). */
  readonly metrics: LrmMetrics;
  private readonly uncount: () => void;
  private readonly tracker: LrmHealthTracker;

  constructor(private readonly opts: LrmLinkOptions) {
    const metrics = (this.metrics = opts.metrics ?? new LrmMetrics());
    this.tracker = new LrmHealthTracker(opts.clock);
    const targets: Record<string, WebhookTarget> = {};
    if (opts.webhook) targets.lrm = opts.webhook;
    if (opts.hub)
      targets.hub = { url: opts.hub.url, secret: opts.hub.secret, contentType: 'application/json' };
    this.webhooks = new LrmWebhooks({
      redis: opts.redis,
      site: opts.site.siteId,
      targets,
      ...opts.tuning,
      logger: opts.logger,
      onDelivered: (d) => {
        this.tracker.delivered(d);
        const site = opts.site.siteId;
        metrics.deliveries.inc({ site, target: d.target, result: 'delivered' });
        if (d.queuedAt !== null)
          metrics.lag.observe({ site, target: d.target }, (Date.now() - d.queuedAt) / 1000);
      },
      onRetry: (d, error) => this.tracker.attemptFailed(d, error),
      onFailed: (d, error) => {
        this.tracker.attemptFailed(d, error);
        metrics.deliveries.inc({ site: opts.site.siteId, target: d.target, result: 'given-up' });
        opts.logger.error(
          { target: d.target, event: d.type, callId: d.callId, attempts: d.attempts, err: error.message },
          'LRM webhook given up',
        );
      },
    });
    const webhooks = this.webhooks;
    this.uncount = metrics.add({ siteId: opts.site.siteId, counts: () => webhooks.counts() });
    this.unsubscribe = opts.site.onEvents((events, state) => {
      for (const e of lrmEvents(opts.site.siteId, events)) {
        const sends = [this.webhooks.send('lrm', e, e)];
        if (opts.hub && e.type === 'call.arrived') {
          const hub = { ...opts.hub, timeZone: state.data.config.calendar.timeZone };
          sends.push(this.webhooks.send('hub', { ...e, id: `${e.id}-rc-eda` }, rcEdaCallArrived(e, hub)));
        }
        for (const s of sends)
          s.catch((err: Error) =>
            opts.logger.error(
              { event: e.type, callId: e.callId, err: err.message },
              'LRM webhook not queued',
            ),
          );
      }
    });
  }

  /**
   * A call's recording is stored on the PBX (telephony reports it as the call ends): sent as
   * `recording.available`, after the call's events queued so far.
   */
  recordingAvailable(r: RecordingReport): void {
    const e = recordingAvailableEvent(this.opts.site.siteId, r);
    this.webhooks
      .send('lrm', e, e)
      .catch((err: Error) =>
        this.opts.logger.error(
          { event: e.type, callId: e.callId, err: err.message },
          'LRM webhook not queued',
        ),
      );
  }

  /** The LRM endpoint's health for the console (GET …/dependencies). */
  health(): Promise<LrmHealth> {
    return this.tracker.health(() => this.webhooks.counts());
  }

  /**
   * The link's figures on /metrics: deliveries, delivery lag, and the queue's backlog by state. With
   * shared metrics, once per process (every site's link reports into them).
   */
  registerMetrics(registry: Registry): void {
    this.metrics.register(registry);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.uncount();
    await this.webhooks.close();
  }
}
