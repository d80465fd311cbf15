// An example regulation software (LRM) on the receiving end of the ACD's webhooks: it verifies each
// request's signature (HMAC-SHA256 over timestamp and body), answers 401 to a bad one, keeps a
// delivery once per idempotency key (a repeat is answered 200 and counted as a repeat, never acted
// on twice), and can be told to fail (500) the next N deliveries, to exercise the ACD's retries.
// Used by the tests and the demo; a real LRM does the same three checks.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verify } from '../../src/lrm/signature.js';

export type Delivery = {
  key: string;
  event: string;
  body: unknown;
  attempt: number;
  receivedAt: number;
};

export type ExampleLrm = {
  url: string;
  /** Deliveries acted on, in arrival order (once per idempotency key). */
  received: Delivery[];
  /** Repeats of an idempotency key already received (answered 200, not acted on). */
  repeats: Delivery[];
  /** Requests refused: bad or missing signature (401). */
  refused: { reason: string }[];
  /** Requests answered 500 on purpose. */
  failedOnPurpose: number;
  /**
   * The next `n` deliveries (optionally only those `when` selects) are answered 500; with
   * `afterActing`, the LRM acts on them first (a reply lost after the work was done).
   */
  failNext(n: number, when?: (d: Delivery) => boolean, afterActing?: boolean): void;
  /**
   * Once `n` deliveries are acted on, the next ones get no answer until `release()` (a sender that
   * dies meanwhile never learns their fate); with `afterActing`, the LRM acts on them first.
   */
  holdAfter(n: number, afterActing?: boolean): void;
  /** Requests waiting for an answer because of `holdAfter`. */
  held: number;
  release(): void;
  close(): Promise<void>;
};

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startExampleLrm(opts: {
  secret: string;
  port?: number;
  host?: string;
  clock?: () => number;
}): Promise<ExampleLrm> {
  const clock = opts.clock ?? Date.now;
  const seen = new Set<string>();
  let failures = 0;
  let failWhen: ((d: Delivery) => boolean) | undefined;
  let failAfterActing = false;
  let holdFrom = Number.POSITIVE_INFINITY;
  let holdAfterActing = false;
  const releaseHeld: (() => void)[] = [];
  const lrm: ExampleLrm = {
    url: '',
    close: () => Promise.resolve(),
    received: [],
    repeats: [],
    refused: [],
    failedOnPurpose: 0,
    failNext(n, when, afterActing = false) {
      failures = n;
      failWhen = when;
      failAfterActing = afterActing;
    },
    held: 0,
    holdAfter(n, afterActing = false) {
      holdFrom = n;
      holdAfterActing = afterActing;
    },
    release() {
      holdFrom = Number.POSITIVE_INFINITY;
      for (const r of releaseHeld.splice(0)) r();
    },
  };
  // Counted before this delivery: with `afterActing` it is already among the received.
  const holdIfAsked = async (): Promise<void> => {
    if (lrm.received.length - (holdAfterActing ? 1 : 0) < holdFrom) return;
    lrm.held++;
    await new Promise<void>((resolve) => releaseHeld.push(resolve));
    lrm.held--;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await bodyOf(req);
      const check = verify(opts.secret, req.headers[SIGNATURE_HEADER] as string | undefined, text, clock());
      if (!check.ok) {
        lrm.refused.push({ reason: check.reason });
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: check.reason }));
        return;
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      const delivery: Delivery = {
        key,
        event: String(req.headers['x-sas-event'] ?? ''),
        body: JSON.parse(text) as unknown,
        attempt: Number(req.headers['x-sas-attempt'] ?? 1),
        receivedAt: clock(),
      };
      if (!holdAfterActing) {
        let gone = false;
        res.once('close', () => (gone = true));
        await holdIfAsked();
        if (gone) return; // the sender gave up or died meanwhile: nothing to act on
      }
      const fail = failures > 0 && (!failWhen || failWhen(delivery));
      if (fail) {
        failures--;
        lrm.failedOnPurpose++;
      }
      if (!fail || failAfterActing) {
        if (seen.has(key)) lrm.repeats.push(delivery);
        else {
          seen.add(key);
          lrm.received.push(delivery);
        }
      }
      if (holdAfterActing) await holdIfAsked();
      if (fail) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    })().catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  lrm.url = `http://${opts.host ?? '127.0.0.1'}:${port}/acd-events`;
  lrm.close = async () => {
    lrm.release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return lrm;
}
