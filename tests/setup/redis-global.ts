// Vitest global setup: one real redis-server for the whole run, on a free port, in a temporary
// directory, with AOF on (`appendfsync everysec`: Redis write(2)s the AOF before it replies, so the
// crash of the Redis process loses no acknowledged write, which is what the tests check; `always`
// would add an fsync per write that only matters for a power loss, at a cost in run time).
// Tests read its URL with `inject('redisUrl')` (or `process.env.REDIS_URL`).
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../src/store/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Throws RedisServerMissingError ("apt-get install redis-server") when the binary is missing.
  const server = await startRedisServer({ appendfsync: 'everysec' });
  project.provide('redisUrl', server.url);
  process.env.REDIS_URL = server.url;
  return async () => {
    await server.stop();
  };
}
