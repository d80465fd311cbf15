// The recordings part of `sas-acd serve` (docs/recording.md): the index each stored recording is
// written to, the PBX's files read and deleted through ARI, and the retention job. Asterisk only:
// the FreeSWITCH adapter does not report recordings yet (issue 23/25).
import type { SiteRecordings } from '../api/routers/recordings.js';
import type { Logger } from '../ports/logger.js';
import { RecordingIndex } from '../recording/recording-index.js';
import { RecordingRetention } from '../recording/recording-retention.js';
import { AriStoredRecordings } from '../recording/stored-recordings.js';
import { connectRedis, type RedisTarget } from '../store/redis-connection.js';
import type { RecordingAvailable } from '../telephony/ari/call-recording.js';
import type { PbxSettings } from './pbx.js';

export type ServeRecordings = {
  site: SiteRecordings;
  retention: RecordingRetention;
  /** Indexes a recording the PBX reports stored (idempotent). */
  stored(r: RecordingAvailable, callRef: string): Promise<void>;
  close(): Promise<void>;
};

export async function startServeRecordings(o: {
  siteId: string;
  redis: RedisTarget;
  pbx: PbxSettings;
  retentionDays: () => number;
  /** RECORDING_RETENTION_EVERY_MS: how often the retention job runs (default 1 h). */
  everyMs?: number;
  logger: Logger;
}): Promise<ServeRecordings | null> {
  if (o.pbx.kind !== 'asterisk') return null;
  const redis = connectRedis(o.redis, { maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined); // ioredis reconnects; each request reports its failure
  const index = new RecordingIndex(redis, o.siteId);
  const store = new AriStoredRecordings(o.pbx.ari);
  const retention = await RecordingRetention.start({
    redis: o.redis,
    index,
    store,
    retentionDays: o.retentionDays,
    ...(o.everyMs !== undefined ? { everyMs: o.everyMs } : {}),
    onRun: (r) => {
      if (r.deleted + r.failed > 0) o.logger.info(r, 'recording retention run');
    },
    onError: (err) => o.logger.warn({ err: err.message }, 'recording retention run failed'),
  });
  return {
    site: { index, store },
    retention,
    async stored(r, callRef) {
      await index.add({
        name: r.name,
        callId: r.callId,
        callRef,
        format: r.format,
        durationSeconds: r.durationSeconds,
        at: r.at,
      });
    },
    async close() {
      await retention.close();
      redis.disconnect();
    },
  };
}
