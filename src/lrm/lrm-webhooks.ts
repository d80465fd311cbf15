// Signed webhooks to the regulation software (LRM) and, beside them, to a Hub Santé gateway: each
// event is POSTed with `Idempotency-Key` (the event's id) and an HMAC signature (./signature.ts),
// retried with exponential backoff on 5xx, 408, 429 and network errors, given up after the last
// attempt or at once on any other 4xx.
// In order per call and per target, without a wait between a call's events: the events go into the
// call's backlog in Redis (./webhook-backlog.ts: queued twice, kept once), and a BullMQ job drains
// that backlog, delivering the call's events one after the other in the same worker slot. Each
// event queued adds a job (its id is the event's: queued by two processes, one job); a job that
// finds its call already being drained by another ends at once, since that drain will deliver its
// event too. A failed attempt moves the drain to BullMQ's delayed set for the backoff, holding the
// call, so calls do not wait for each other. A drain whose process dies stalls; BullMQ hands its job
// to another worker (after `lockMs`), which goes on from the first event not yet delivered (at
// worst, the one in flight is delivered again: same Idempotency-Key, the LRM does not act twice).
// The keys live under the site's BullMQ prefix, so they carry the site's hash tag.
import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import {
  bullConnection,
  bullPrefix,
  releaseBullConnection,
  type RedisTarget,
} from '../store/jobs/connection.js';
import { createLogger, type Logger } from '../ports/logger.js';
import { sign, SIGNATURE_HEADER } from './signature.js';
import { WebhookBacklog, type BacklogEvent } from './webhook-backlog.js';

export const WEBHOOK_QUEUE = 'lrm-webhooks';
const KEEP_S = 7 * 24 * 3600;

export type WebhookTarget = {
  url: string;
  /** The shared HMAC secret (at least 16 characters). */
  secret: string;
  contentType?: string;
};

/** A drain job: deliver the call's backlog for this target. */
export type WebhookJob = { target: string; callId: string };

export type WebhookDelivery = {
  /** `<target>-<event id>`. */
  id: string;
  target: string;
  type: string;
  callId: string;
  attempts: number;
  /** When the event was queued (epoch ms). */
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
  /**
   * How long a drain holds its call without a sign of life, and how soon a job whose process died is
   * handed to another worker (BullMQ's lock and stalled check). Longer than `timeoutMs`.
   */
  lockMs?: number;
  /** Calls drained in parallel (one call's events are never delivered in parallel). */
  concurrency?: number;
  clock?: () => number;
  onDelivered?: (d: WebhookDelivery) => void;
  onFailed?: (d: WebhookDelivery, error: Error) => void;
  /** An attempt failed and is retried later (the LRM endpoint's health on the console). */
  onRetry?: (d: WebhookDelivery, error: Error) => void;
  /** Where a Redis outage of the queue is said, once per outage (default: the project's logger on stdout). */
  logger?: Logger;
};

class GiveUp extends Error {}

export class LrmWebhooks {
  private readonly queue: Queue<WebhookJob>;
  private readonly worker: Worker<WebhookJob>;
  private readonly backlog: WebhookBacklog;
  private readonly lockMs: number;
  private readonly now: () => number;
  /** Per target and call: the events waiting for the append on its way (the next batch). */
  private readonly chains = new Map<
    string,
    { event: BacklogEvent; resolve: () => void; reject: (err: Error) => void }[]
  >();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly sweeper: NodeJS.Timeout;
  /** On a cluster, a client BullMQ shares and never closes: given back in `close`. */
  private readonly bull: ConnectionOptions;

  constructor(private readonly opts: LrmWebhooksOptions) {
    for (const [name, t] of Object.entries(opts.targets))
      if (!t.secret || t.secret.length < 16)
        throw new Error(`webhook target ${name}: the secret must be at least 16 characters`);
    this.now = opts.clock ?? Date.now;
    this.lockMs = opts.lockMs ?? 30_000;
    if (this.lockMs <= (opts.timeoutMs ?? 5_000))
      throw new Error('webhooks: lockMs must be longer than timeoutMs');
    const common = { connection: (this.bull = bullConnection(opts.redis)), prefix: bullPrefix(opts.site) };
    this.backlog = new WebhookBacklog(opts.redis, bullPrefix(opts.site), KEEP_S);
    this.queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, common);
    this.worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job, token) => this.drain(job, token), {
      ...common,
      concurrency: opts.concurrency ?? 8,
      lockDuration: this.lockMs,
      stalledInterval: this.lockMs,
      // A drain found stalled is run again, however often its process died: its events are still queued.
      maxStalledCount: 1_000,
    });
    this.worker.on('error', () => undefined); // connection errors: BullMQ reconnects
    // The backlog's client and the queue's own emit every failed reconnection: without a listener
    // ioredis and BullMQ print each one to stderr. Said once per outage instead (both reconnect).
    const logger = opts.logger ?? createLogger();
    let down = false;
    const failed = (err: Error) => {
      if (down) return;
      down = true;
      logger.warn({ site: opts.site, err: err.message }, 'LRM webhook queue: Redis unreachable, retrying');
    };
    this.backlog.watchConnection(failed, () => {
      if (!down) return;
      down = false;
      logger.info({ site: opts.site }, 'LRM webhook queue: Redis reachable again');
    });
    this.queue.on('error', failed);
    // A drain that failed for good (Redis unreachable through all its attempts), or a process that
    // died between queuing an event and adding its drain, left the call's events queued with no
    // drain: a new drain for each such call when the worker starts, and then every `lockMs`.
    const sweep = () => void this.restartStranded().catch(() => undefined);
    void this.worker.waitUntilReady().then(sweep, () => undefined);
    this.sweeper = setInterval(sweep, this.lockMs);
    this.sweeper.unref();
  }

  /**
   * Queues one event for a target, after the call's events queued so far by this process (a call's
   * events are appended in the order of `send`, so they keep the engine's order; the events sent
   * while the call's previous append is on its way go together in the next one; different calls
   * are appended in parallel).
   */
  send(target: string, event: { id: string; type: string; callId: string }, body: unknown): Promise<void> {
    if (!this.opts.targets[target]) return Promise.resolve();
    const queued: BacklogEvent = {
      key: event.id,
      type: event.type,
      callId: event.callId,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      queuedAt: this.now(),
    };
    const chain = `${target}\u0000${event.callId}`;
    const sent = new Promise<void>((resolve, reject) => {
      const waiting = this.chains.get(chain);
      if (waiting) waiting.push({ event: queued, resolve, reject });
      else {
        this.chains.set(chain, [{ event: queued, resolve, reject }]);
        const flushed = this.flush(target, event.callId, chain);
        this.pending.add(flushed);
        void flushed.then(() => this.pending.delete(flushed));
      }
    });
    return sent;
  }

  /** Appends the call's waiting events, batch after batch, until none is left. */
  private async flush(target: string, callId: string, chain: string): Promise<void> {
    for (;;) {
      const batch = this.chains.get(chain)!.splice(0);
      if (batch.length === 0) {
        this.chains.delete(chain);
        return;
      }
      try {
        // Only the batch that finds no drain on its call adds one; the others join its backlog.
        const drainId = `${target}-${batch[0]!.event.key}`;
        const events = batch.map((b) => b.event);
        if ((await this.backlog.push(target, callId, events, drainId, this.lockMs)) === 'drain')
          await this.addDrain(target, callId, drainId);
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err as Error);
      }
    }
  }

  private addDrain(target: string, callId: string, jobId: string) {
    return this.queue.add(
      'drain',
      { target, callId },
      {
        jobId,
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: KEEP_S },
      },
    );
  }

  async restartStranded(): Promise<number> {
    const calls = await this.backlog.stranded();
    for (const c of calls)
      await this.addDrain(c.target, c.callId, `${c.target}-restart-${c.callId}-${this.now()}`);
    return calls.length;
  }

  /**
   * For /metrics and the console: `waiting` events queued and not delivered yet, `delayed` calls
   * waiting for a retry, `active` drains running, `failed` events given up (the last 7 days).
   */
  async counts(): Promise<Record<string, number>> {
    const [jobs, events] = await Promise.all([
      this.queue.getJobCounts('delayed', 'active'),
      this.backlog.counts(this.now()),
    ]);
    return {
      waiting: events.pending,
      delayed: jobs.delayed ?? 0,
      active: jobs.active ?? 0,
      failed: events.failed,
    };
  }

  /** An event's state: waiting, completed, failed, unknown. */
  state(target: string, callId: string, eventId: string): Promise<string> {
    return this.backlog.state(target, callId, eventId);
  }

  /** Delivers the call's events one after the other while it holds the call. */
  private async drain(job: Job<WebhookJob>, token?: string): Promise<void> {
    const { target, callId } = job.data;
    let finished: { key: string; state: 'completed' | 'failed' } | null = null;
    for (;;) {
      const step = await this.backlog.step(target, callId, job.id!, this.lockMs, finished, this.now());
      if (step.kind !== 'deliver') return;
      const { event } = step;
      const attempts = step.attemptsSoFar + 1;
      const delivery = (): WebhookDelivery => ({
        id: `${target}-${event.key}`,
        target,
        type: event.type,
        callId,
        attempts,
        queuedAt: event.queuedAt,
      });
      try {
        await this.post(target, event, attempts);
        finished = { key: event.key, state: 'completed' };
        this.opts.onDelivered?.(delivery());
      } catch (error) {
        const err = error as Error;
        if (err instanceof GiveUp || attempts >= (this.opts.attempts ?? 10)) {
          finished = { key: event.key, state: 'failed' };
          this.opts.onFailed?.(delivery(), err);
          continue;
        }
        this.opts.onRetry?.(delivery(), err);
        // Exponential backoff, as BullMQ's: the call stays held by this drain until it comes back.
        const delay = Math.round(2 ** (attempts - 1) * (this.opts.backoffMs ?? 1_000));
        await this.backlog.retryLater(target, callId, event.key, attempts, job.id!, delay + this.lockMs);
        await job.moveToDelayed(this.now() + delay, token);
        throw new DelayedError();
      }
    }
  }

  private async post(targetName: string, event: BacklogEvent, attempt: number): Promise<void> {
    const target = this.opts.targets[targetName];
    if (!target) throw new GiveUp(`no webhook target ${targetName} in this process`);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': target.contentType ?? 'application/json',
        'idempotency-key': event.key,
        'x-sas-event': event.type,
        'x-sas-attempt': String(attempt),
        [SIGNATURE_HEADER]: sign(target.secret, event.body, this.now()),
      },
      body: event.body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
    });
    await response.body?.cancel();
    if (response.ok) return;
    const message = `${targetName} answered HTTP ${response.status} to ${target.url}`;
    // A request the receiver will never accept is not retried; overload and server errors are.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw retryable ? new Error(message) : new GiveUp(message);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all(this.pending);
    await this.worker.close();
    await this.queue.close();
    releaseBullConnection(this.bull);
    this.backlog.close();
  }
}
