// Signed webhooks to the regulation software (LRM) and, beside them, to a Hub Santé gateway, through
// BullMQ: each event is a job whose id is the event's idempotency key (queued twice, kept once),
// POSTed with `Idempotency-Key` and an HMAC signature (./signature.ts), retried with exponential
// backoff on 5xx, 408, 429 and network errors, reported failed after the last attempt.
// In order per call and per target: a job names the previous job of its call, and waits (a short
// delay that costs no attempt) until that one is delivered or has given up. Calls do not wait for
// each other. The queue lives under the site's BullMQ prefix, so its keys carry the site's hash tag.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { bullConnection, bullPrefix, type RedisTarget } from '../store/jobs/connection.js';
import { sign, SIGNATURE_HEADER } from './signature.js';

export const WEBHOOK_QUEUE = 'lrm-webhooks';
const KEEP_S = 7 * 24 * 3600;

export type WebhookTarget = {
  url: string;
  /** The shared HMAC secret (at least 16 characters). */
  secret: string;
  contentType?: string;
};

export type WebhookJob = {
  target: string;
  /** The event's id: the Idempotency-Key header (the same for every target's copy would clash). */
  key: string;
  /** The event type, sent as `X-Sas-Event`. */
  type: string;
  callId: string;
  /** The id of the previous job of this call to this target, delivered first. */
  prev: string | null;
  /** The exact bytes that are signed and sent. */
  body: string;
};

export type WebhookDelivery = {
  id: string;
  target: string;
  type: string;
  callId: string;
  attempts: number;
  /** When the job was queued (epoch ms). */
  queuedAt: number | null;
};

export type LrmWebhooksOptions = {
  redis: RedisTarget;
  site: string;
  targets: Record<string, WebhookTarget>;
  attempts?: number;
  /** First retry delay; doubles each time. */
  backoffMs?: number;
  timeoutMs?: number;
  /** How long a job waits before looking again at the previous job of its call. */
  orderWaitMs?: number;
  /** Deliveries in parallel (different calls; one call's events are never delivered in parallel). */
  concurrency?: number;
  clock?: () => number;
  onDelivered?: (d: WebhookDelivery) => void;
  onFailed?: (d: WebhookDelivery, error: Error) => void;
};

export class LrmWebhooks {
  private readonly queue: Queue<WebhookJob>;
  private readonly worker: Worker<WebhookJob>;
  /** Per target and call: the last job queued (the next one waits for it). */
  private readonly last = new Map<string, string>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: LrmWebhooksOptions) {
    for (const [name, t] of Object.entries(opts.targets))
      if (!t.secret || t.secret.length < 16)
        throw new Error(`webhook target ${name}: the secret must be at least 16 characters`);
    const common = { connection: bullConnection(opts.redis), prefix: bullPrefix(opts.site) };
    this.queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, common);
    this.worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job, token) => this.process(job, token), {
      ...common,
      concurrency: opts.concurrency ?? 8,
    });
    this.worker.on('completed', (job) => opts.onDelivered?.(this.delivery(job)));
    this.worker.on('failed', (job, error) => {
      if (!job || error instanceof DelayedError) return;
      if (job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError)
        opts.onFailed?.(this.delivery(job), error);
    });
    this.worker.on('error', () => undefined); // connection errors: BullMQ reconnects
  }

  /**
   * Queues one event for a target. Calls are queued in the order of `send` (one after the other),
   * so a call's events keep the engine's order. `last` tells that the call has no more events.
   */
  send(
    target: string,
    event: { id: string; type: string; callId: string },
    body: unknown,
    last = false,
  ): Promise<void> {
    if (!this.opts.targets[target]) return Promise.resolve();
    const key = `${target}\u0000${event.callId}`;
    const prev = this.last.get(key) ?? null;
    if (last) this.last.delete(key);
    else this.last.set(key, `${target}-${event.id}`);
    const job: WebhookJob = {
      target,
      key: event.id,
      type: event.type,
      callId: event.callId,
      prev,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    };
    const added = this.tail.then(() =>
      this.queue.add(event.type, job, {
        jobId: `${target}-${event.id}`,
        attempts: this.opts.attempts ?? 10,
        backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 1_000 },
        removeOnComplete: { age: KEEP_S },
        removeOnFail: { age: KEEP_S },
      }),
    );
    this.tail = added.catch(() => undefined);
    return added.then(() => undefined);
  }

  /** Waiting, delayed (retrying), failed… counts, for /metrics and the console. */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
  }

  async state(target: string, eventId: string): Promise<string> {
    return this.queue.getJobState(`${target}-${eventId}`);
  }

  private delivery(job: Job<WebhookJob>): WebhookDelivery {
    return {
      id: job.id!,
      target: job.data.target,
      type: job.data.type,
      callId: job.data.callId,
      attempts: job.attemptsMade,
      queuedAt: job.timestamp ?? null,
    };
  }

  private async process(job: Job<WebhookJob>, token?: string): Promise<void> {
    if (job.data.prev) {
      const before = await this.queue.getJobState(job.data.prev);
      // completed, failed for good, or gone (purged): nothing left to wait for.
      if (before !== 'completed' && before !== 'failed' && before !== 'unknown') {
        await job.moveToDelayed((this.opts.clock ?? Date.now)() + (this.opts.orderWaitMs ?? 100), token);
        throw new DelayedError();
      }
    }
    const target = this.opts.targets[job.data.target];
    if (!target) throw new UnrecoverableError(`no webhook target ${job.data.target} in this process`);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': target.contentType ?? 'application/json',
        'idempotency-key': job.data.key,
        'x-sas-event': job.data.type,
        'x-sas-attempt': String(job.attemptsMade + 1),
        [SIGNATURE_HEADER]: sign(target.secret, job.data.body, (this.opts.clock ?? Date.now)()),
      },
      body: job.data.body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
    });
    await response.body?.cancel();
    if (response.ok) return;
    const message = `${job.data.target} answered HTTP ${response.status} to ${target.url}`;
    // A request the receiver will never accept is not retried; overload and server errors are.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw retryable ? new Error(message) : new UnrecoverableError(message);
  }

  async close(): Promise<void> {
    await this.tail;
    await this.worker.close();
    await this.queue.close();
  }
}
