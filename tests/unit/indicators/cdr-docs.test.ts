// docs/api.md lists the CDR columns exactly as the code writes them (scripts/sync-docs.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cdrColumnsMarkdown } from '../../../src/report/cdr-csv.js';

describe('CDR column documentation', () => {
  it('is the table generated from the code (run `npx tsx scripts/sync-docs.ts` to update it)', () => {
    const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    const block = /<!-- cdr-columns:start -->\n([\s\S]*)\n<!-- cdr-columns:end -->/.exec(doc);
    expect(block?.[1]).toBe(cdrColumnsMarkdown());
  });
});
