/* eslint-disable @typescript-eslint/no-explicit-any -- CSV rows read loosely */
// The supervisors' files: annex 3 of a month or a year and the call detail records, as CSV, from
// the history of an in-memory site (the harness) and of a stored site (Redis archive + stream).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../../src/ports/logger.js';
import { MemoryHistory } from '../../../src/shell/memory-history.js';
import { isEngineEvent } from '../../../src/core/event-registry.js';
import { SiteShell } from '../../../src/shell/site-shell.js';
import { createApi, InMemoryUserStore } from '../../../src/api/index.js';
import { registerReport } from '../../../src/cli/report.js';
import { parseSiteConfig, type SiteConfig } from '../../../src/core/config.js';
import type { Command as EngineCommand } from '../../../src/core/commands.js';
import type { Result } from '../../../src/core/engine.js';
import { withoutPersonalData } from '../../../src/core/personal-data.js';
import { archiveStep, HOUR_MS } from '../../../src/store/archive.js';
import { Redis } from 'ioredis';
import { PASSWORD, siteConfig, startHarness, type Harness } from './harness.js';

const NUMBER = '0612345678';
const NAME = 'Jeanne Dupont';
const DRM_PHONE = '06 98 76 54 32';

/** Two calls: one answered, qualified P1 with a DRM, then hung up by the caller; one abandoned. */
async function traffic(
  dispatch: (c: EngineCommand) => Promise<Result> | Result,
  prefix: string,
): Promise<void> {
  const ok = async (c: EngineCommand) => {
    const r = await dispatch(c);
    if (!r.ok) throw new Error(`${c.type}: ${r.reason}`);
  };
  await ok({ type: 'agentLogin', agentId: 'arm-2' });
  await ok({ type: 'arriveCall', callId: `${prefix}-a`, line: '15', callerNumber: NUMBER, callerName: NAME });
  await ok({ type: 'answerOffer', callId: `${prefix}-a`, agentId: 'arm-2' });
  await ok({
    type: 'qualifyCall',
    callId: `${prefix}-a`,
    agentId: 'arm-2',
    qualification: 'P1',
    name: NAME,
    phone: DRM_PHONE,
  });
  await ok({ type: 'callerHungUp', callId: `${prefix}-a` });
  await ok({ type: 'agentPause', agentId: 'arm-2', reason: 'formation' });
  await ok({ type: 'arriveCall', callId: `${prefix}-b`, line: '15', callerNumber: NUMBER, callerName: NAME });
  await ok({ type: 'callerHungUp', callId: `${prefix}-b` });
}

const rows = (csv: string, delimiter = ';') => parse(csv, { columns: true, delimiter }) as any[];
const item = (csv: string, id: string) => rows(csv).find((r) => r.item === id);

describe('exports from an in-memory site', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const runtime = h.runtimes.get('44')!;
    await traffic((c) => runtime.dispatch(c), 'x');
  });
  afterAll(() => h.stop());

  it('gives the annex 3 table 1 of the month as a French CSV file', async () => {
    const res = await h.call('GET', '/sites/44/exports/annex3.csv?month=2026-03', { as: 'sup44' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=sas-44-annexe3-2026-03.csv');
    const csv = res.body as string;
    expect(csv.split('\n')[0]).toBe('table;item;label;period;sas;pdsa;24h;source');
    expect(item(csv, 't1.1')).toMatchObject({
      label: 'Appels décrochés par le SAS',
      period: '2026-03',
      sas: '1',
      '24h': '1',
    });
    expect(item(csv, 't1.2')).toMatchObject({ '24h': '1' });
    expect(item(csv, 't1.2b')).toMatchObject({ '24h': '1' });
    expect(item(csv, 't1.3')).toMatchObject({ '24h': '1' });
    // Another month has nothing.
    const april = await h.call('GET', '/sites/44/exports/annex3.csv?month=2026-04&separator=,', {
      as: 'sup44',
    });
    expect(april.body.split('\n')[0]).toBe('table,item,label,period,sas,pdsa,24h,source');
    expect(rows(april.body, ',').find((r) => r.item === 't1.1')).toMatchObject({
      period: '2026-04',
      '24h': '0',
    });
    // Table 3 of the year.
    const year = await h.call('GET', '/sites/44/exports/annex3.csv?year=2026', { as: 'sup44' });
    expect(year.status).toBe(200);
    // The annex's 23 items (t3.N, N the annex's number), then sas-acd's own figures apart.
    expect(rows(year.body).filter((r) => r.table === 'table 3')).toHaveLength(23);
    expect(item(year.body, 't3.1')).toMatchObject({
      period: '2026',
      source: 'not available (LRM import slot)',
    });
    expect(item(year.body, 't3.9')).toMatchObject({ period: '2026', source: 'telephony (ACD)' });
    expect(item(year.body, 'x.dr')).toMatchObject({ table: 'sas-acd (not in the annex)', '24h': '0' });
  });

  it('gives one call detail record per call, without the caller or the DRM identity', async () => {
    const res = await h.call('GET', '/sites/44/exports/cdr.csv?from=2026-03-02&to=2026-03-02', {
      as: 'sup44',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('sas-44-appels-2026-03-02-2026-03-02.csv');
    const csv = res.body as string;
    const cdr = rows(csv);
    expect(cdr.map((r) => r.callId).sort()).toEqual(['x-a', 'x-b']);
    expect(cdr.find((r) => r.callId === 'x-a')).toMatchObject({
      qualification: 'P1',
      n1AgentId: 'arm-2',
      abandoned: '0',
    });
    expect(cdr.find((r) => r.callId === 'x-b')).toMatchObject({ abandoned: '1', firstAnsweredAt: '' });
    for (const secret of [NUMBER, NAME, DRM_PHONE, 'Dupont', '0698']) expect(csv).not.toContain(secret);
    // The day before has no call.
    const before = await h.call('GET', '/sites/44/exports/cdr.csv?from=2026-03-01&to=2026-03-01', {
      as: 'sup44',
    });
    expect(rows(before.body)).toEqual([]);
  });

  it('refuses a bad period naming the field, and other sites and roles', async () => {
    const cases: [string, string][] = [
      ['/sites/44/exports/annex3.csv', 'query.month'],
      ['/sites/44/exports/annex3.csv?month=2026-03&year=2026', 'query.month'],
      ['/sites/44/exports/annex3.csv?month=2026-13', 'query.month'],
      ['/sites/44/exports/annex3.csv?month=2026-03&separator=tab', 'query.separator'],
      ['/sites/44/exports/cdr.csv?from=2026-03-02', 'query.to'],
      ['/sites/44/exports/cdr.csv?from=2026-03-02&to=2026-03-01', 'query.to'],
      ['/sites/44/exports/cdr.csv?from=2026-01-01&to=2026-06-30', 'query.to'],
      ['/sites/44/exports/cdr.csv?from=2026-02-30x&to=2026-03-01', 'query.from'],
      ['/sites/44/exports/cdr.csv?from=2026-02-30&to=2026-03-01', 'query.from'],
    ];
    for (const [path, field] of cases) {
      const res = await h.call('GET', path, { as: 'sup44' });
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toMatch(/problem\+json/);
      expect(
        res.body.errors.map((e: any) => e.field),
        path,
      ).toContain(field);
    }
    const arm = await h.call('GET', '/sites/44/exports/annex3.csv?month=2026-03', { as: 'arm1' });
    expect(arm.status).toBe(403);
    const other = await h.call('GET', '/sites/44/exports/cdr.csv?from=2026-03-02&to=2026-03-02', {
      as: 'sup85',
    });
    expect(other.status).toBe(403);
    expect(other.body.reason).toBe('site-forbidden');
    expect((await h.call('GET', '/sites/44/exports/annex3.csv?month=2026-03')).status).toBe(401);
  });
});

describe('exports from a stored site', () => {
  let site: SiteShell;
  let memory: MemoryHistory;
  let url: string;
  let token: string;
  let close: () => Promise<void>;
  let config: SiteConfig;
  const redis = new Redis(inject('redisUrl'));

  beforeAll(async () => {
    const raw = structuredClone(siteConfig('44')) as any;
    raw.id = `e${randomBytes(4).toString('hex')}`;
    const parsed = parseSiteConfig(raw);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    config = parsed.config;
    const logger = createLogger({ level: 'silent' });
    site = await SiteShell.start({ store: { redisUrl: inject('redisUrl') }, config, logger });
    memory = new MemoryHistory(site);
    await traffic((c) => site.dispatch(c), 's');
    const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
    await users.add({
      id: 'u',
      username: 'sup',
      roles: ['supervisor'],
      sites: [config.id],
      agentId: null,
      password: PASSWORD,
    });
    const api = createApi({
      sites: new Map([[config.id, site]]),
      users,
      logger,
      jwtSecret: 'x'.repeat(40),
      processMetrics: false,
    });
    await api.primed;
    const server = createServer(api.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup', password: PASSWORD }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    close = async () => {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  });
  afterAll(async () => {
    memory.close();
    await close();
    await site.stop();
    redis.disconnect();
  });

  const get = async (path: string) => {
    const res = await fetch(`${url}/sites/${config.id}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  // The site's local date (Europe/Paris); 'sv-SE' formats as YYYY-MM-DD.
  const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: config.calendar.timeZone });
  const month = () => today().slice(0, 7);

  it('reads the same history before and after archiving, and equal to what the process saw', async () => {
    const fromStream = await get(`/exports/annex3.csv?month=${month()}`);
    expect(fromStream.status).toBe(200);
    expect(item(fromStream.text, 't1.1')).toMatchObject({ '24h': '1' });
    expect(fromStream.headers.get('x-history-gaps')).toBeNull();

    const step = await archiveStep(redis, {
      site: config.id,
      now: Date.now() + 2 * HOUR_MS,
      isKnownEvent: isEngineEvent,
      redact: withoutPersonalData,
      timeOf: (e) => e.at,
    });
    expect(step.hours).toBeGreaterThanOrEqual(1);
    const archived = await get(`/exports/annex3.csv?month=${month()}`);
    expect(archived.text).toBe(fromStream.text);

    // The same reducers over the events this process saw give the same file.
    const cdr = await get(`/exports/cdr.csv?from=${today()}&to=${today()}`);
    expect(
      rows(cdr.text)
        .map((r) => r.callId)
        .sort(),
    ).toEqual(['s-a', 's-b']);
    for (const secret of [NUMBER, NAME, DRM_PHONE]) expect(cdr.text).not.toContain(secret);
    // `sas-acd report --redis` reads the same history and writes the same table.
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-export-'));
    writeFileSync(join(dir, 'site.json'), JSON.stringify(config));
    const program = new Command().exitOverride();
    registerReport(program);
    const args = ['--redis', inject('redisUrl'), '--config', join(dir, 'site.json'), '--month', month()];
    await program.parseAsync(['report', ...args, '--separator', ';', '--out', join(dir, 't1.csv')], {
      from: 'user',
    });
    expect(process.exitCode).toBeUndefined();
    expect(readFileSync(join(dir, 't1.csv'), 'utf8')).toBe(archived.text);
    let seen = 0;
    await memory.read(0, Date.now() + HOUR_MS, () => seen++);
    expect(Number(cdr.headers.get('x-history-events'))).toBe(seen);
  });

  it("shows today's figures in a process that started after the calls, and counts later calls once", async () => {
    const day = async () => {
      const res = await fetch(`${url}/sites/${config.id}/indicators?granularity=day&span=${today()}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { spans: { all: Record<string, number> }[] }).spans[0]?.all;
    };
    // This API was created after the traffic: what it shows was folded in from the history.
    expect(await day()).toMatchObject({ 'calls.arrived': 2, 'calls.answered': 1 });
    const ok = async (c: EngineCommand) => expect((await site.dispatch(c)).ok).toBe(true);
    await ok({ type: 'agentReady', agentId: 'arm-2' });
    await ok({ type: 'arriveCall', callId: 's-c', line: '15', callerNumber: null });
    await ok({ type: 'answerOffer', callId: 's-c', agentId: 'arm-2' });
    expect(await day()).toMatchObject({ 'calls.arrived': 3, 'calls.answered': 2 });
  });
});
