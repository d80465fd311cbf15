// Login with a user name and password, token refresh (single-use refresh tokens), logout, and
// who-am-I. Failed logins slow further tries per user name and address (src/auth/rate-limiter.ts):
// a guesser elsewhere never locks a user out of his correct password.
import { z } from 'zod';
import { hashPassword, USER_ROLES, verifyPassword, type User } from '../../auth/index.js';
import type { ApiContext } from '../context.js';
import { fr_en, Problem, unauthenticated } from '../problem.js';
import { defineRoute } from '../route.js';

const tokensSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds'),
  refreshToken: z.string().describe('single use: each refresh returns a new one'),
  refreshExpiresIn: z.number().int(),
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(USER_ROLES)),
    sites: z.array(z.string()),
    agentId: z.string().nullable(),
  }),
});

const userInfo = (u: User) => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  roles: u.roles,
  sites: u.sites,
  agentId: u.agentId,
});

/** Hash of a throwaway password: unknown users cost as much time as known ones. */
let dummyHash: Promise<string> | null = null;

const badCredentials = () =>
  unauthenticated('bad-credentials', 'Identifiant ou mot de passe incorrect', 'wrong user name or password');

export function authRoutes(ctx: ApiContext) {
  const tooMany = (wait: number) =>
    new Problem(
      429,
      'too-many-attempts',
      'Too many login attempts',
      fr_en(
        `Trop de tentatives de connexion : réessayez dans ${wait} s`,
        `too many login attempts: retry in ${wait} s`,
      ),
      undefined,
      { 'Retry-After': String(wait) },
    );
  return [
    defineRoute({
      id: 'login',
      method: 'post',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Log in with a user name and password',
      description: 'Returns a short-lived access token (JWT) and a single-use refresh token. Rate-limited.',
      access: 'public',
      body: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) }),
      response: { description: 'Tokens and the user', schema: tokensSchema },
      problems: [401, 429],
      handler: async ({ body, req }) => {
        // The client's address: the socket's, or X-Forwarded-For's behind a trusted proxy.
        const address = req.ip ?? '';
        const wait = await ctx.loginLimiter.wait(body.username, address);
        if (wait > 0) throw tooMany(wait);
        // Still a plain "wrong password"; past the free failures it says how long to wait.
        const failed = async () => {
          const delay = await ctx.loginLimiter.failed(body.username, address);
          const p = badCredentials();
          if (delay === 0) return p;
          return new Problem(p.status, p.reason, p.title, p.detail, undefined, {
            ...p.headers,
            'Retry-After': String(delay),
          });
        };
        const user = await ctx.users.findByUsername(body.username);
        if (!user || !user.passwordHash || user.disabled) {
          dummyHash ??= hashPassword('not-a-password');
          await verifyPassword(body.password, await dummyHash);
          throw await failed();
        }
        if (!(await verifyPassword(body.password, user.passwordHash))) throw await failed();
        await ctx.loginLimiter.succeeded(body.username, address);
        ctx.logger.info({ userId: user.id }, 'user logged in');
        return { ...(await ctx.tokens.issue(user)), user: userInfo(user) };
      },
    }),
    defineRoute({
      id: 'refresh',
      method: 'post',
      path: '/auth/refresh',
      tag: 'auth',
      summary: 'Exchange a refresh token for new tokens',
      access: 'public',
      body: z.object({ refreshToken: z.string().min(1).max(200) }),
      response: { description: 'New tokens (the refresh token given is now spent)', schema: tokensSchema },
      problems: [401],
      handler: async ({ body }) => {
        const userId = await ctx.tokens.consumeRefresh(body.refreshToken);
        const user = userId ? await ctx.users.findById(userId) : undefined;
        if (!user || user.disabled)
          throw unauthenticated(
            'refresh-invalid',
            'Jeton de renouvellement invalide, expiré ou déjà utilisé : reconnectez-vous',
            'refresh token invalid, expired or already used: log in again',
          );
        return { ...(await ctx.tokens.issue(user)), user: userInfo(user) };
      },
    }),
    defineRoute({
      id: 'logout',
      method: 'post',
      path: '/auth/logout',
      tag: 'auth',
      summary: 'Revoke a refresh token',
      access: 'authenticated',
      body: z.object({ refreshToken: z.string().min(1).max(200) }),
      response: { description: 'Revoked', schema: z.object({ revoked: z.literal(true) }) },
      handler: async ({ body }) => {
        await ctx.tokens.revokeRefresh(body.refreshToken);
        return { revoked: true as const };
      },
    }),
    defineRoute({
      id: 'me',
      method: 'get',
      path: '/auth/me',
      tag: 'auth',
      summary: 'Who the token belongs to',
      access: 'authenticated',
      response: {
        description: 'The principal',
        schema: z.object({
          userId: z.string(),
          username: z.string(),
          roles: z.array(z.enum(USER_ROLES)),
          sites: z.array(z.string()),
          agentId: z.string().nullable(),
        }),
      },
      handler: ({ principal }) => principal,
    }),
  ];
}
