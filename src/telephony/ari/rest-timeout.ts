// A bounded wait on every ARI REST request. ari-client 2.2 goes through swagger-client 2.0.26, whose
// HTTP layer (shred) reports a socket error ("request_error") to no one: a request whose connection
// is reset or refused, or that the PBX accepts and never answers, never settles, and whatever
// awaits it (an effect, and every later effect of the same call; a take-over) waits for ever. Here
// each REST operation of the client's resources (client.channels.originate, client.bridges.list…)
// races a timer, so a hang becomes an AriRestTimeout that the callers already handle as any failed
// request: the adapter turns it into a domain fact (a ring that failed) or leaves it to the
// reconciliation and the next take-over (docs/engine.md, "When an ARI request gets no answer").
// The request itself cannot be aborted through swagger-client; a late answer is ignored.
import ari from 'ari-client';

/** Default bound on one ARI request (ms). Asterisk answers in milliseconds; illustrative. */
export const ARI_REST_TIMEOUT_MS = 10_000;

/** The resources of Asterisk 22's ARI (api-docs/resources.json) that ari-client attaches. */
const RESOURCES = [
  'asterisk',
  'endpoints',
  'channels',
  'bridges',
  'recordings',
  'sounds',
  'playbacks',
  'deviceStates',
  'mailboxes',
  'events',
  'applications',
] as const;

export class AriRestTimeout extends Error {
  constructor(
    readonly operation: string,
    readonly ms: number,
  ) {
    super(`ARI request ${operation} got no answer within ${ms} ms`);
    this.name = 'AriRestTimeout';
  }
}

/** `promise`, or an AriRestTimeout once `ms` have passed (the timer never keeps the process up). */
export function bounded<T>(promise: PromiseLike<T>, ms: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AriRestTimeout(operation, ms)), ms);
    timer.unref();
    Promise.resolve(promise).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}

/**
 * Bounds every REST operation of a connected ari-client (in place; returns it). Operations on
 * resource instances (`client.Channel().hangup()`) are not covered: the adapter does not use them.
 */
export function withRestTimeout<T>(client: T, ms: number): T {
  const c = client as Record<string, unknown>;
  for (const resource of RESOURCES) {
    const ops = c[resource] as Record<string, unknown> | undefined;
    if (!ops || typeof ops !== 'object') continue;
    for (const [name, op] of Object.entries(ops)) {
      if (typeof op !== 'function') continue;
      const call = op as (...args: unknown[]) => PromiseLike<unknown>;
      ops[name] = (...args: unknown[]) => bounded(call.apply(ops, args), ms, `${resource}.${name}`);
    }
  }
  return client;
}

/**
 * ari.connect (which loads a dozen api-docs over REST, and can hang the same way), bounded by three
 * times the request bound and at least ARI_REST_TIMEOUT_MS, with every REST operation of the client
 * it gives bounded. A client that connects after the bound is dropped (it has no WebSocket yet).
 */
export async function connectAri(url: string, user: string, password: string, ms: number): Promise<unknown> {
  const connectMs = Math.max(3 * ms, ARI_REST_TIMEOUT_MS);
  return withRestTimeout(await bounded(ari.connect(url, user, password), connectMs, 'connect'), ms);
}

/** ARI_REST_TIMEOUT_MS from the environment: an integer of at least 100 (ms). */
export function parseRestTimeoutMs(env: Record<string, string | undefined>, errors: string[]): number {
  const ms = Number(env.ARI_REST_TIMEOUT_MS ?? ARI_REST_TIMEOUT_MS);
  if (!Number.isInteger(ms) || ms < 100) errors.push('ARI_REST_TIMEOUT_MS: an integer of at least 100 (ms)');
  return ms;
}
