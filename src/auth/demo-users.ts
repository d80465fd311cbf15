// Demo users for the example site (src/core/example-site.ts). Only `sas-acd demo` calls this: a
// real deployment creates its users itself and never ships a known password.
import type { InMemoryUserStore, User } from './user-store.js';
import type { UserRole } from './roles.js';

const AGENTS: [string, UserRole][] = [
  ['arm-1', 'arm'],
  ['arm-2', 'arm'],
  ['arm-3', 'arm'],
  ['arm-4', 'arm'],
  ['arm-5', 'arm'],
  ['arm-6', 'arm'],
  ['mru-1', 'mru'],
  ['osnp-1', 'osnp'],
  ['mrg-1', 'mrg'],
];

/** Adds one user per example agent (username = agent id), a supervisor and an admin, all with `password`. */
export async function seedDemoUsers(
  store: InMemoryUserStore,
  options: { siteId?: string; password?: string } = {},
): Promise<User[]> {
  const site = options.siteId ?? '44';
  const password = options.password ?? 'demo';
  const users: User[] = [];
  for (const [agentId, role] of AGENTS) {
    users.push(
      await store.add({
        id: `u-${agentId}`,
        username: agentId,
        password,
        roles: [role],
        sites: [site],
        agentId,
      }),
    );
  }
  users.push(
    await store.add({
      id: 'u-sup-1',
      username: 'sup-1',
      password,
      roles: ['supervisor'],
      sites: [site],
      agentId: 'sup-1',
    }),
  );
  users.push(
    await store.add({
      id: 'u-admin',
      username: 'admin',
      password,
      roles: ['admin'],
      sites: [site],
      agentId: null,
    }),
  );
  return users;
}
