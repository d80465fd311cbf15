// Authentication and authorisation: users, passwords, tokens, roles, login limits, and the seam
// for an OpenID Connect provider.
export * from './roles.js';
export { hashPassword, verifyPassword, type ScryptCost } from './password.js';
export { InMemoryUserStore, type User, type UserStore, type NewUser } from './user-store.js';
export { seedDemoUsers } from './demo-users.js';
export { TokenService, TokenError, type IssuedTokens } from './tokens.js';
export { LoginLimiter, type LoginLimiterOptions } from './rate-limiter.js';
export { MemoryRefreshStore, RedisRefreshStore, type RefreshStore } from './refresh-store.js';
export type { OidcProvider, ExternalIdentity } from './identity-provider.js';
