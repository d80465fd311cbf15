// Access tokens (short-lived JWT, HS256 with jose) and refresh tokens (opaque, single use, kept
// hashed in a RefreshStore: Redis when there is one). The clock is injected so expiry is tested
// without waiting.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { USER_ROLES, type Principal, type UserRole } from './roles.js';
import { MemoryRefreshStore, type RefreshStore } from './refresh-store.js';
import type { User } from './user-store.js';

const ISSUER = 'sas-acd';
const AUDIENCE = 'sas-acd-api';

export type TokenOptions = {
  secret: string;
  clock: () => number;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  /** Where refresh tokens live (default: this process's memory). */
  refreshStore?: RefreshStore;
};

export type IssuedTokens = {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
};

export class TokenError extends Error {
  constructor(
    readonly code: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export class TokenService {
  /** The HMAC key imported once: jose would import raw bytes again on every sign and verify. */
  private readonly key: Promise<CryptoKey>;
  /** Tokens already verified, until they expire: a panel sends the same token many times. */
  private readonly verified = new Map<string, Principal>();
  private readonly accessTtl: number;
  private readonly refreshTtl: number;
  /** sha256(refresh token) → owner, until expiry. Only hashes are kept: a dump yields no token. */
  private readonly refresh: RefreshStore;

  constructor(private readonly opts: TokenOptions) {
    if (opts.secret.length < 32) throw new Error('jwtSecret must be at least 32 characters');
    this.key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(opts.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    this.accessTtl = opts.accessTtlSeconds ?? 15 * 60;
    this.refreshTtl = opts.refreshTtlSeconds ?? 12 * 3600;
    this.refresh = opts.refreshStore ?? new MemoryRefreshStore(opts.clock);
  }

  async issue(user: User): Promise<IssuedTokens> {
    const now = this.opts.clock();
    const iat = Math.floor(now / 1000);
    const accessToken = await new SignJWT({
      roles: user.roles,
      sites: user.sites,
      agentId: user.agentId,
      username: user.username,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.accessTtl)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(await this.key);
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refresh.put(sha256(refreshToken), user.id, this.refreshTtl * 1000);
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTtl,
      refreshToken,
      refreshExpiresIn: this.refreshTtl,
    };
  }

  /** Checks signature, issuer, audience and expiry against the injected clock. */
  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > this.opts.clock()) return known;
      this.verified.delete(token);
    }
    const principal = await this.verifyJwt(token);
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, principal);
    return principal;
  }

  private async verifyJwt(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.opts.clock()),
      });
      const roles = Array.isArray(payload.roles)
        ? payload.roles.filter((r): r is UserRole => USER_ROLES.includes(r as UserRole))
        : [];
      const sites = Array.isArray(payload.sites) ? payload.sites.filter((s) => typeof s === 'string') : [];
      if (typeof payload.sub !== 'string') throw new TokenError('invalid', 'token has no subject');
      return {
        userId: payload.sub,
        username: typeof payload.username === 'string' ? payload.username : payload.sub,
        roles,
        sites,
        agentId: typeof payload.agentId === 'string' ? payload.agentId : null,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new TokenError('expired', 'token expired');
      throw new TokenError('invalid', 'token invalid');
    }
  }

  /** Consumes a refresh token (single use: a replayed one is refused) and returns its user id. */
  consumeRefresh(token: string): Promise<string | null> {
    return this.refresh.take(sha256(token));
  }

  revokeRefresh(token: string): Promise<void> {
    return this.refresh.drop(sha256(token));
  }
}
