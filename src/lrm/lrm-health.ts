// The LRM endpoint's health for the console (docs/dependencies.md): what this process saw of its
// deliveries (the last one, its lag, the last failed attempt and why) and the site's backlog from
// Redis (events waiting, calls waiting for a retry, events given up). A process sees only the
// deliveries its own workers made; the backlog is the whole site's.
import { failureOf, within, type FailureCode } from '../ports/failure.js';
import type { WebhookDelivery } from './lrm-webhooks.js';

export type LrmHealth = {
  /** False while the last attempt failed and nothing was delivered since, or a retry is pending. */
  ok: boolean;
  /** Events queued and not delivered yet (null: Redis did not answer). */
  waiting: number | null;
  /** Calls whose next event waits for a retry (null: Redis did not answer). */
  retrying: number | null;
  /** Events given up after their last attempt, the last 7 days (null: Redis did not answer). */
  givenUp: number | null;
  lastDeliveredAt: number | null;
  /** From the event being queued to its delivery, for the last one delivered (ms). */
  lastLagMs: number | null;
  lastErrorAt: number | null;
  /** The technical detail, with the target (for the engineer). */
  lastError: string | null;
  lastErrorCode: FailureCode | null;
};

/**
 * The backlog's counts wait at most this long: BullMQ's client queues commands while Redis is away
 * (it never gives up), and the console's request must answer anyway (Redis has its own row).
 */
export const COUNTS_BOUND_MS = 2_000;

export class LrmHealthTracker {
  private deliveredAt: number | null = null;
  private lagMs: number | null = null;
  private error: { at: number; detail: string; code: FailureCode } | null = null;

  /** `now`: the site's clock for the times shown (the lag is measured on the queue's own, real, clock). */
  constructor(private readonly now: () => number = Date.now) {}

  delivered(d: WebhookDelivery): void {
    this.deliveredAt = this.now();
    this.lagMs = d.queuedAt === null ? null : Math.max(0, Date.now() - d.queuedAt);
  }

  /** An attempt failed (retried later, or given up). */
  attemptFailed(d: WebhookDelivery, err: Error): void {
    const f = failureOf(err);
    // The webhooks say "<target> answered HTTP <status> to <url>" for a refused answer.
    const status = Number(/answered HTTP (\d{3})/.exec(err.message)?.[1] ?? 0);
    const code: FailureCode = status ? (status === 401 || status === 403 ? 'auth' : 'http') : f.code;
    this.error = { at: this.now(), detail: `${d.target}: ${f.detail}`, code };
  }

  async health(counts: () => Promise<Record<string, number>>): Promise<LrmHealth> {
    const c = await within(counts(), COUNTS_BOUND_MS, 'LRM backlog counts').catch(() => null);
    const failing = this.error !== null && (this.deliveredAt ?? 0) <= this.error.at;
    return {
      ok: !failing && (c?.delayed ?? 0) === 0,
      waiting: c ? (c.waiting ?? 0) : null,
      retrying: c ? (c.delayed ?? 0) : null,
      givenUp: c ? (c.failed ?? 0) : null,
      lastDeliveredAt: this.deliveredAt,
      lastLagMs: this.lagMs,
      lastErrorAt: this.error?.at ?? null,
      lastError: this.error?.detail ?? null,
      lastErrorCode: this.error?.code ?? null,
    };
  }
}
