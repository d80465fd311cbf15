// `sas-acd bench failover [--drills N]`: N kill -9 drills of the writer (default 20; 3 with
// --quick) under generated traffic, against sim-pbx and two `serve` processes on a redis-server
// of its own (src/bench/failover-drill.ts says what each figure means). Take-over times are a
// speed goal; lost, duplicated and stuck calls and effects left must be 0.
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startRedisServer } from '../store/redis-server.js';
import { runFailoverDrills } from './failover-drill.js';
import { addBench } from './registry.js';

addBench('failover', {
  description:
    'kill -9 drills of the writer under traffic (two serve processes, sim-pbx): calls lost, duplicated, stuck, take-over time, fallback share',
  async run({ quick }) {
    const drills = Number(process.env.FAILOVER_DRILLS ?? (quick ? 3 : 20));
    if (!Number.isInteger(drills) || drills < 1) throw new Error('--drills: a positive integer');
    const redis = await startRedisServer();
    try {
      // FAILOVER_LOG=<file>: the serve processes' logs, for a reader who wants to see a drill.
      const logFile = process.env.FAILOVER_LOG;
      // FAILOVER_ACD_RETRIES=0: no wait for the ACD in the dialplan (the fallback takes the gap).
      const acdRetries = Number(process.env.FAILOVER_ACD_RETRIES ?? 4);
      if (!Number.isInteger(acdRetries) || acdRetries < 0)
        throw new Error('FAILOVER_ACD_RETRIES: an integer ≥ 0');
      const result = await runFailoverDrills({
        redisUrl: redis.url,
        drills,
        acdRetries,
        ...(logFile ? { onLog: (line: string) => appendFileSync(logFile, `${line}\n`) } : {}),
      });
      const { examples, takeoverMs, ...figures } = result;
      return {
        ...figures,
        takeoverMs,
        ...(Object.keys(examples).length > 0 ? { examples } : {}),
        cpus: cpus().length,
        loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      };
    } finally {
      await redis.stop();
    }
  },
});
