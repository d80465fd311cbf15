// The drachtio adapter's inbound event socket to FreeSWITCH (drachtio-fsmrf's modesl connection)
// across modesl's own reconnections. drachtio-modesl 1.x reconnects an inbound connection by itself
// (backoff from 150 ms, ×1.7) and says `esl::ready` once authenticated again; fsmrf says `end` when
// it drops but nothing when it is back, so without this the adapter stayed "down" until replaced.
// modesl matches replies to commands by order only (one queue of callbacks for `api`, one for the
// other commands) and keeps the callbacks of commands that got no reply before the drop, or were
// written while there was no socket: left there, they would take the replies of the next commands
// on the new connection, every reply shifted by one from then on. They get an -ERR instead, as
// FreeSWITCH answers a command it cannot run.
import type { FsMediaServer } from './libs.js';

/**
 * The longest wait between two of modesl's reconnection tries. Its own backoff (150 ms × 1.7 a try)
 * has no ceiling: tries at about 15, 25, 43, 73 and 124 s, so a FreeSWITCH back after 30 s was seen at
 * 43 s, one back after 75 s only at 124 s, the site's calls held all that time.
 */
export const ESL_RETRY_MAX_MS = 5_000;

/** What an unanswered command's caller gets once the event socket is gone. */
export const EVENT_SOCKET_GONE = '-ERR event socket closed';

type Queues = { apiCallbackQueue?: unknown[]; cmdCallbackQueue?: unknown[] };

const gone = {
  getBody: () => EVENT_SOCKET_GONE,
  getHeader: (name: string) => (name === 'Reply-Text' ? EVENT_SOCKET_GONE : undefined),
};

/** Answers -ERR to every command still waiting for a reply on this connection. */
function failUnanswered(conn: unknown): void {
  const queues = conn as Queues;
  for (const queue of [queues.apiCallbackQueue, queues.cmdCallbackQueue]) {
    if (!Array.isArray(queue)) continue;
    for (const fn of queue.splice(0)) if (typeof fn === 'function') (fn as (e: typeof gone) => void)(gone);
  }
}

/**
 * Follows `ms`'s event socket: `down` when it drops, `up` when modesl has it again (authenticated),
 * trying at least every `retryMaxMs`. Commands left unanswered by the drop are answered -ERR at each
 * of the two.
 */
export function followEventSocket(
  ms: FsMediaServer,
  on: { down(): void; up(): void },
  retryMaxMs = ESL_RETRY_MAX_MS,
): void {
  // drachtio-modesl reads `reconnectOpts.retryMaxDelay` at each try (Connection#_onConnectionGone).
  const conn = ms.conn as unknown as { reconnectOpts?: { retryMaxDelay?: number } };
  conn.reconnectOpts = { ...conn.reconnectOpts, retryMaxDelay: retryMaxMs };
  ms.on('end', () => {
    failUnanswered(ms.conn);
    on.down();
  });
  // First of its listeners: before anyone (the recorder subscribing again) writes on the new link.
  (ms.conn as unknown as { prependListener(event: string, fn: () => void): void }).prependListener(
    'esl::ready',
    () => {
      failUnanswered(ms.conn);
      on.up();
    },
  );
}
