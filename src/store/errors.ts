// Errors of the store layer that callers are expected to tell apart.

/** The caller's lease token is no longer the current one: it was deposed and must stop writing. */
export class LeaseLostError extends Error {
  constructor(site: string, detail: string) {
    super(`lease of site ${site} lost: ${detail}`);
    this.name = 'LeaseLostError';
  }
}

/** A stream entry that recovery or a tail cannot fold into state; nothing after it is applied. */
export class CorruptEntryError extends Error {
  constructor(
    readonly stream: string,
    readonly entryId: string,
    readonly reason: string,
  ) {
    super(`stream ${stream} entry ${entryId}: ${reason}; recovery stopped (nothing is skipped)`);
    this.name = 'CorruptEntryError';
  }
}

/** The snapshot key holds something that is not a snapshot this code wrote. */
export class CorruptSnapshotError extends Error {
  constructor(key: string, reason: string) {
    super(`snapshot ${key}: ${reason}`);
    this.name = 'CorruptSnapshotError';
  }
}

/** Events needed by recovery were trimmed away: replaying would silently miss them. */
export class StreamGapError extends Error {
  constructor(stream: string, fromId: string, maxDeletedId: string) {
    super(
      `stream ${stream}: entries up to ${maxDeletedId} were removed but recovery starts after ${fromId}; ` +
        'the snapshot is older than the retained events',
    );
    this.name = 'StreamGapError';
  }
}

/** The fenced append found a command already processed: the caller's state is stale. */
export class DuplicateCommandError extends Error {
  constructor(site: string, commandId: string) {
    super(`site ${site}: command ${commandId} was already processed`);
    this.name = 'DuplicateCommandError';
  }
}

/** An append reached the master but not enough replicas in time: persisted there, not yet durable. */
export class ReplicationTimeoutError extends Error {
  constructor(site: string, acked: number, wanted: number, timeoutMs: number) {
    super(`site ${site}: append confirmed by ${acked} of ${wanted} replica(s) within ${timeoutMs} ms`);
    this.name = 'ReplicationTimeoutError';
  }
}
