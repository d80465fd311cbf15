// Fuzzing the real API (Express app, in-process sites) with fast-check: for every route declared in
// the OpenAPI document, generated hostile requests — bodies built from the route's own schema keys
// and spoilt (wrong types, unknown fields, huge or control-character strings, huge lists), odd path
// parameters, broken %-escapes, charsets and encodings, malformed JSON. None may answer 5xx, and a
// refused one (4xx) must leave every site's state as it was.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyRoute } from '../../../src/api/route.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  // Tokens first: the fuzzed login route may exhaust the address's login allowance.
  for (const u of ['admin', 'sup44', 'arm1', 'osnp1']) tokens[u] = await h.token(u);
});
afterAll(async () => {
  await h.stop();
});

const state = () => JSON.stringify([...h.sites.values()].map((s) => s.state.data));

const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(100_000),
    'a\u0000b',
    'ARM\u0007',
    '\u202e1-mra',
    '%zz',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    '<script>alert(1)</script>',
    '06 12 34 56 78',
    '2026-13-45',
    'Mars/Olympus_Mons',
    'P0',
    'n1',
    'arm-1',
    '44',
  ),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    -1,
    0,
    1e308,
    8.64e15 + 1,
    Number.MAX_SAFE_INTEGER,
    true,
    [],
    {},
    Array.from({ length: 10_000 }, () => ({ queue: 'n1', preference: 1 })),
  ),
);

function keysOf(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** A body from the route's own keys, each given a hostile value or left out, plus maybe an unknown one. */
const bodyFor = (route: AnyRoute): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.record(Object.fromEntries(keysOf(route.body).map((k) => [k, hostileValue])), { requiredKeys: [] }),
    fc
      .tuple(
        fc.record(Object.fromEntries(keysOf(route.body).map((k) => [k, hostileValue])), { requiredKeys: [] }),
        fc.string({ minLength: 1, maxLength: 12 }),
        hostileValue,
      )
      .map(([b, k, v]) => ({ ...b, [k]: v })),
    hostileValue,
  );

const GOOD_PARAMS: Record<string, string[]> = {
  siteId: ['44', '85'],
  callId: ['c-1', 'nope'],
  agentId: ['arm-1', 'arm-2', 'mru-1'],
  taskId: ['t-1'],
  lineId: ['15', 'sdis'],
};
const paramValue = (name: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(GOOD_PARAMS[name] ?? ['x'])) },
    { weight: 1, arbitrary: hostileString.map((s) => encodeURIComponent(s.slice(0, 300))) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '..', '%2F') },
  );

const pathFor = (route: AnyRoute): fc.Arbitrary<string> => {
  const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  return fc
    .tuple(...names.map(paramValue))
    .map((values) => names.reduce((p, n, i) => p.replace(`:${n}`, values[i]!), route.path));
};

const headersArb = fc.record({
  user: fc.constantFrom('admin', 'sup44', 'arm1', 'osnp1', 'none'),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'text/plain',
    'application/x-www-form-urlencoded',
  ),
  encoding: fc.constantFrom(null, null, null, 'gzip', 'deflate', 'br', 'zstd', 'bogus', 'identity'),
  malformed: fc.constantFrom<false | string>(false, false, false, '{"a":', '\u0000', '[1,2', 'null', '"x"'),
});

type HeadersCase = typeof headersArb extends fc.Arbitrary<infer T> ? T : never;

async function send(route: AnyRoute, path: string, body: unknown, hd: HeadersCase) {
  const headers: Record<string, string> = { 'content-type': hd.contentType };
  if (hd.user !== 'none') headers.authorization = `Bearer ${tokens[hd.user]}`;
  if (hd.encoding) headers['content-encoding'] = hd.encoding;
  const hasBody = route.method !== 'get' && route.method !== 'delete';
  const res = await fetch(`${h.url}/api/v1${path}`, {
    method: route.method.toUpperCase(),
    headers,
    ...(hasBody ? { body: typeof hd.malformed === 'string' ? hd.malformed : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('fuzzing every route of the API', () => {
  it('lists the routes the fuzz covers (all of them, from the OpenAPI document)', () => {
    const paths = Object.keys((h.api.openapi as { paths: Record<string, unknown> }).paths);
    expect(h.api.routes.length).toBeGreaterThan(25);
    for (const r of h.api.routes)
      expect(paths).toContain('/api/v1' + r.path.replace(/:([A-Za-z]+)/g, '{$1}'));
  });

  it('never answers 5xx, and a refused request changes no state', async () => {
    const byId = new Map(h.api.routes.map((r) => [r.id, r]));
    const arb = fc.constantFrom(...byId.keys()).chain((id) =>
      fc.record({
        id: fc.constant(id),
        path: pathFor(byId.get(id)!),
        body: bodyFor(byId.get(id)!),
        headers: headersArb,
      }),
    );
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arb, async ({ id, path, body, headers }) => {
        const route = byId.get(id)!;
        const before = state();
        const { status, text } = await send(route, path, body, headers);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        expect(status, `${route.method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(500);
        if (status >= 400) expect(state(), `${route.method} ${path} (${status}) changed state`).toBe(before);
      }),
      { numRuns: 600 },
    );
    // The fuzz reached the handlers, not only the gates: validation refusals and some successes.
    expect(seen.get(400) ?? 0).toBeGreaterThan(0);
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
  }, 120_000);

  it('never answers 5xx to an unknown path or a broken URL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            hostileString.map((s) => encodeURIComponent(s.slice(0, 50))),
            fc.constant('%'),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        async (segments, method) => {
          const before = state();
          const res = await fetch(`${h.url}/api/v1/${segments.join('/')}`, {
            method,
            headers: { authorization: `Bearer ${tokens.admin}` },
          });
          await res.text();
          expect(res.status).toBeLessThan(500);
          expect(state()).toBe(before);
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
