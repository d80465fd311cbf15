// Where users come from. The API only needs to find a user by name (password login), by id
// (refresh) or by an external identity (OpenID Connect, e.g. Pro Santé Connect); a database-backed
// store implements the same interface.
import { hashPassword, DEFAULT_COST, type ScryptCost } from './password.js';
import type { UserRole } from './roles.js';

export type User = {
  id: string;
  username: string;
  displayName: string;
  /** scrypt hash (see password.ts); null for a user who only signs in through an identity provider. */
  passwordHash: string | null;
  roles: UserRole[];
  sites: string[];
  agentId: string | null;
  /** Identities at external providers, e.g. { provider: 'psc', subject: '8100…' } (RPPS-based). */
  externalIds: { provider: string; subject: string }[];
  disabled: boolean;
};

export interface UserStore {
  findByUsername(username: string): Promise<User | undefined>;
  findById(id: string): Promise<User | undefined>;
  findByExternalId(provider: string, subject: string): Promise<User | undefined>;
}

export type NewUser = Omit<User, 'passwordHash' | 'externalIds' | 'disabled' | 'displayName'> & {
  password?: string;
  displayName?: string;
  externalIds?: User['externalIds'];
};

export class InMemoryUserStore implements UserStore {
  private readonly byId = new Map<string, User>();

  /** `cost` lowers scrypt's work factor for tests only; production keeps the default. */
  constructor(private readonly cost: ScryptCost = DEFAULT_COST) {}

  async add(input: NewUser): Promise<User> {
    if ([...this.byId.values()].some((u) => u.username === input.username))
      throw new Error(`user "${input.username}" already exists`);
    const user: User = {
      id: input.id,
      username: input.username,
      displayName: input.displayName ?? input.username,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password, this.cost),
      roles: [...input.roles],
      sites: [...input.sites],
      agentId: input.agentId,
      externalIds: input.externalIds ?? [],
      disabled: false,
    };
    this.byId.set(user.id, user);
    return user;
  }

  setDisabled(id: string, disabled: boolean): void {
    const user = this.byId.get(id);
    if (user) user.disabled = disabled;
  }

  async findByUsername(username: string): Promise<User | undefined> {
    for (const u of this.byId.values()) if (u.username === username) return u;
    return undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    return this.byId.get(id);
  }

  async findByExternalId(provider: string, subject: string): Promise<User | undefined> {
    for (const u of this.byId.values())
      if (u.externalIds.some((x) => x.provider === provider && x.subject === subject)) return u;
    return undefined;
  }
}
