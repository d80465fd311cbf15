// The token check at the Socket.IO handshake: the same access token as the REST API, given as
// `auth: { token }` by the client (or an Authorization header). A refused handshake reaches the
// client as `connect_error` with `data: { status, reason }`.
import type { Socket } from 'socket.io';
import { hasAnyRole, TokenError, type Principal, type TokenService, type UserRole } from '../auth/index.js';

export class HandshakeError extends Error {
  readonly data: { status: number; reason: string };
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.data = { status, reason };
  }
}

export async function principalOf(
  socket: Socket,
  tokens: TokenService,
  roles: readonly UserRole[],
): Promise<Principal> {
  const auth = socket.handshake.auth as { token?: unknown };
  const header = socket.handshake.headers.authorization;
  const token = typeof auth.token === 'string' ? auth.token : /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) throw new HandshakeError(401, 'token-missing', 'token missing: connect with auth: { token }');
  let principal: Principal;
  try {
    principal = await tokens.verify(token);
  } catch (err) {
    const expired = err instanceof TokenError && err.code === 'expired';
    throw new HandshakeError(
      401,
      expired ? 'token-expired' : 'token-invalid',
      expired ? 'token expired' : 'token invalid',
    );
  }
  if (!hasAnyRole(principal, roles))
    throw new HandshakeError(
      403,
      'role-forbidden',
      `this namespace needs one of the roles ${roles.join(', ')}`,
    );
  return principal;
}

/** Closes the connection when its token expires (the client refreshes and reconnects). */
export function closeOnExpiry(socket: Socket, principal: Principal, clock: () => number): void {
  const timer = setTimeout(
    () => {
      socket.emit('expired', { reason: 'token-expired' });
      socket.disconnect(true);
    },
    Math.min(Math.max(0, principal.expiresAt - clock()), 2_147_000_000),
  );
  timer.unref();
  socket.once('disconnect', () => clearTimeout(timer));
}

/** The sites the client asked for (all of its own by default), kept to those it may see and we serve. */
export function sitesFor(socket: Socket, principal: Principal, served: Set<string>): string[] {
  const asked = (socket.handshake.auth as { sites?: unknown }).sites;
  const wanted = Array.isArray(asked) ? asked.filter((s): s is string => typeof s === 'string') : null;
  const forbidden = wanted?.filter((s) => !principal.sites.includes(s)) ?? [];
  if (forbidden.length > 0)
    throw new HandshakeError(403, 'site-forbidden', `not allowed on site(s) ${forbidden.join(', ')}`);
  return (wanted ?? principal.sites).filter((s) => served.has(s));
}
