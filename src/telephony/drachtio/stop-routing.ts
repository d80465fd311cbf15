// Tells drachtio-server to stop handing this app new requests, and waits for its answer. drachtio-srf
// 5.0.29 has `removeRoute` but sends `remove_route` without waiting for the reply; drachtio-server
// (0.9.4, src/client.cpp and client-controller.cpp `no_longer_wants_requests`) removes every route of
// the connection and answers OK. Once that answer is in, no new INVITE is picked for this app: one
// picked before was written on the same connection ahead of the answer (both go out through the
// connection's one event loop), so it has reached the app by then.
import type { Srf } from './libs.js';

type Agent = {
  verbs: Map<string, unknown>;
  mapServer: Map<
    unknown,
    { authenticated: boolean; pendingRequests: Map<string, (response: string[]) => void> }
  >;
  wp: { send(socket: unknown, msg: string): string };
};

/** Resolves once drachtio-server confirmed; rejects when not connected, refused or not answered in time. */
export function stopRouting(srf: Srf, verb = 'invite', timeoutMs = 3000): Promise<void> {
  const agent = (srf as unknown as { _app?: { client?: Agent } })._app?.client;
  if (!agent) return Promise.reject(new Error('stopRouting: not connected to drachtio'));
  // A reconnection must not route this verb again.
  agent.verbs.delete(verb);
  const waits: Promise<void>[] = [];
  for (const [socket, server] of agent.mapServer) {
    if (!server.authenticated) continue;
    waits.push(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('drachtio did not answer remove_route')), timeoutMs);
        const id = agent.wp.send(socket, `remove_route|${verb}`);
        server.pendingRequests.set(id, (response) => {
          clearTimeout(timer);
          if (response[0] === 'OK') resolve();
          else reject(new Error(`drachtio refused remove_route: ${response.join('|')}`));
        });
      }),
    );
  }
  if (waits.length === 0) return Promise.reject(new Error('stopRouting: no drachtio connection'));
  return Promise.all(waits).then(() => undefined);
}
