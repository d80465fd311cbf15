// The endpoint side: phones (bot agents, the browser panel's virtual phone) register over a WebSocket,
// are invited when the ACD originates to them, and ring, answer, reject or hang up.
import type { WebSocket } from 'ws';
import type { EndpointSession, Pbx } from './pbx.js';
import { onEndpointMessages } from './validation.js';

export function handleEndpointSocket(pbx: Pbx, ws: WebSocket): void {
  const mine = new Map<string, { session: EndpointSession; autoRing: boolean }>();
  const send = (msg: Record<string, unknown>): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  onEndpointMessages(ws, send, (msg) => {
    switch (msg.type) {
      case 'register': {
        if (pbx.endpoints.has(msg.endpoint) && !mine.has(msg.endpoint)) {
          throw new Error(`${msg.endpoint} is already registered by another connection`);
        }
        const autoRing = msg.autoRing ?? true;
        const session: EndpointSession = {
          invite: (leg) => {
            send({ type: 'invite', ...leg });
            if (autoRing) pbx.endpointRinging(msg.endpoint, leg.channelId);
            if (msg.autoAnswerMs !== undefined) {
              // a bot agent: picks up by itself (on the sim's clock), unless the call went away
              pbx.schedule(msg.autoAnswerMs, () => {
                if (pbx.channels.get(leg.channelId)?.answered === false) {
                  pbx.endpointAnswer(msg.endpoint, leg.channelId);
                }
              });
            }
          },
          cancelled: (channelId, cause) =>
            send({ type: 'cancelled', endpoint: msg.endpoint, channelId, cause }),
          hungUp: (channelId, cause) => send({ type: 'hungup', endpoint: msg.endpoint, channelId, cause }),
        };
        mine.set(msg.endpoint, { session, autoRing });
        pbx.registerEndpoint(msg.endpoint, session, msg.context ?? 'default');
        send({ type: 'registered', endpoint: msg.endpoint });
        return;
      }
      case 'unregister': {
        const own = mustOwn(msg.endpoint);
        mine.delete(msg.endpoint);
        pbx.unregisterEndpoint(msg.endpoint, own.session);
        send({ type: 'unregistered', endpoint: msg.endpoint });
        return;
      }
      case 'ringing':
        mustOwn(msg.endpoint);
        pbx.endpointRinging(msg.endpoint, msg.channelId);
        break;
      case 'answer':
        mustOwn(msg.endpoint);
        pbx.endpointAnswer(msg.endpoint, msg.channelId);
        break;
      case 'reject':
        mustOwn(msg.endpoint);
        pbx.endpointReject(msg.endpoint, msg.channelId, msg.code ?? 486);
        break;
      case 'hangup':
        mustOwn(msg.endpoint);
        pbx.endpointHangup(msg.endpoint, msg.channelId);
        break;
    }
    send({ type: 'ok', request: msg.type, endpoint: msg.endpoint, channelId: msg.channelId });
  });

  function mustOwn(endpoint: string) {
    const own = mine.get(endpoint);
    if (!own) throw new Error(`${endpoint} is not registered on this connection`);
    return own;
  }

  ws.on('close', () => {
    for (const [endpoint, own] of mine) pbx.unregisterEndpoint(endpoint, own.session);
    mine.clear();
  });
}
