/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Login, refresh, logout, who-am-I, the login rate limit, and expired or forged tokens.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ loginAttempts: 5, trustProxy: 'loopback' });
});
afterAll(() => h.stop());

describe('POST /auth/login', () => {
  it('returns a short-lived JWT, a refresh token and the user', async () => {
    const r = await h.call('POST', '/auth/login', { body: { username: 'arm1', password: PASSWORD } });
    expect(r.status).toBe(200);
    expect(r.body.tokenType).toBe('Bearer');
    expect(r.body.expiresIn).toBe(900);
    expect(r.body.accessToken.split('.')).toHaveLength(3);
    expect(r.body.user).toMatchObject({ username: 'arm1', roles: ['arm'], sites: ['44'], agentId: 'arm-1' });
  });

  it('refuses a wrong password and an unknown user alike (401)', async () => {
    const wrong = await h.call('POST', '/auth/login', { body: { username: 'arm2', password: 'nope' } });
    const unknown = await h.call('POST', '/auth/login', { body: { username: 'ghost', password: 'nope' } });
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({
        status: 401,
        reason: 'bad-credentials',
        type: 'urn:sas-acd:problem:bad-credentials',
      });
    }
  });

  it('names the missing field (400)', async () => {
    const r = await h.call('POST', '/auth/login', { body: { username: 'arm1' } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'body.password' })]);
    expect(r.body.detail).toContain('body.password');
  });

  it('refuses malformed JSON with a problem (400)', async () => {
    const r = await h.call('POST', '/auth/login', { raw: '{"username": ' });
    expect(r.status).toBe(400);
    expect(r.body.reason).toBe('malformed-json');
  });

  /** A login from `address` (the harness's proxy on loopback is trusted to say it). */
  const loginFrom = async (harness: Harness, address: string, username: string, password: string) => {
    const res = await fetch(`${harness.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ username, password }),
    });
    await res.text();
    return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
  };

  it('never locks a user out of the right password from another address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await loginFrom(h, '203.0.113.9', 'osnp1', `guess${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    // The real OSNP, at her own desk, is not locked out by the guesser.
    expect((await loginFrom(h, '198.51.100.7', 'osnp1', PASSWORD)).status).toBe(200);
  });

  it('slows guesses per user and address with growing delays; the right password clears them', async () => {
    const at = '192.0.2.44';
    for (let i = 0; i < 5; i++)
      expect(await loginFrom(h, at, 'arm5', 'nope')).toEqual({ status: 401, retryAfter: 0 });
    const sixth = await loginFrom(h, at, 'arm5', 'nope');
    expect(sixth).toEqual({ status: 401, retryAfter: 1 });
    const early = await loginFrom(h, at, 'arm5', PASSWORD);
    expect(early.status).toBe(429);
    // Wait as long as the server says, then the next failure doubles the delay.
    await new Promise((r) => setTimeout(r, early.retryAfter * 1000 + 50));
    expect(await loginFrom(h, at, 'arm5', 'nope')).toEqual({ status: 401, retryAfter: 2 });
    const again = await loginFrom(h, at, 'arm5', 'nope');
    expect(again.status).toBe(429);
    await new Promise((r) => setTimeout(r, again.retryAfter * 1000 + 50));
    expect((await loginFrom(h, at, 'arm5', PASSWORD)).status).toBe(200);
    expect(await loginFrom(h, at, 'arm5', 'nope')).toEqual({ status: 401, retryAfter: 0 });
  });

  it('without a trusted proxy, X-Forwarded-For is ignored (the socket address counts)', async () => {
    const plain = await startHarness({ loginAttempts: 2 });
    try {
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
        await loginFrom(plain, address, 'mru1', 'nope');
      expect((await loginFrom(plain, '198.51.100.4', 'mru1', PASSWORD)).status).toBe(429);
    } finally {
      await plain.stop();
    }
  });

  it('counts the failures of every process together when they share a Redis', async () => {
    const url = inject('redisUrl');
    const [a, b] = await Promise.all(
      [1, 2].map(() => startHarness({ loginAttempts: 3, redisUrl: url, trustProxy: 'loopback' })),
    );
    try {
      const username = `guesser-${randomBytes(4).toString('hex')}`;
      const statuses: number[] = [];
      for (const api of [a!, b!, a!, b!, a!])
        statuses.push((await loginFrom(api, '203.0.113.50', username, 'guess')).status);
      // In memory, each process would have allowed 3 free failures: the 4th imposes a delay.
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
    } finally {
      await Promise.all([a!.stop(), b!.stop()]);
    }
  });
});

describe('tokens', () => {
  it('GET /auth/me answers with the principal, 401 without a token or with a forged one', async () => {
    const me = await h.call('GET', '/auth/me', { as: 'sup44' });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'sup44', roles: ['supervisor'], sites: ['44'] });
    const none = await h.call('GET', '/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.reason).toBe('token-missing');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const token = await h.token('arm1');
    const [head, , sig] = token.split('.');
    const forged = `${head}.${Buffer.from(JSON.stringify({ sub: 'u8', roles: ['admin'], sites: ['44'] })).toString('base64url')}.${sig}`;
    const bad = await h.call('GET', '/auth/me', { token: forged });
    expect(bad.status).toBe(401);
    expect(bad.body.reason).toBe('token-invalid');
  });

  it('refresh rotates: the new tokens work, the spent refresh token is refused', async () => {
    const login = await h.call('POST', '/auth/login', { body: { username: 'mru1', password: PASSWORD } });
    const refreshed = await h.call('POST', '/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    expect((await h.call('GET', '/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);
    const replay = await h.call('POST', '/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.reason).toBe('refresh-invalid');
    expect((await h.call('POST', '/auth/refresh', { body: {} })).status).toBe(400);
  });

  it('logout revokes the refresh token', async () => {
    const login = await h.call('POST', '/auth/login', { body: { username: 'arm5', password: PASSWORD } });
    const out = await h.call('POST', '/auth/logout', {
      token: login.body.accessToken,
      body: { refreshToken: login.body.refreshToken },
    });
    expect(out.status).toBe(200);
    const again = await h.call('POST', '/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(again.status).toBe(401);
    expect((await h.call('POST', '/auth/logout', { body: { refreshToken: 'x' } })).status).toBe(401);
  });

  it('a refresh token is valid on every process sharing the Redis, and spent once for all', async () => {
    const url = inject('redisUrl');
    const [a, b] = await Promise.all([1, 2].map(() => startHarness({ redisUrl: url })));
    try {
      const login = await a!.call('POST', '/auth/login', { body: { username: 'sup44', password: PASSWORD } });
      expect(login.status).toBe(200);
      // The writer fails over: the same user renews on the other process.
      const onB = await b!.call('POST', '/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(onB.status).toBe(200);
      const replayOnA = await a!.call('POST', '/auth/refresh', {
        body: { refreshToken: login.body.refreshToken },
      });
      expect(replayOnA.status).toBe(401);
      await b!.call('POST', '/auth/logout', {
        token: onB.body.accessToken,
        body: { refreshToken: onB.body.refreshToken },
      });
      const afterLogout = await a!.call('POST', '/auth/refresh', {
        body: { refreshToken: onB.body.refreshToken },
      });
      expect(afterLogout.status).toBe(401);
    } finally {
      await Promise.all([a!.stop(), b!.stop()]);
    }
  });

  it('replaying a token after it expired is refused (401 token-expired), on REST and at the socket handshake', async () => {
    const token = await h.token('sup44');
    expect((await h.call('GET', '/auth/me', { token })).status).toBe(200);
    h.skewApiClock(15 * 60_000 + 1_000);
    try {
      const r = await h.call('GET', '/sites/44/queues', { token });
      expect(r.status).toBe(401);
      expect(r.body.reason).toBe('token-expired');
      expect(r.body.detail).toContain('/auth/refresh');
      const s = h.socket('/supervisor', token);
      const err = await new Promise<any>((resolve) => s.on('connect_error', resolve));
      expect(err.data).toEqual({ status: 401, reason: 'token-expired' });
    } finally {
      h.skewApiClock(0);
    }
  });
});
