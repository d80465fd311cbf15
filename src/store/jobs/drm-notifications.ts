// Outbound notification of a DRM creation (dossier de régulation médicale) to the site's regulation
// software (LRM): an HTTP POST to the URL configured for the site, with an Idempotency-Key header
// so the LRM can drop repeats, retried with exponential backoff, and reported failed at the end.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { bullConnection, bullPrefix, releaseBullConnection, type RedisTarget } from './connection.js';

export const DRM_QUEUE = 'drm-notifications';
const KEEP_S = 7 * 24 * 3600;

export type DrmCreated = {
  drmId: string;
  callId: string;
  createdAt: string;
  [field: string]: unknown;
};

export type DrmNotifierOptions = {
  redis: RedisTarget;
  site: string;
  /** The LRM endpoint of this site. */
  url: string;
  attempts?: number;
  /** First retry delay; doubles each time (exponential backoff). */
  backoffMs?: number;
  timeoutMs?: number;
  /** Called once a notification has failed every attempt (or was refused for good). */
  onFailed?: (drm: DrmCreated, error: Error, attemptsMade: number) => void;
  onDelivered?: (drm: DrmCreated) => void;
};

/** Same DRM, same key: the LRM may see a notification twice (a retry after a lost reply), never act twice. */
export function idempotencyKey(site: string, drm: DrmCreated): string {
  return `sas-${site}-drm-created-${drm.drmId}`;
}

export class DrmNotifier {
  private readonly queue: Queue<DrmCreated>;
  private readonly worker: Worker<DrmCreated>;
  private bull: ConnectionOptions | undefined;

  constructor(private readonly options: DrmNotifierOptions) {
    const common = {
      connection: (this.bull = bullConnection(options.redis)),
      prefix: bullPrefix(options.site),
    };
    this.queue = new Queue<DrmCreated>(DRM_QUEUE, common);
    this.worker = new Worker<DrmCreated>(DRM_QUEUE, (job) => this.deliver(job), common);
    this.worker.on('failed', (job, error) => {
      if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError)) {
        options.onFailed?.(job.data, error, job.attemptsMade);
      }
    });
    this.worker.on('completed', (job) => options.onDelivered?.(job.data));
    this.worker.on('error', () => undefined); // connection errors: BullMQ reconnects
  }

  /** Queues the notification; a second call for the same DRM is a no-op (same job id). */
  async notify(drm: DrmCreated): Promise<string> {
    const key = idempotencyKey(this.options.site, drm);
    await this.queue.add('drm-created', drm, {
      jobId: key,
      attempts: this.options.attempts ?? 8,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1_000 },
      removeOnComplete: { age: KEEP_S },
      removeOnFail: { age: KEEP_S },
    });
    return key;
  }

  async state(drm: DrmCreated): Promise<string> {
    return this.queue.getJobState(idempotencyKey(this.options.site, drm));
  }

  private async deliver(job: Job<DrmCreated>): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': job.id! },
      body: JSON.stringify({ event: 'drm-created', site: this.options.site, drm: job.data }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
    });
    await response.body?.cancel();
    if (response.ok) return;
    const message = `LRM answered HTTP ${response.status} to ${this.options.url}`;
    // A request the LRM will never accept is not retried; overload and server errors are.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw retryable ? new Error(message) : new UnrecoverableError(message);
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    if (this.bull) releaseBullConnection(this.bull);
  }
}
