// On a Redis Cluster a key scan sees one shard only: every read must name its site's keys
// (docs/store.md, "Redis Cluster"). This guards the source against KEYS / SCAN creeping in.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|lua)$/.test(name) ? [path] : [];
  });
}

describe('no key scan across shards', () => {
  it('uses neither KEYS nor SCAN anywhere in src', () => {
    // redis.keys('pattern') (not Object.keys / Map.keys), scan / scanStream, or KEYS / SCAN by name.
    const scans = /\.keys\(\s*['"`]|\.(scan|scanStream)\(|['"](KEYS|SCAN)['"]/;
    const offenders = files(SRC).filter((file) => scans.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
