// ari-client's WebSocket reconnection made configurable. ari-client (2.x) builds its backoff with
// `require('backoff-func').create({ delay: 100 })` each time a WebSocket opens, and gives up
// (WebSocketMaxRetries) after backoff-func's default of 10 tries; it offers no option for either.
// backoff-func is used by ari-client alone, so its `create` is wrapped once here to add the number
// of tries and the longest wait from our settings (src/app/pbx-relink.ts). With the defaults nothing
// changes. One setting per process: every site's client reconnects the same way.
import { createRequire } from 'node:module';

type BackoffOptions = { delay?: number; maxDelay?: number; maxRetries?: number };
type BackoffFunc = { create(opts?: BackoffOptions): (fn: () => void) => boolean };

let current: { retries: number; maxDelayMs: number } | null = null;

export function configureAriReconnect(retries: number, maxDelayMs: number): void {
  if (!current) {
    // Resolved from ari-client's own place, so that it is the very module ari-client requires.
    const fromAri = createRequire(createRequire(import.meta.url).resolve('ari-client'));
    const backoff = fromAri('backoff-func') as BackoffFunc;
    const create = backoff.create.bind(backoff);
    backoff.create = (opts: BackoffOptions = {}) =>
      create({ ...opts, maxRetries: current!.retries, maxDelay: current!.maxDelayMs });
  }
  current = { retries, maxDelayMs };
}
