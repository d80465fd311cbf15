import { describe, expect, it } from 'vitest';
import { describeRedisTarget, redisTargetFromEnv } from '../../../src/store/redis-connection.js';

describe('Redis target from the environment', () => {
  it('reads one node, a cluster or a sentinel group', () => {
    expect(redisTargetFromEnv({ REDIS_URL: 'redis://10.0.0.1:6379' })).toEqual({
      ok: true,
      target: 'redis://10.0.0.1:6379',
    });
    const cluster = redisTargetFromEnv({
      REDIS_CLUSTER: 'r1:7000, r2:7001,redis://[::1]:7002',
      REDIS_PASSWORD: 's',
    });
    expect(cluster).toEqual({
      ok: true,
      target: {
        cluster: [
          { host: 'r1', port: 7000 },
          { host: 'r2', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        options: { redisOptions: { password: 's' } },
      },
    });
    const sentinel = redisTargetFromEnv({ REDIS_SENTINEL: 'mymaster@s1:26379,s2:26379' });
    expect(sentinel).toEqual({
      ok: true,
      target: {
        name: 'mymaster',
        failoverDetector: true,
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
      },
    });
    if (cluster.ok) expect(describeRedisTarget(cluster.target)).toBe('cluster r1:7000,r2:7001,::1:7002');
  });

  it('names every problem and accepts only one kind', () => {
    expect(redisTargetFromEnv({})).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^REDIS_URL: required/)],
    });
    expect(redisTargetFromEnv({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER: 'a:1' })).toEqual({
      ok: false,
      errors: ['REDIS_URL, REDIS_CLUSTER: give only one of them'],
    });
    expect(redisTargetFromEnv({ REDIS_URL: 'http://a' })).toMatchObject({ ok: false });
    expect(redisTargetFromEnv({ REDIS_CLUSTER: 'a:1,b,c:99999' })).toEqual({
      ok: false,
      errors: ['REDIS_CLUSTER: "b" is not host:port', 'REDIS_CLUSTER: "c:99999" is not host:port'],
    });
    expect(redisTargetFromEnv({ REDIS_SENTINEL: 's1:26379' })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/name@host:port/)],
    });
  });
});
