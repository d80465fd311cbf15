// Who may act on what: a site in the user's scope, the agent the user is linked to, a call the
// agent holds (or any call of a site the user supervises).
import type { SiteHandle } from '../ports/site-handle.js';
import type { Call } from '../core/model.js';
import { hasAnyRole, SUPERVISION_ROLES, type Principal } from '../auth/index.js';
import type { ApiContext } from './context.js';
import { forbidden, notFound } from './problem.js';

export function siteOf(ctx: ApiContext, principal: Principal, siteId: string): SiteHandle {
  if (!principal.sites.includes(siteId))
    throw forbidden(
      'site-forbidden',
      `Vous n'êtes pas habilité(e) sur le site ${siteId} ; demandez l'accès à un administrateur`,
      `you are not allowed on site ${siteId}; ask an administrator for access`,
    );
  const site = ctx.sites.get(siteId);
  if (!site)
    throw notFound(
      'unknown-site',
      `Le site ${siteId} n'est pas servi par ce serveur`,
      `site ${siteId} is not served here`,
    );
  return site;
}

export function ownAgentId(principal: Principal): string {
  if (!principal.agentId)
    throw forbidden(
      'no-agent',
      "Votre compte n'est lié à aucun poste d'agent",
      'your account is not linked to an agent',
    );
  return principal.agentId;
}

export function isSupervisor(principal: Principal): boolean {
  return hasAnyRole(principal, SUPERVISION_ROLES);
}

export function findCall(site: SiteHandle, callId: string): Call {
  const call = Object.hasOwn(site.state.data.calls, callId) ? site.state.data.calls[callId] : undefined;
  if (!call)
    throw notFound(
      'unknown-call',
      `Appel ${callId} inconnu ou terminé`,
      `call ${callId} is unknown or has ended`,
    );
  return call;
}

export function findAgent(site: SiteHandle, agentId: string) {
  const agent = Object.hasOwn(site.state.data.agents, agentId) ? site.state.data.agents[agentId] : undefined;
  if (!agent)
    throw notFound(
      'unknown-agent',
      `Agent ${agentId} inconnu sur ce site`,
      `no agent ${agentId} on this site`,
    );
  return agent;
}

/**
 * The agent on whose behalf a call command runs. An agent acts as itself, on a call it is
 * connected to (or, for `answer`, offered); a supervisor of the site acts for the agent named in
 * the request, by default the call's only agent.
 */
export function actingAgent(
  principal: Principal,
  call: Call,
  requested: string | undefined,
  options: { offered?: boolean } = {},
): string {
  const holders = options.offered
    ? call.pending?.offer
      ? [call.pending.offer.agentId]
      : []
    : call.parties.map((p) => p.agentId);
  if (isSupervisor(principal)) {
    const agentId = requested ?? (holders.length === 1 ? holders[0] : undefined);
    if (!agentId)
      throw forbidden(
        'agent-required',
        `Précisez « agentId » : l'appel ${call.id} a ${holders.length} agent(s)`,
        `give "agentId": call ${call.id} has ${holders.length} agent(s)`,
      );
    return agentId;
  }
  const own = ownAgentId(principal);
  if ((requested !== undefined && requested !== own) || !holders.includes(own))
    throw forbidden(
      'not-your-call',
      `L'appel ${call.id} n'est pas ${options.offered ? 'proposé' : 'tenu'} par votre poste ${own}`,
      `call ${call.id} is not ${options.offered ? 'offered to' : 'held by'} your agent ${own}`,
    );
  return own;
}
