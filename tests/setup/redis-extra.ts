// An extra redis-server for tests that stop, kill or restart Redis (the shared one must stay up).
// Each call starts its own server on a free port in its own temporary directory.
import { startRedisServer, type RedisServer, type RedisServerOptions } from '../../src/store/redis-server.js';

export type { RedisServer };

export function startExtraRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  return startRedisServer(options);
}

/** Restarts a server on the same port and data directory; `hard` kills it with SIGKILL first. */
export async function restartRedis(server: RedisServer, { hard = false } = {}): Promise<void> {
  if (hard) await server.kill('SIGKILL');
  else await server.stop({ keepDir: true });
  await server.start();
}
