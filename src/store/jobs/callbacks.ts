// The P2 callback worklist (liste de rappels) of a site, on BullMQ: a callback is scheduled with a
// delay (call back in 20 min) and a priority; takers (operators' panels) claim the next due task.
// BullMQ's moveToActive script is atomic, so a task is claimed by one taker only; a claim is a lock
// that the taker completes, gives back, or loses when it expires (the task then goes back to wait).
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { bullConnection, bullPrefix, releaseBullConnection, type RedisTarget } from './connection.js';

export const CALLBACK_QUEUE = 'callbacks';
/** How long a taker may hold a task before it goes back to the list (extendClaim to keep it). */
export const CLAIM_TIMEOUT_MS = 15 * 60_000;
/** Completed tasks are kept a day for the supervisor's view, then purged (they hold a phone number). */
const KEEP_DONE_S = 24 * 3600;

export type CallbackTask = {
  /** Unique per task: scheduling the same id twice is a no-op. */
  id: string;
  callId: string;
  /** Caller's number (personal data: purged with the job, see docs/store.md). */
  callerNumber: string;
  reason?: string;
  department?: string;
};

export type CallbackOptions = {
  delayMs?: number;
  /** 1 = most urgent. */
  priority?: number;
};

export type ClaimedCallback = { task: CallbackTask; takerId: string; job: Job<CallbackTask>; token: string };

export class CallbackWorklist {
  private readonly queue: Queue<CallbackTask>;
  private readonly worker: Worker<CallbackTask>;
  private bull: ConnectionOptions | undefined;

  private stalledCheck: Promise<void> | undefined;

  constructor(
    redis: RedisTarget,
    readonly site: string,
    private readonly claimTimeoutMs = CLAIM_TIMEOUT_MS,
  ) {
    const common = { connection: (this.bull = bullConnection(redis)), prefix: bullPrefix(site) };
    this.queue = new Queue<CallbackTask>(CALLBACK_QUEUE, common);
    // No processor: tasks are pulled by hand (getNextJob) when a taker asks for one.
    this.worker = new Worker<CallbackTask>(CALLBACK_QUEUE, null, {
      ...common,
      autorun: false,
      lockDuration: claimTimeoutMs,
      // A claim whose lock expired (taker gone) goes back to the list, however often: a callback
      // is never dropped because operators walked away from it.
      stalledInterval: Math.max(100, Math.floor(claimTimeoutMs / 2)),
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('error', () => undefined); // connection errors: BullMQ reconnects
  }

  /** Runs the check that puts abandoned claims back (one process per site is enough). */
  watchAbandonedClaims(): void {
    this.stalledCheck ??= this.worker.startStalledCheckTimer();
  }

  async schedule(task: CallbackTask, options: CallbackOptions = {}): Promise<void> {
    await this.queue.add('callback', task, {
      jobId: task.id,
      delay: options.delayMs ?? 0,
      priority: options.priority ?? 5,
      removeOnComplete: { age: KEEP_DONE_S },
      removeOnFail: { age: KEEP_DONE_S },
    });
  }

  /** The next due task for this taker, or null when none is due. Never the same task to two takers. */
  async claim(takerId: string): Promise<ClaimedCallback | null> {
    const token = `${takerId}:${randomUUID()}`;
    const job = (await this.worker.getNextJob(token, { block: false })) as Job<CallbackTask> | undefined;
    return job ? { task: job.data, takerId, job, token } : null;
  }

  /** Keeps the claim for another claim timeout (the operator is still on the phone). */
  async extendClaim(claim: ClaimedCallback): Promise<void> {
    await claim.job.extendLock(claim.token, this.claimTimeoutMs);
  }

  async complete(claim: ClaimedCallback, outcome: string): Promise<void> {
    await claim.job.moveToCompleted(outcome, claim.token, false);
  }

  /** Gives the task back to the list, for another taker. */
  async release(claim: ClaimedCallback): Promise<void> {
    await claim.job.moveToWait(claim.token);
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed');
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    if (this.bull) releaseBullConnection(this.bull);
  }
}
