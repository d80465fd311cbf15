/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Login, refresh, logout, who-am-I, the login rate limit, and expired or forged tokens.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ loginAttempts: 5 });
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

  it('is rate-limited per user name (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await h.call('POST', '/auth/login', { body: { username: 'osnp1', password: 'guess' + i } });
      statuses.push(r.status);
      if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password is refused until the window passes.
    const right = await h.call('POST', '/auth/login', { body: { username: 'osnp1', password: PASSWORD } });
    expect(right.status).toBe(429);
  });

  it('counts the attempts of every process together when they share a Redis', async () => {
    const url = inject('redisUrl');
    const [a, b] = await Promise.all([1, 2].map(() => startHarness({ loginAttempts: 3, redisUrl: url })));
    try {
      const username = `guesser-${randomBytes(4).toString('hex')}`;
      const statuses: number[] = [];
      for (const api of [a!, b!, a!, b!]) {
        const r = await api.call('POST', '/auth/login', { body: { username, password: 'guess' } });
        statuses.push(r.status);
      }
      // In memory, each process would have allowed 3: the 4th attempt passes through b's second.
      expect(statuses).toEqual([401, 401, 401, 429]);
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
