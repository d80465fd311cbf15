/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Bad input gets a clear 4xx naming what is wrong, and changes nothing: unreadable requests
// (charset, Content-Encoding, %-escapes), incomplete or invalid configurations, unknown fields,
// unbounded strings and lists, control characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const site = () => h.sites.get('44')!;
const state = () => JSON.stringify(site().state.data);

async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(h.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text) as any };
}

describe('unreadable requests', () => {
  it('answers 415 to an unsupported charset, before anything runs', async () => {
    const token = await h.token('arm1');
    const before = state();
    const r = await raw(
      'POST',
      '/api/v1/sites/44/agent/login',
      { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=latin-9' },
      '{}',
    );
    expect(r.status).toBe(415);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect(r.body.reason).toBe('unsupported-charset');
    expect(r.body.detail).toMatch(/Jeu de caractères/);
    expect(state()).toBe(before);
  });

  it('answers 415 to an unsupported Content-Encoding', async () => {
    const token = await h.token('admin');
    const before = state();
    const r = await raw(
      'PUT',
      '/api/v1/sites/44/config',
      { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'zstd-x' },
      JSON.stringify(exampleSite),
    );
    expect(r.status).toBe(415);
    expect(r.body.reason).toBe('unsupported-encoding');
    expect(state()).toBe(before);
  });

  it('answers 400 to a broken %-escape in the URL', async () => {
    const token = await h.token('sup44');
    for (const path of ['/api/v1/sites/%E0%A4%A/calls', '/api/v1/sites/44/agents/%zz/pause']) {
      const r = await raw('POST', path, {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      });
      expect(r.status, path).toBe(400);
      expect(r.body.reason).toBe('malformed-url');
    }
  });
});

describe('configuration: validated whole before any of it applies', () => {
  it('refuses an unknown time zone and keeps the site working', async () => {
    const before = state();
    const bad = structuredClone(exampleSite) as any;
    bad.calendar = { ...bad.calendar, timeZone: 'Mars/Olympus_Mons' };
    bad.queues[0].name = 'would be renamed';
    const r = await h.call('PUT', '/sites/44/config', { as: 'admin', body: bad });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field)).toEqual(['body.calendar.timeZone']);
    expect(state()).toBe(before);
    // the site still answers what needs its calendar
    expect((await h.call('GET', '/sites/44/overview', { as: 'sup44' })).status).toBe(200);
    expect((await h.call('GET', '/sites/44/indicators/live', { as: 'sup44' })).status).toBe(200);
  });

  it('refuses a PUT that leaves a section out (never reset to defaults), naming it', async () => {
    const before = state();
    const partial = structuredClone(exampleSite) as any;
    delete partial.routing;
    delete partial.roleExceptions;
    const r = await h.call('PUT', '/sites/44/config', { as: 'admin', body: partial });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field)).toEqual(['body.routing', 'body.roleExceptions']);
    expect(r.body.detail).toMatch(/PATCH/);
    expect(state()).toBe(before);
  });

  it('PATCH replaces the sections given and keeps the others', async () => {
    const current = site().state.data.config;
    const r = await h.call('PATCH', '/sites/44/config', {
      as: 'admin',
      body: { dispositions: [...current.dispositions, 'conseil téléphonique (test)'] },
    });
    expect(r.status).toBe(200);
    expect(site().state.data.config.dispositions).toContain('conseil téléphonique (test)');
    expect(site().state.data.config.routing).toEqual(current.routing);
    expect(site().state.data.config.agents).toEqual(current.agents);
    const before = state();
    const bad = await h.call('PATCH', '/sites/44/config', {
      as: 'admin',
      body: { calendar: { timeZone: 'Europe/Nowhere' } },
    });
    expect(bad.status).toBe(400);
    expect(state()).toBe(before);
  });

  it('refuses unknown fields, unbounded lists and strings, control characters, impossible dates', async () => {
    const before = state();
    const cases: [string, (c: any) => void, string][] = [
      ['unknown field', (c) => (c.queues[0].colour = 'red'), 'body.queues.0'],
      ['control character', (c) => (c.agents[0].name = 'ARM\u0007 1'), 'body.agents.0.name'],
      ['100 KB name', (c) => (c.name = 'x'.repeat(100_000)), 'body.name'],
      [
        '10,000 duplicate skills',
        (c) => (c.agents[0].skills = Array.from({ length: 10_000 }, () => c.agents[0].skills[0])),
        'body.agents.0.skills',
      ],
      ['duplicate skills', (c) => c.agents[0].skills.push(c.agents[0].skills[0]), 'body.agents.0.skills'],
      [
        'impossible date',
        (c) => (c.calendar.extraHolidays = ['2026-13-45']),
        'body.calendar.extraHolidays.0',
      ],
      ['far date', (c) => (c.calendar.extraHolidays = ['9999-01-01']), 'body.calendar.extraHolidays.0'],
    ];
    for (const [what, spoil, field] of cases) {
      const bad = structuredClone(exampleSite) as any;
      spoil(bad);
      const r = await h.call('PUT', '/sites/44/config', { as: 'admin', body: bad });
      expect(r.status, what).toBe(400);
      expect(r.body.errors.map((e: any) => e.field).join(' '), what).toContain(field);
    }
    expect(state()).toBe(before);
  });
});

describe('request bodies', () => {
  it('refuses an unknown field with its name', async () => {
    const r = await h.call('POST', '/sites/44/agents/arm-1/pause', {
      as: 'sup44',
      body: { reason: 'pause', resaon: 'typo' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('body');
    expect(r.body.detail).toMatch(/resaon/);
  });

  it('refuses control characters and oversized values in free text and lists', async () => {
    const before = state();
    const pause = await h.call('POST', '/sites/44/agents/arm-2/pause', {
      as: 'sup44',
      body: { reason: 'pause\u0000déjeuner' },
    });
    expect(pause.status).toBe(400);
    expect(pause.body.errors[0].field).toBe('body.reason');
    const skills = await h.call('PUT', '/sites/44/agents/arm-2/skills', {
      as: 'sup44',
      body: { skills: Array.from({ length: 10_000 }, () => ({ queue: 'n1', preference: 1 })) },
    });
    expect(skills.status).toBe(400);
    const twice = await h.call('PUT', '/sites/44/agents/arm-2/skills', {
      as: 'sup44',
      body: {
        skills: [
          { queue: 'n1', preference: 1 },
          { queue: 'n1', preference: 2 },
        ],
      },
    });
    expect(twice.status).toBe(400);
    const mode = await h.call('PUT', '/sites/44/mode', {
      as: 'sup44',
      body: { mode: 'one-level', until: 8.64e15 },
    });
    expect(mode.status).toBe(400);
    expect(state()).toBe(before);
  });
});
