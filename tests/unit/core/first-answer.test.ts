// The first answer by an ARM on the whole routing graph (annex 1: "Le premier décroché des appels
// destinés au SAS est réalisé exclusivement par des assistants de régulation médicale"; report P1):
// each hole a configuration could open is refused, naming the path that breaks the rule.
/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON configs patched in tests */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerConfig } from '../../../src/cli/config.js';
import { parseSiteConfig } from '../../../src/core/config.js';
import { exampleSite } from '../../../src/core/example-site.js';
import { runCliInProcess } from '../cli-in-process.js';
import { TestSite } from './harness.js';

const raw = (patch: (c: Record<string, any>) => void) => {
  const c = structuredClone(exampleSite) as Record<string, any>;
  patch(c);
  return c;
};
const errorsOf = (patch: (c: Record<string, any>) => void) => {
  const r = parseSiteConfig(raw(patch));
  return r.ok ? [] : r.errors;
};
const line = (c: Record<string, any>, id: string) => c.lines.find((l: { id: string }) => l.id === id);
const queue = (c: Record<string, any>, id: string) => c.queues.find((q: { id: string }) => q.id === id);

describe('first answer by an ARM, on the whole routing graph', () => {
  it('accepts the example site: population lines on N1, the fire brigade straight to N2 AMU', () => {
    expect(errorsOf(() => {})).toEqual([]);
  });

  it('refuses a population line (116 117) entering N2 MG directly', () => {
    expect(errorsOf((c) => (line(c, '116117').entryQueue = 'n2-mg'))).toEqual([
      expect.stringMatching(
        /^lines\.1: line "116117" → entryQueue "n2-mg" is answered first by osnp\/mrg, not only by ARMs/,
      ),
    ]);
  });

  it('refuses a population line that telephony may send directly to N2 MG', () => {
    expect(errorsOf((c) => (line(c, '15').directQueues = ['n2-mg']))).toEqual([
      expect.stringMatching(/^lines\.0: line "15" → directQueues "n2-mg" is answered first by osnp\/mrg/),
    ]);
  });

  it('refuses an unstaffed N1 falling back to an OSNP queue, naming every population line it breaks', () => {
    const errors = errorsOf((c) => (queue(c, 'n1').whenUnstaffed = { action: 'queue', queueId: 'book-mg' }));
    expect(errors).toEqual([
      expect.stringMatching(
        /^lines\.0: line "15" → entryQueue "n1" → whenUnstaffed "book-mg" is answered first by osnp/,
      ),
      expect.stringMatching(
        /^lines\.1: line "116117" → entryQueue "n1" → whenUnstaffed "book-mg" is answered first by osnp/,
      ),
    ]);
  });

  it('follows unstaffed fallbacks to the end (N1 → N2 AMU → N2 MG)', () => {
    const errors = errorsOf((c) => {
      queue(c, 'n1').whenUnstaffed = { action: 'queue', queueId: 'n2-amu' };
      queue(c, 'n2-amu').whenUnstaffed = { action: 'queue', queueId: 'n2-mg' };
    });
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^lines\.0: line "15" → entryQueue "n1" → whenUnstaffed "n2-amu" → whenUnstaffed "n2-mg" is answered first by osnp\/mrg/,
      ),
    );
    // A fallback to another ARM queue, or to the partner SAS, keeps the rule.
    expect(errorsOf((c) => (queue(c, 'n1').whenUnstaffed = { action: 'queue', queueId: 'n2-amu' }))).toEqual(
      [],
    );
    expect(errorsOf((c) => (queue(c, 'n1').whenUnstaffed = { action: 'partner', partnerId: '85' }))).toEqual(
      [],
    );
  });

  it('stops at a loop of fallbacks without hanging', () => {
    expect(
      errorsOf((c) => {
        queue(c, 'n1').whenUnstaffed = { action: 'queue', queueId: 'n2-amu' };
        queue(c, 'n2-amu').whenUnstaffed = { action: 'queue', queueId: 'n1' };
      }),
    ).toEqual([]);
  });

  it('refuses a role exception letting a non-ARM answer a population call first', () => {
    const errors = errorsOf((c) => {
      c.roleExceptions = [{ agentId: 'osnp-1', queueId: 'n1', reason: 'renfort au premier décroché' }];
    });
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^lines\.0: line "15" → entryQueue "n1" may be answered first by agent "osnp-1" \(osnp\)/,
      ),
    );
  });

  it('refuses a fire-brigade line as the first line (unknown lines are routed as the first line)', () => {
    const errors = errorsOf((c) => {
      const sdis = c.lines.splice(2, 1)[0];
      c.lines.unshift(sdis);
    });
    expect(errors).toEqual([
      expect.stringMatching(/^lines\.0: line "sdis" is the first line; it must be a population line/),
    ]);
  });

  it('lets the fire-brigade and professional lines enter N2 directly, as the annex allows', () => {
    expect(
      errorsOf((c) => {
        line(c, 'sdis').entryQueue = 'n2-mg';
        line(c, 'pro').entryQueue = 'n2-amu';
        line(c, 'pro').directQueues = ['n2-mg'];
      }),
    ).toEqual([]);
    // The same line without its kind is a population line, refused.
    expect(errorsOf((c) => delete line(c, 'sdis').kind)).toContainEqual(
      expect.stringMatching(/^lines\.2: line "sdis" → directQueues "n2-mg" is answered first by osnp\/mrg/),
    );
  });

  it('needs no check on overflow tiers: an OSNP added to N1 by a tier is never offered the N1 call', () => {
    const c = raw((c) => {
      queue(c, 'n1').overflow = { tiers: [{ afterSeconds: 10, addQueues: ['n2-mg'] }] };
    });
    const parsed = parseSiteConfig(c);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const s = new TestSite(parsed.config);
    s.login('osnp-1');
    s.call('c1');
    s.advance(60);
    expect(s.events('CallTierReached').length).toBeGreaterThan(0);
    expect(s.events('CallOffered')).toEqual([]);
  });

  it('is refused by `sas-acd config check`, naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sas-acd-first-answer-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(raw((c) => (line(c, '116117').entryQueue = 'n2-mg'))));
    // In process: tests/unit/core/config.test.ts spawns the real `sas-acd config check` once.
    const r = await runCliInProcess(registerConfig, ['config', 'check', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('lines.1: line "116117" → entryQueue "n2-mg" is answered first by osnp/mrg');
  });
});
