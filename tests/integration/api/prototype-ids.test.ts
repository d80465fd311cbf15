// Ids from outside that name an Object.prototype member ("constructor", "toString"…) name nothing:
// every path parameter of every route (callback tasks, alarms, lines, recordings, calls, agents…)
// and the ids carried in bodies (an LRM's call reference, a dial-out's callback task) are refused
// as unknown with a 4xx, never looked up in a plain record (which would answer 500), and change
// nothing (src/api/prototype-ids.ts, src/core/prototype-ids.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '../../../src/auth/index.js';
import { startHarness, USERS, type Harness } from './harness.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__'];

let h: Harness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  for (const u of ['admin', 'sup44', 'arm1', 'osnp1', 'lrm44']) tokens[u] = await h.token(u);
});
afterAll(async () => {
  await h.stop();
});

const state = () => JSON.stringify([...h.sites.values()].map((s) => s.state.data));

/** A user of site 44 allowed on the route (its roles), so that only the id can be refused. */
function userFor(access: unknown): string {
  if (!Array.isArray(access)) return 'admin';
  const fits = (u: string) =>
    USERS.find((x) => x.username === u)!.roles.some((r) => (access as UserRole[]).includes(r));
  return ['sup44', 'arm1', 'osnp1', 'lrm44', 'admin'].find(fits) ?? 'admin';
}

describe('ids naming Object.prototype members', () => {
  it('as any path parameter of any route: 404 unknown, nothing changed', async () => {
    let tried = 0;
    for (const route of h.api.routes) {
      const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!).filter((n) => n !== 'siteId');
      for (const param of names) {
        for (const id of NAMES) {
          const path = names.reduce(
            (p, n) => p.replace(`:${n}`, n === param ? encodeURIComponent(id) : 'x-1'),
            route.path.replace(':siteId', '44'),
          );
          const before = state();
          const r = await h.call(route.method.toUpperCase(), path, { as: userFor(route.access), body: {} });
          const what = `${route.method.toUpperCase()} ${path}`;
          expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(404);
          expect(String(r.body?.reason), what).toMatch(/^unknown-/);
          expect(state(), `${what} changed a site`).toBe(before);
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThan(50);
  });

  it("in a body: an LRM's call reference, a dial-out's call and callback task", async () => {
    for (const id of NAMES) {
      const before = state();
      const lrm = await h.call('POST', '/sites/44/lrm/dial', {
        as: 'lrm44',
        body: { fromCallRef: id, agentId: 'arm-1', number: '0612345678' },
      });
      expect(lrm.status, `fromCallRef ${id}: ${JSON.stringify(lrm.body)}`).toBeGreaterThanOrEqual(400);
      expect(lrm.status).toBeLessThan(500);
      const dial = await h.call('POST', '/sites/44/agent/dial', {
        as: 'arm1',
        body: { number: '0612345678', taskId: id },
      });
      expect(dial.status, `taskId ${id}: ${JSON.stringify(dial.body)}`).toBeGreaterThanOrEqual(400);
      expect(dial.status).toBeLessThan(500);
      const from = await h.call('POST', '/sites/44/agent/dial', {
        as: 'arm1',
        body: { number: '0612345678', fromCallId: id },
      });
      expect(from.status, `fromCallId ${id}: ${JSON.stringify(from.body)}`).toBeGreaterThanOrEqual(400);
      expect(from.status).toBeLessThan(500);
      expect(state()).toBe(before);
    }
  });
});
