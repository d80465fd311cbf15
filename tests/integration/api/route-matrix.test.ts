/* eslint-disable @typescript-eslint/no-explicit-any -- JSON schemas read loosely */
// Every declared route, generically: 401 without a token, 403 for a role it does not allow (an
// ARM on supervisor and admin routes), 403 for a supervisor of another site, 400 naming the field
// for a bad parameter or body. Success paths are in the other files, route by route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRoute } from '../../../src/api/index.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const VALUES: Record<string, string> = {
  siteId: '44',
  callId: 'c-x',
  agentId: 'arm-1',
  taskId: 't-x',
  lineId: '15',
  month: '2026-03',
  commandId: '00000000-0000-4000-8000-000000000000',
};
const pathOf = (r: AnyRoute, over: Record<string, string> = {}) =>
  r.path.replace(/:([A-Za-z]+)/g, (_m, k: string) => over[k] ?? VALUES[k] ?? 'x');
const allows = (r: AnyRoute, role: string) =>
  r.access === 'authenticated' || (Array.isArray(r.access) && r.access.includes(role));
const userFor = (r: AnyRoute) =>
  allows(r, 'arm') ? 'arm1' : allows(r, 'supervisor') ? 'sup44' : allows(r, 'lrm') ? 'lrm44' : 'admin';

describe('every route', () => {
  it('answers 401 without a token (except login and refresh)', async () => {
    for (const r of h.api.routes) {
      const res = await h.call(r.method.toUpperCase(), pathOf(r), { body: {} });
      if (r.access === 'public') expect(res.status, r.id).not.toBe(401);
      else {
        expect(res.status, r.id).toBe(401);
        expect(res.body.reason, r.id).toBe('token-missing');
      }
    }
  });

  it('answers 403 to an ARM on every supervisor and admin route', async () => {
    const routes = h.api.routes.filter((r) => r.access !== 'public' && !allows(r, 'arm'));
    expect(routes.map((r) => r.id)).toEqual(
      expect.arrayContaining(['replaceConfig', 'getConfig', 'moveAgent', 'listQueues']),
    );
    for (const r of routes) {
      const res = await h.call(r.method.toUpperCase(), pathOf(r), { as: 'arm1', body: {} });
      expect(res.status, r.id).toBe(403);
      expect(res.body.reason, r.id).toBe('role-forbidden');
    }
  });

  it('answers 403 to a supervisor of site 85 on every route of site 44', async () => {
    const routes = h.api.routes.filter((r) => r.path.includes(':siteId') && allows(r, 'supervisor'));
    for (const r of routes) {
      // A valid body, so that only the site scope can refuse.
      const body =
        r.id === 'moveAgent'
          ? { skills: [] }
          : r.id.includes('ause')
            ? { reason: 'x' }
            : r.id === 'setMode'
              ? { mode: null }
              : r.id === 'switchLine'
                ? { partnerId: '85' }
                : r.id === 'qualifyCall'
                  ? { qualification: 'P1' }
                  : r.id === 'completeCallback'
                    ? { outcome: 'x' }
                    : {};
      const res = await h.call(r.method.toUpperCase(), pathOf(r), { as: 'sup85', body });
      expect(res.status, r.id).toBe(403);
      expect(res.body.reason, r.id).toBe('site-forbidden');
    }
  });

  it('answers 400 naming the field for a bad path parameter', async () => {
    for (const r of h.api.routes.filter((x) => x.path.includes(':siteId'))) {
      const res = await h.call(r.method.toUpperCase(), pathOf(r, { siteId: '-44' }), {
        as: userFor(r),
        body: {},
      });
      expect(res.status, r.id).toBe(400);
      expect(
        res.body.errors.map((e: any) => e.field),
        r.id,
      ).toContain('params.siteId');
    }
  });

  it('answers 400 naming the field for a bad body', async () => {
    const paths = h.api.openapi.paths as Record<string, Record<string, any>>;
    for (const r of h.api.routes.filter((x) => x.body && x.access !== 'public')) {
      const op = paths['/api/v1' + r.path.replace(/:([A-Za-z]+)/g, '{$1}')]![r.method];
      const schema = op.requestBody.content['application/json'].schema;
      const required: string[] = schema.required ?? [];
      const props = Object.keys(schema.properties ?? {});
      if (props.length === 0) continue;
      // Missing required fields, or else a wrong type for the first optional one.
      const body = required.length > 0 ? {} : { [props[0]!]: 12345 };
      const expected = required.length > 0 ? required.map((f) => `body.${f}`) : [`body.${props[0]}`];
      const res = await h.call(r.method.toUpperCase(), pathOf(r), { as: userFor(r), body });
      expect(res.status, r.id).toBe(400);
      expect(res.headers.get('content-type'), r.id).toMatch(/^application\/problem\+json/);
      expect(
        res.body.errors.map((e: any) => e.field),
        r.id,
      ).toEqual(expect.arrayContaining(expected));
    }
  });

  it('answers 404 as a problem for an unknown route', async () => {
    const res = await h.call('GET', '/nothing/here', { as: 'arm1' });
    expect(res.status).toBe(404);
    expect(res.body.reason).toBe('no-such-route');
  });
});
