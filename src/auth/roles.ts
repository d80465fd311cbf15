// The roles a user of the API may hold. The first four are the agents' roles of the routing engine
// (arm, osnp, mrg, mru); a supervisor runs the room; an admin manages the site configuration;
// `lrm` is the regulation software's own client (src/api/routers/lrm.ts), never a person; `quality`
// reviews calls after the fact (report P98 "écoutes de bandes", complaints, incident reviews): the
// recordings, their legal holds and the listening audit, and nothing live (docs/recording.md).
export const USER_ROLES = ['arm', 'osnp', 'mrg', 'mru', 'supervisor', 'admin', 'lrm', 'quality'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Roles that answer calls: they act through the agent id their user is linked to. */
export const AGENT_ROLES: readonly UserRole[] = ['arm', 'osnp', 'mrg', 'mru'];
/** Roles that watch and steer a room. */
export const SUPERVISION_ROLES: readonly UserRole[] = ['supervisor', 'admin'];

/** Who the caller of a request is, as the access token says. */
export type Principal = {
  userId: string;
  username: string;
  roles: UserRole[];
  /** Site ids the user may act on. */
  sites: string[];
  /** The engine agent the user acts as, when the user answers calls. */
  agentId: string | null;
  /** When the token stops being valid (epoch ms); live connections are closed then. */
  expiresAt: number;
};

export const hasAnyRole = (p: Principal, roles: readonly UserRole[]): boolean =>
  p.roles.some((r) => roles.includes(r));
