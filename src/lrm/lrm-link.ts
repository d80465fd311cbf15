// The ACD's side of the link with the regulation software (LRM): every call event the LRM cares
// about (./lrm-events.ts) goes out as a signed webhook, in order per call, through BullMQ
// (./lrm-webhooks.ts); and the call-arrived notification also goes out in the Hub Santé model
// (./hub-sante.ts) to a second endpoint when one is configured. Every process that follows the
// site may run one: the jobs' ids are the events' idempotency keys, so a second process queues
// nothing twice.
import type { Logger } from '../ports/logger.js';
import type { SiteHandle } from '../ports/site-handle.js';
import type { RedisTarget } from '../store/jobs/connection.js';
import { rcEdaCallArrived, type HubSanteOptions } from './hub-sante.js';
import { lrmEvents } from './lrm-events.js';
import { LrmWebhooks, type LrmWebhooksOptions, type WebhookTarget } from './lrm-webhooks.js';

export type LrmLinkOptions = {
  site: SiteHandle;
  redis: RedisTarget;
  logger: Logger;
  /** The LRM's webhook endpoint. */
  webhook?: WebhookTarget;
  /** The Hub Santé gateway (RC-EDA on call arrival). */
  hub?: WebhookTarget & Omit<HubSanteOptions, 'timeZone'>;
  tuning?: Pick<LrmWebhooksOptions, 'attempts' | 'backoffMs' | 'timeoutMs' | 'orderWaitMs' | 'concurrency'>;
};

export class LrmLink {
  readonly webhooks: LrmWebhooks;
  private readonly unsubscribe: () => void;
  /** Deliveries that failed for good since start (for /metrics and the console). */
  failed = 0;
  delivered = 0;

  constructor(private readonly opts: LrmLinkOptions) {
    const targets: Record<string, WebhookTarget> = {};
    if (opts.webhook) targets.lrm = opts.webhook;
    if (opts.hub)
      targets.hub = { url: opts.hub.url, secret: opts.hub.secret, contentType: 'application/json' };
    this.webhooks = new LrmWebhooks({
      redis: opts.redis,
      site: opts.site.siteId,
      targets,
      ...opts.tuning,
      onDelivered: () => this.delivered++,
      onFailed: (d, error) => {
        this.failed++;
        opts.logger.error(
          { target: d.target, event: d.type, callId: d.callId, attempts: d.attempts, err: error.message },
          'LRM webhook given up',
        );
      },
    });
    this.unsubscribe = opts.site.onEvents((events, state) => {
      for (const e of lrmEvents(opts.site.siteId, events)) {
        const last = e.type === 'call.ended';
        const sends = [this.webhooks.send('lrm', e, e, last)];
        if (opts.hub && e.type === 'call.arrived') {
          const hub = { ...opts.hub, timeZone: state.data.config.calendar.timeZone };
          sends.push(
            this.webhooks.send('hub', { ...e, id: `${e.id}-rc-eda` }, rcEdaCallArrived(e, hub), true),
          );
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

  async close(): Promise<void> {
    this.unsubscribe();
    await this.webhooks.close();
  }
}
