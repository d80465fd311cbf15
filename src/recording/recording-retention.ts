// Recording retention (docs/recording.md "Retention and legal hold"): a BullMQ job scheduler, one
// repeatable job per site taken by whichever process's worker is free (like the archive), deletes
// the recordings older than the site's retention from the PBX, then their index entries, and writes
// a `purge` line in the audit log for each. A call under legal hold keeps its recordings, however
// old. A deletion the PBX refuses leaves the entry for the next run: nothing is forgotten while its
// file still exists.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import {
  bullConnection,
  bullPrefix,
  releaseBullConnection,
  type RedisTarget,
} from '../store/jobs/connection.js';
import type { RecordingIndex } from './recording-index.js';
import type { StoredRecordings } from './stored-recordings.js';

export const RETENTION_QUEUE = 'recording-retention';
const SCHEDULER_ID = 'recording-retention';
const DAY_MS = 24 * 3600_000;
/** Recordings looked at per run; the next run goes on (the oldest first). */
const BATCH = 500;

export type RetentionResult = { deleted: number; held: number; failed: number };

export type RecordingRetentionOptions = {
  redis: RedisTarget;
  index: RecordingIndex;
  store: StoredRecordings;
  /** The site's live retention, in days (src/core/recording-config.ts). */
  retentionDays: () => number;
  everyMs?: number;
  clock?: () => number;
  onRun?: (result: RetentionResult) => void;
  onError?: (error: Error) => void;
};

/** One pass: what the scheduled job runs. */
export async function purgeExpiredRecordings(
  o: Pick<RecordingRetentionOptions, 'index' | 'store' | 'retentionDays'> & { now: number },
): Promise<RetentionResult> {
  const result: RetentionResult = { deleted: 0, held: 0, failed: 0 };
  const expired = await o.index.storedBefore(o.now - o.retentionDays() * DAY_MS, BATCH);
  const holds = new Map<string, boolean>();
  for (const e of expired) {
    if (!holds.has(e.callId)) holds.set(e.callId, (await o.index.holdOf(e.callId)) !== null);
    if (holds.get(e.callId)) {
      result.held++;
      continue;
    }
    try {
      await o.store.delete(e.name); // already gone on the PBX: the entry goes all the same
    } catch {
      result.failed++;
      continue;
    }
    await o.index.audit({
      action: 'purge',
      at: o.now,
      user: 'retention',
      callId: e.callId,
      recording: e.name,
      detail: `${o.retentionDays()} d`,
    });
    await o.index.remove(e);
    result.deleted++;
  }
  return result;
}

export class RecordingRetention {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly bull: ConnectionOptions;

  private constructor(private readonly opts: RecordingRetentionOptions) {
    const common = {
      connection: (this.bull = bullConnection(opts.redis)),
      prefix: bullPrefix(opts.index.siteId),
    };
    this.queue = new Queue(RETENTION_QUEUE, common);
    this.worker = new Worker(RETENTION_QUEUE, () => this.run(), { ...common, concurrency: 1 });
    this.worker.on('failed', (_job, error) => opts.onError?.(error));
    this.worker.on('error', () => undefined);
  }

  static async start(opts: RecordingRetentionOptions): Promise<RecordingRetention> {
    const r = new RecordingRetention(opts);
    await r.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: opts.everyMs ?? 3600_000 },
      { name: 'purge', opts: { removeOnComplete: 10, removeOnFail: 50 } },
    );
    return r;
  }

  /** One run now (also what the scheduled job runs); `now` lets a test or a drill move the clock. */
  async run(now?: number): Promise<RetentionResult> {
    const { index, store, retentionDays } = this.opts;
    const result = await purgeExpiredRecordings({
      index,
      store,
      retentionDays,
      now: now ?? (this.opts.clock ?? Date.now)(),
    });
    this.opts.onRun?.(result);
    return result;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.worker.close(), this.queue.close()]);
    releaseBullConnection(this.bull);
  }
}
