// Every Redis key of a site, in one place. All keys of a site share the hash tag `{<site>}`, so on
// Redis Cluster they live in one slot: the Lua scripts that touch several of them (fenced append,
// snapshot) stay legal, and sites spread over shards. Layout (docs/store.md has the details):
//
//   sas:{<site>}:events     stream  the site's events, the source of truth (fields: event, epoch, cmd)
//   sas:{<site>}:snapshot   hash    last snapshot: state, lastId (last event folded in), epoch
//   sas:{<site>}:lease      hash    the writer's lease: token, epoch, holder; expires (PX TTL)
//   sas:{<site>}:epoch      string  fencing epoch counter, +1 on every lease acquisition; never expires
//   sas:{<site>}:commands   stream  commands sent to the writer (fields: id, command)
//   sas:{<site>}:processed  zset    command ids already turned into events (score: command time, ms)
//   sas:{<site>}:effects    hash    effect outbox: command id -> its effects not carried out yet (JSON)
//   sas:{<site>}:bull:*             BullMQ queues of the site (prefix `sas:{<site>}:bull`)
//   sas:{<site>}:archive:cursor     string  last event-stream id copied into the archive
//   sas:{<site>}:archive:index      zset    archived chunks (member: chunk meta, score: last event time)
//   sas:{<site>}:archive:<hour>     string  gzip of one hour of events without personal data (JSON lines)
//   sas:{<site>}:archive:gaps       list    spans the archive could not copy (trimmed before it ran)

/** Consumer group of the commands stream, and the one consumer name every writer uses (see commands.ts). */
export const WRITERS_GROUP = 'writers';
export const WRITER_CONSUMER = 'writer';

export type SiteKeys = {
  events: string;
  snapshot: string;
  lease: string;
  epoch: string;
  commands: string;
  processed: string;
  /** The effect outbox (written with the events, emptied as the leader carries them out). */
  effects: string;
  bullPrefix: string;
  archiveCursor: string;
  archiveIndex: string;
  archiveGaps: string;
  /** Key of the archive chunk of the hour starting at `hourMs` (stream time). */
  archiveChunk(hourMs: number): string;
};

const SITE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Site ids go inside a hash tag: no braces, colons or spaces (e.g. "44", "sas-44"). */
export function assertSiteId(site: string): void {
  if (!SITE_ID.test(site)) {
    throw new Error(`invalid site id ${JSON.stringify(site)}: expected 1-64 characters [A-Za-z0-9_-]`);
  }
}

export function siteKeys(site: string): SiteKeys {
  assertSiteId(site);
  const prefix = `sas:{${site}}`;
  return {
    events: `${prefix}:events`,
    snapshot: `${prefix}:snapshot`,
    lease: `${prefix}:lease`,
    epoch: `${prefix}:epoch`,
    commands: `${prefix}:commands`,
    processed: `${prefix}:processed`,
    effects: `${prefix}:effects`,
    bullPrefix: `${prefix}:bull`,
    archiveCursor: `${prefix}:archive:cursor`,
    archiveIndex: `${prefix}:archive:index`,
    archiveGaps: `${prefix}:archive:gaps`,
    archiveChunk: (hourMs) => `${prefix}:archive:${hourMs}`,
  };
}
