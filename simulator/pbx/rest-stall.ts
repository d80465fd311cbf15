// Fault switch (test only): ARI REST requests that get no answer, as when the link dies with a
// request in flight. A stalled request is either never carried out or carried out with its answer
// lost; then the connection is held open for ever (`hang`) or reset (`reset`). ari-client's REST
// layer never settles either (src/telephony/ari/rest-timeout.ts says why and what the ACD does).
import type { NextFunction, Request, Response } from 'express';

export type StallSpec = {
  /** How many of the next matching requests stall. */
  count: number;
  /** Only requests of this method (any when absent). */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Only requests whose path under /ari matches this regular expression (e.g. "^/channels$"). */
  path?: string;
  /** Only requests whose full URL (query included) matches this regular expression (e.g. "name=call-"). */
  url?: string;
  /** Carried out by the PBX before the answer is lost (default false: never reaches it). */
  carryOut?: boolean;
  /** What becomes of the connection: held open (default) or reset. */
  then?: 'hang' | 'reset';
  /** Not stalled but slow: carried out and answered this many ms late (a PBX under load). */
  slowMs?: number;
};

export class RestStalls {
  private spec: StallSpec | null = null;
  /** Requests stalled so far (ground truth for the tests). */
  stalled: { method: string; path: string; carriedOut: boolean }[] = [];

  set(spec: StallSpec | null): void {
    this.spec = spec && spec.count > 0 ? { ...spec } : null;
  }

  get left(): number {
    return this.spec?.count ?? 0;
  }

  /** Express middleware on /ari: stalls the request when the switch says so. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const s = this.spec;
    if (
      !s ||
      (s.method && req.method !== s.method) ||
      (s.path && !new RegExp(s.path).test(req.path)) ||
      (s.url && !new RegExp(s.url).test(req.originalUrl))
    )
      return next();
    if (--s.count <= 0) this.spec = null;
    if (s.slowMs) {
      this.stalled.push({ method: req.method, path: req.path, carriedOut: true });
      setTimeout(next, s.slowMs);
      return;
    }
    const carriedOut = s.carryOut ?? false;
    this.stalled.push({ method: req.method, path: req.path, carriedOut });
    const socket = req.socket;
    const drop = (): void => {
      if (s.then === 'reset') socket.destroy();
      // 'hang': nothing is ever written; the socket stays open until the client or sim-pbx closes it.
    };
    if (!carriedOut) return drop();
    // Carried out, its answer lost: whatever the route writes goes nowhere.
    res.write = (() => true) as Response['write'];
    res.end = ((): Response => {
      drop();
      return res;
    }) as Response['end'];
    next();
  };
}
