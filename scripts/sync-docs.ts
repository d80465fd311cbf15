// Rewrites the generated parts of the docs from the code: the CDR column table in docs/api.md.
// Run `npx tsx scripts/sync-docs.ts` after changing the columns; a test fails until you do.
import { readFileSync, writeFileSync } from 'node:fs';
import { cdrColumnsMarkdown } from '../src/report/cdr-csv.js';

const path = new URL('../docs/api.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = doc.replace(
  /<!-- cdr-columns:start -->[\s\S]*<!-- cdr-columns:end -->/,
  `<!-- cdr-columns:start -->\n${cdrColumnsMarkdown()}\n<!-- cdr-columns:end -->`,
);
if (next !== doc) writeFileSync(path, next);
console.log(next === doc ? 'docs/api.md up to date' : 'docs/api.md: CDR columns rewritten');
