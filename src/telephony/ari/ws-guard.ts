// Two things ari-client 2.2 does not do with its event WebSocket (lib/client.js, `start`):
// - `stop()` closes the current WebSocket only. A reconnection already scheduled by its backoff
//   (the link was down when the client was stopped) still runs later, opens a new WebSocket and
//   takes the Stasis application from whichever client holds it now: the next leader's.
// - The opening handshake has no time limit (ari-client passes no options to `ws`): a PBX that
//   accepts the TCP connection and never answers the upgrade holds the client for ever, with no
//   reconnection and no WebSocketMaxRetries.
// Every connection attempt, first or later, goes through one assignment, `client._ws = new
// WebSocket(url)`. So this guard turns `_ws` into an accessor on that one client: once stopped, a
// new attempt is aborted before its request is sent (and never retried); while running, an attempt
// still connecting after `connectTimeoutMs` is aborted, which ari-client handles as any failed
// attempt (its backoff, then WebSocketMaxRetries, which src/app/site-pbx.ts answers with a new client).
// Depends on ari-client's internals `_ws` and `_wsClosed` (tests/integration/telephony/ari-ws-guard.test.ts).

type Ws = {
  readyState: number;
  /** ws 6's handshake request: its socket outlives terminate() once the request is sent. */
  _req?: { socket?: { destroy(): void } | null } | null;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  terminate(): void;
};
type ClientInternals = { _ws?: Ws; _wsClosed?: boolean };

const CONNECTING = 0;

export type AriWsGuard = {
  /** From now on every new WebSocket of the client is aborted at once (call before client.stop()). */
  stop(): void;
  /** Attempts aborted so far: timed out (still connecting after the bound) and after stop. */
  readonly aborted: { timedOut: number; afterStop: number };
};

/** Aborts an attempt still connecting, its TCP connection included (ws 6 leaves it open). */
function abort(ws: Ws): void {
  const socket = ws._req?.socket;
  ws.terminate();
  socket?.destroy();
}

export function guardAriWebSocket(
  client: unknown,
  connectTimeoutMs: number,
  onAbort: (reason: 'stopped' | 'connect-timeout') => void = () => undefined,
): AriWsGuard {
  const c = client as ClientInternals;
  let current = c._ws;
  let stopped = false;
  const aborted = { timedOut: 0, afterStop: 0 };
  const noop = (): void => undefined;
  Object.defineProperty(c, '_ws', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (ws: Ws) => {
      current = ws;
      if (stopped) {
        aborted.afterStop++;
        c._wsClosed = true; // ari-client then neither reconnects nor reports anything
        // ws 6 (ari-client's) emits the abort's error synchronously, before ari-client listens.
        ws.on('error', noop);
        abort(ws);
        onAbort('stopped');
        return;
      }
      const timer = setTimeout(() => {
        if (ws.readyState !== CONNECTING) return;
        aborted.timedOut++;
        abort(ws); // an 'error' for ari-client: its usual reconnection
        onAbort('connect-timeout');
      }, connectTimeoutMs);
      timer.unref();
      ws.once('open', () => clearTimeout(timer));
      ws.once('close', () => clearTimeout(timer));
    },
  });
  return {
    stop: () => {
      stopped = true;
    },
    aborted,
  };
}
