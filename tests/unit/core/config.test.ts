import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerConfig } from '../../../src/cli/config.js';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { runCliInProcess } from '../cli-in-process.js';
import { TestSite, exampleConfig } from './harness.js';
/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */

const withPatch = (patch: (c: Record<string, any>) => void) => {
  const raw = structuredClone(exampleSite) as Record<string, any>;
  patch(raw);
  return parseSiteConfig(raw);
};

describe('site configuration', () => {
  it('accepts the example site and fills the defaults', () => {
    const r = parseSiteConfig(exampleSite);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.calendar.pdsa.weekdayFrom).toBe('20:00');
  });

  it('refuses a bad configuration whole, naming every bad field', () => {
    const r = withPatch((c) => {
      c.lines[0].entryQueue = 'nowhere';
      c.queues[0].thresholdSeconds = -3;
      c.calendar.pdsa.weekdayFrom = '25:99';
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.some((e) => e.startsWith('queues.0.thresholdSeconds'))).toBe(true);
    expect(r.errors.some((e) => e.startsWith('calendar.pdsa.weekdayFrom'))).toBe(true);
    // Reference errors are reported once the shapes are right.
    const r2 = withPatch((c) => (c.lines[0].entryQueue = 'nowhere'));
    expect(r2).toEqual({ ok: false, errors: ['lines.0.entryQueue: unknown queue "nowhere"'] });
  });

  it('lets only ARMs serve N1', () => {
    const r = withPatch((c) => (c.queues[0].roles = ['arm', 'osnp']));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^queues\.0\.roles: only ARMs answer first/);
  });

  it('refuses an ARM on an OSNP queue unless an explicit exception says why', () => {
    const arm = (c: Record<string, any>) => c.agents.find((a: { id: string }) => a.id === 'arm-5');
    const refused = withPatch((c) => arm(c).skills.push({ queue: 'book-mg', preference: 2 }));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors.join()).toMatch(/an ARM is not put on the OSNP queue "book-mg"/);
    const excepted = withPatch((c) => {
      arm(c).skills.push({ queue: 'book-mg', preference: 2 });
      c.roleExceptions = [{ agentId: 'arm-5', queueId: 'book-mg', reason: 'renfort exceptionnel' }];
    });
    expect(excepted.ok).toBe(true);
  });

  it('lets an N1 agent span N1 and N2 AMU only (ARM coordonnateur)', () => {
    const r = withPatch((c) => c.agents[0].skills.push({ queue: 'reg-pdsa', preference: 2 }));
    expect(r.ok).toBe(false);
    const wrongRole = withPatch((c) => c.agents[0].skills.push({ queue: 'reg-amu', preference: 2 }));
    expect(wrongRole.ok).toBe(false);
    if (!wrongRole.ok) expect(wrongRole.errors[0]).toMatch(/served by mru/);
  });

  it('is checked by `sas-acd config check`, which names the bad field and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...exampleSite, departments: [] }));
    const r = spawnSync(process.execPath, ['bin/sas-acd.mjs', 'config', 'check', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('departments');
    // The other two runs in process (same commander program): a CLI start through tsx takes
    // seconds on a busy machine.
    const good = join(dir, 'good.json');
    const example = await runCliInProcess(registerConfig, ['config', 'example']);
    expect(example.status).toBe(0);
    writeFileSync(good, example.stdout);
    const check = await runCliInProcess(registerConfig, ['config', 'check', good]);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('valid');
    // One CLI start through tsx: seconds on a busy machine, hence the wider bound.
  }, 120_000);
});

describe('invalid commands change nothing', () => {
  const cases: [string, (s: TestSite) => unknown, string][] = [
    ['an unknown call', (s) => s.try({ type: 'callerHungUp', callId: 'nope' }), 'unknown-call'],
    [
      'a wrong agent answering',
      (s) => s.try({ type: 'answerOffer', callId: 'c1', agentId: 'arm-2' }),
      'not-offered-to-agent',
    ],
    [
      'a transfer of a call not connected',
      (s) => s.try({ type: 'transferCall', callId: 'c1', agentId: 'arm-1' }),
      'agent-not-on-call',
    ],
    [
      'a bad qualification',
      (s) => s.try({ type: 'qualifyCall', callId: 'c2', agentId: 'arm-5', qualification: 'P9' as 'P1' }),
      'bad-qualification',
    ],
    ['a duplicate call', (s) => s.try({ type: 'arriveCall', callId: 'c1', line: '15' }), 'duplicate-call'],
    ['an unknown command', (s) => s.try({ type: 'explode' } as never), 'unknown-command'],
  ];
  for (const [what, run, reason] of cases) {
    it(`rejects ${what} with a reason`, () => {
      const s = new TestSite(
        exampleConfig((c) => ((c.agents as { autoAnswer: boolean }[])[0]!.autoAnswer = false)),
      );
      s.login('arm-1', 'arm-5');
      s.call('c1');
      s.call('c2', 'sdis'); // straight to N2 AMU, answered by arm-5 by hand later
      s.ok({ type: 'answerOffer', callId: 'c2', agentId: 'arm-5' });
      const before = JSON.stringify(s.state.data);
      expect(run(s)).toMatchObject({ ok: false, reason });
      expect(JSON.stringify(s.state.data)).toBe(before);
    });
  }

  it('rejects an OSNP qualifying a call', () => {
    const s = new TestSite();
    s.login('osnp-1');
    s.call('f1', 'sdis', { queue: 'n2-mg' });
    s.ok({ type: 'answerOffer', callId: 'f1', agentId: 'osnp-1' });
    expect(
      s.try({ type: 'qualifyCall', callId: 'f1', agentId: 'osnp-1', qualification: 'P2' }),
    ).toMatchObject({ ok: false, reason: 'role-cannot-qualify' });
  });
});
