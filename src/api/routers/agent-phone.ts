// The agent's WebRTC phone credentials: the SIP/WebRTC gateway, the agent's SIP address and its
// password, handed to the logged-in agent only (its own endpoint, never another's). The password
// never appears in /web-config.json (public) nor in a log. Without a gateway configured the route
// answers 404: the panel then keeps the desk phone (the ACD rings an outside SIP phone).
import { z } from 'zod';
import { findAgent, ownAgentId, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { notFound } from '../problem.js';
import { defineRoute } from '../route.js';
import { DESK_ROLES } from './agent-desk.js';

/** `serve`'s WebRTC settings (src/app/webrtc-settings.ts reads them from the environment). */
export type WebRtcPhoneSettings = {
  /** The gateway's WebSocket, e.g. wss://pbx.example:8089/ws. */
  wsUrl: string;
  /** The domain of the agents' SIP addresses (sip:<user>@<domain>). */
  domain: string;
  /** SIP user name → password (the PBX's endpoint passwords); a user absent here registers without one. */
  passwords: ReadonlyMap<string, string>;
};

/** The SIP user of an agent: its endpoint without the technology ("PJSIP/arm-1" → "arm-1"), or its id. */
export function sipUserOf(agent: { id: string; endpoint?: string | undefined }): string {
  const tail = agent.endpoint?.split('/').pop()?.split('@')[0];
  return tail || agent.id;
}

const phoneSchema = z.object({
  wsUrl: z.string().describe('the SIP/WebRTC gateway WebSocket'),
  uri: z.string().describe("the agent's SIP address, e.g. sip:arm-1@pbx.example"),
  authorizationUser: z.string(),
  password: z.string().nullable().describe('null when the gateway asks for none'),
  displayName: z.string(),
});

export function agentPhoneRoutes(ctx: ApiContext & { webRtc?: WebRtcPhoneSettings | undefined }) {
  return [
    defineRoute({
      id: 'getAgentPhone',
      method: 'get',
      path: '/sites/:siteId/agent/phone',
      tag: 'agent',
      summary: "The agent's WebRTC phone: gateway, SIP address and password (the agent's own only)",
      access: DESK_ROLES,
      params: siteParams,
      response: { description: 'What the panel registers with', schema: phoneSchema },
      problems: [404],
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        findAgent(site, agentId);
        const web = ctx.webRtc;
        if (!web)
          throw notFound(
            'no-webrtc-phone',
            'Aucun téléphone WebRTC sur ce site : utilisez le téléphone du poste',
            'no WebRTC gateway is configured: use the desk phone',
          );
        const config = site.state.data.config.agents.find((a) => a.id === agentId);
        const user = sipUserOf(config ?? { id: agentId });
        return {
          wsUrl: web.wsUrl,
          uri: `sip:${user}@${web.domain}`,
          authorizationUser: user,
          password: web.passwords.get(user) ?? null,
          displayName: config?.name ?? agentId,
        };
      },
    }),
  ];
}
