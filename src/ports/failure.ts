// Why an outside service (the PBX, Redis, the LRM endpoint) did not answer, as a stable code the
// console words in French (« what is wrong, what to check »: web/src/console/dependency-words.ts)
// and the raw technical detail for the engineer (the server log, the API's `error`). Node's fetch hides the useful part in `cause`
// ("fetch failed" alone says nothing): the cause's code and message are kept in the detail.

export type FailureCode =
  /** Nothing listens at that address (the service is stopped, or the port is wrong). */
  | 'refused'
  /** No answer within the bound (overloaded, or the network drops packets). */
  | 'timeout'
  /** The name does not resolve (a wrong URL). */
  | 'dns'
  /** No route to the host (network, firewall). */
  | 'unreachable'
  /** The connection was cut while talking. */
  | 'reset'
  /** The client gave up reconnecting (ioredis): stopped, or the network is cut. */
  | 'down'
  /** The service refuses the credentials (HTTP 401/403). */
  | 'auth'
  /** The service answered with another HTTP error. */
  | 'http'
  | 'other';

export type Failure = { code: FailureCode; detail: string };

const BY_ERRNO: Record<string, FailureCode> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  // FreeSWITCH's event socket closed (src/observability/freeswitch-round-trip.ts).
  ESL_DOWN: 'down',
};

/** An HTTP answer that is not a success, with its status (classified as `auth` or `http`). */
export class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function failureOf(err: unknown): Failure {
  const e = err as (Error & { code?: string; cause?: { code?: string; message?: string } }) | undefined;
  const message = e?.message ?? String(err);
  if (e instanceof HttpStatusError)
    return { code: e.status === 401 || e.status === 403 ? 'auth' : 'http', detail: message };
  // AbortSignal.timeout's abort, or a bound of our own.
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { code: 'timeout', detail: message };
  const cause = e?.cause;
  const errno = cause?.code ?? e?.code;
  const detail = cause?.message && cause.message !== message ? `${message}: ${cause.message}` : message;
  return { code: (errno && BY_ERRNO[errno]) || 'other', detail };
}

/** `work` bounded by `ms`: rejects with a TimeoutError when it takes longer (the work is not stopped). */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${what}: no answer within ${ms} ms`);
      err.name = 'TimeoutError';
      reject(err);
    }, ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}
