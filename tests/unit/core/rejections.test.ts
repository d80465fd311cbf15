// One list of refusal reasons: each has a kind (HTTP status) and a French text for the room, and
// every reason the engine's source can give is in the list.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRENCH_REJECTIONS } from '../../../src/api/dispatch.js';
import { REJECTIONS } from '../../../src/core/rejections.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('refusal reasons', () => {
  it('every reason has a French text of its own', () => {
    for (const reason of Object.keys(REJECTIONS)) {
      const fr = FRENCH_REJECTIONS[reason as keyof typeof REJECTIONS];
      expect(fr, reason).toMatch(/\S/);
      expect(fr, reason).not.toBe(reason);
    }
  });

  it('every reason the engine and the shell give is in the list', () => {
    const given = new Set<string>();
    for (const file of [...sources('src/core'), ...sources('src/shell')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/reject\(\s*'([a-z0-9-]+)'/g)) given.add(m[1]!);
      for (const m of text.matchAll(/ok: false,\s*reason: '([a-z0-9-]+)'/g)) given.add(m[1]!);
    }
    expect(given.size).toBeGreaterThan(30);
    for (const reason of given) expect(Object.keys(REJECTIONS), reason).toContain(reason);
  });
});
