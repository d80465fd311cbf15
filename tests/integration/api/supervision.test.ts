/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read loosely in tests */
// Supervisor and admin routes: the room, moving agents between levels, pausing and logging out
// agents, switching lines, the operating mode, and the site configuration (a bad one is refused
// whole with every field named, and changes nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
const site = () => h.runtimes.get('44')!;

describe('the room', () => {
  it('overview, queues, calls, agents and alarms for a supervisor of the site', async () => {
    site().dispatch({
      type: 'arriveCall',
      callId: 'w1',
      line: '15',
      callerNumber: '0699999999',
      callerName: 'Paul Martin',
    });
    for (const path of ['overview', 'queues', 'calls', 'agents', 'alarms']) {
      const r = await h.call('GET', `/sites/44/${path}`, { as: 'sup44' });
      expect(r.status, path).toBe(200);
      expect((await h.call('GET', `/sites/44/${path}`, { as: 'sup85' })).status, path).toBe(403);
      expect((await h.call('GET', `/sites/44/${path}`, { as: 'arm1' })).status, path).toBe(403);
      expect((await h.call('GET', `/sites/44/${path}`)).status, path).toBe(401);
    }
    const overview = (await h.call('GET', '/sites/44/overview', { as: 'sup44' })).body;
    expect(overview.queues.find((q: any) => q.id === 'n1')).toMatchObject({ waiting: 1, offered: 0 });
    expect(overview.calls).toEqual([
      expect.objectContaining({ id: 'w1', waiting: expect.objectContaining({ queueId: 'n1' }) }),
    ]);
    // The supervision views carry no caller data.
    expect(JSON.stringify(overview)).not.toMatch(/0699999999|Paul Martin/);
    const alarms = (await h.call('GET', '/sites/44/alarms', { as: 'sup44' })).body.alarms;
    expect(alarms.map((a: any) => a.id)).toContain('presence:mru');
    expect((await h.call('GET', '/sites/99/queues', { as: 'sup44' })).status).toBe(403);
    site().dispatch({ type: 'callerHungUp', callId: 'w1' });
  });
});

describe('agents', () => {
  it('moves an agent between levels within the role rules', async () => {
    const move = await h.call('PUT', '/sites/44/agents/arm-4/skills', {
      as: 'sup44',
      body: { skills: [{ queue: 'n2-amu', preference: 1 }] },
    });
    expect(move.status).toBe(200);
    expect(move.body.agent.skills).toEqual([{ queue: 'n2-amu', preference: 1 }]);
    const osnpQueue = await h.call('PUT', '/sites/44/agents/arm-4/skills', {
      as: 'sup44',
      body: { skills: [{ queue: 'book-mg', preference: 1 }] },
    });
    expect(osnpQueue.status).toBe(422);
    expect(osnpQueue.body.reason).toBe('role-rule');
    expect(site().state.data.agents['arm-4']!.skills).toEqual([{ queue: 'n2-amu', preference: 1 }]);
    const bad = await h.call('PUT', '/sites/44/agents/arm-4/skills', {
      as: 'sup44',
      body: { skills: [{ queue: 'n1', preference: 0 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.skills.0.preference');
    expect(
      (await h.call('PUT', '/sites/44/agents/ghost/skills', { as: 'sup44', body: { skills: [] } })).status,
    ).toBe(404);
    expect(
      (await h.call('PUT', '/sites/44/agents/arm-4/skills', { as: 'arm1', body: { skills: [] } })).status,
    ).toBe(403);
  });

  it('pauses and logs out an agent', async () => {
    site().dispatch({ type: 'agentLogin', agentId: 'arm-3' });
    const pause = await h.call('POST', '/sites/44/agents/arm-3/pause', {
      as: 'sup44',
      body: { reason: 'débriefing' },
    });
    expect(pause.status).toBe(200);
    expect(pause.body.agent).toMatchObject({ status: 'paused', pauseReason: 'débriefing' });
    const out = await h.call('POST', '/sites/44/agents/arm-3/logout', { as: 'sup44', body: {} });
    expect(out.status).toBe(200);
    expect(out.body.agent.status).toBe('logged-out');
    const again = await h.call('POST', '/sites/44/agents/arm-3/logout', { as: 'sup44', body: {} });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('not-logged-in');
  });
});

describe('lines and mode', () => {
  it('switches a line to the partner SAS and back', async () => {
    const unknown = await h.call('POST', '/sites/44/lines/pro/switch', {
      as: 'sup44',
      body: { partnerId: '13' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.reason).toBe('unknown-partner');
    const badShare = await h.call('POST', '/sites/44/lines/pro/switch', {
      as: 'sup44',
      body: { partnerId: '85', share: 2 },
    });
    expect(badShare.body.errors[0].field).toBe('body.share');
    const sw = await h.call('POST', '/sites/44/lines/pro/switch', {
      as: 'sup44',
      body: { partnerId: '85', share: 0.5 },
    });
    expect(sw.status).toBe(200);
    expect(sw.body.lineSwitches).toEqual([
      expect.objectContaining({ line: 'pro', partnerId: '85', share: 0.5 }),
    ]);
    const back = await h.call('POST', '/sites/44/lines/pro/restore', { as: 'sup44', body: {} });
    expect(back.status).toBe(200);
    expect(back.body.lineSwitches).toEqual([]);
    expect((await h.call('POST', '/sites/44/lines/pro/restore', { as: 'sup44', body: {} })).status).toBe(409);
  });

  it('overrides the operating mode and returns to the schedule', async () => {
    const one = await h.call('PUT', '/sites/44/mode', {
      as: 'sup44',
      body: { mode: 'one-level', until: h.now() + 3_600_000 },
    });
    expect(one.status).toBe(200);
    expect(one.body.mode).toBe('one-level');
    const past = await h.call('PUT', '/sites/44/mode', {
      as: 'sup44',
      body: { mode: 'one-level', until: 1000 },
    });
    expect(past.status).toBe(422);
    expect(past.body.reason).toBe('bad-until');
    const bad = await h.call('PUT', '/sites/44/mode', { as: 'sup44', body: { mode: 'three-level' } });
    expect(bad.body.errors[0].field).toBe('body.mode');
    const back = await h.call('PUT', '/sites/44/mode', { as: 'sup44', body: { mode: null } });
    expect(back.body.mode).toBe('two-level');
  });
});

describe('site configuration (admin)', () => {
  it('reads it; only an admin of the site may', async () => {
    const r = await h.call('GET', '/sites/44/config', { as: 'admin' });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe('44');
    expect((await h.call('GET', '/sites/44/config', { as: 'sup44' })).status).toBe(403);
    const arm = await h.call('GET', '/sites/44/config', { as: 'arm1' });
    expect(arm.status).toBe(403);
    expect(arm.body.reason).toBe('role-forbidden');
  });

  it('refuses a bad configuration whole, naming every bad field, and changes nothing', async () => {
    const before = JSON.stringify(site().state.data.config);
    const bad = structuredClone(exampleSite) as any;
    bad.queues[0].roles = ['osnp']; // N1 answered by ARMs only
    bad.lines[0].entryQueue = 'nowhere';
    bad.agents[0].wrapUpSeconds = -1;
    const schema = await h.call('PUT', '/sites/44/config', { as: 'admin', body: bad });
    expect(schema.status).toBe(400);
    expect(schema.body.errors.map((e: any) => e.field)).toEqual(['body.agents.0.wrapUpSeconds']);
    bad.agents[0].wrapUpSeconds = 5;
    const refs = await h.call('PUT', '/sites/44/config', { as: 'admin', body: bad });
    expect(refs.status).toBe(400);
    const fields = refs.body.errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.lines.0.entryQueue', 'body.queues.0.roles']));
    // ARMs skilled on N1 are now on a queue their role may not serve: named too.
    expect(fields).toContain('body.agents.0.skills.0.queue');
    expect(JSON.stringify(site().state.data.config)).toBe(before);
  });

  it('replaces a good configuration; another site id is refused (422)', async () => {
    const next = structuredClone(exampleSite) as any;
    next.queues[0].name = 'Niveau 1 (renommé)';
    const ok = await h.call('PUT', '/sites/44/config', { as: 'admin', body: next });
    expect(ok.status).toBe(200);
    expect(ok.body.config.queues[0].name).toBe('Niveau 1 (renommé)');
    expect(site().state.data.config.queues[0]!.name).toBe('Niveau 1 (renommé)');
    const other = await h.call('PUT', '/sites/44/config', { as: 'admin', body: { ...next, id: '85' } });
    expect(other.status).toBe(422);
    expect(other.body.reason).toBe('invalid-config');
    expect((await h.call('PUT', '/sites/44/config', { as: 'sup44', body: next })).status).toBe(403);
  });
});
