// Runs the archive step (../archive.ts) on a BullMQ job scheduler: one repeatable job per site,
// taken by whichever process's worker is free, so the history keeps being copied across restarts
// and fail-overs without a timer of our own. The step is idempotent; a missed run is caught up by
// the next one (up to `maxHours` hours each).
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { archiveStep, type ArchiveOptions, type ArchiveStepResult } from '../archive.js';
import type { StoreEvent } from '../reducer.js';
import { connectRedis, type RedisClient } from '../redis-connection.js';
import { bullConnection, bullPrefix, releaseBullConnection, type RedisTarget } from './connection.js';

export const ARCHIVE_QUEUE = 'archive';
const SCHEDULER_ID = 'archive-events';

export type ArchiverOptions<E extends StoreEvent> = Omit<ArchiveOptions<E>, 'now'> & {
  redis: RedisTarget;
  everyMs?: number;
  clock?: () => number;
  onStep?: (result: ArchiveStepResult) => void;
  onError?: (error: Error) => void;
};

export class Archiver<E extends StoreEvent> {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly connection: RedisClient;
  private bull: ConnectionOptions | undefined;

  private constructor(private readonly opts: ArchiverOptions<E>) {
    const common = { connection: (this.bull = bullConnection(opts.redis)), prefix: bullPrefix(opts.site) };
    // Its own connection: the step uses WATCH, which is per connection.
    this.connection = connectRedis(opts.redis, { maxRetriesPerRequest: 2 });
    this.connection.on('error', () => undefined); // ioredis reconnects; the step reports failures
    this.queue = new Queue(ARCHIVE_QUEUE, common);
    this.worker = new Worker(ARCHIVE_QUEUE, () => this.step(), { ...common, concurrency: 1 });
    this.worker.on('failed', (_job, error) => opts.onError?.(error));
    this.worker.on('error', () => undefined);
  }

  static async start<E extends StoreEvent>(opts: ArchiverOptions<E>): Promise<Archiver<E>> {
    const archiver = new Archiver(opts);
    await archiver.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: opts.everyMs ?? 5 * 60_000 },
      { name: 'archive', opts: { removeOnComplete: 10, removeOnFail: 50 } },
    );
    return archiver;
  }

  /** One step now (also what the scheduled job runs). */
  async step(): Promise<ArchiveStepResult> {
    const { redis: _r, everyMs: _e, clock, onStep: _s, onError: _o, ...archive } = this.opts;
    const result = await archiveStep(this.connection, { ...archive, now: (clock ?? Date.now)() });
    this.opts.onStep?.(result);
    return result;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.worker.close(), this.queue.close()]);
    if (this.bull) releaseBullConnection(this.bull);
    this.connection.disconnect();
  }
}
