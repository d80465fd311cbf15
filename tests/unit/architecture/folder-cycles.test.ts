// The folders of the code depend on each other in one direction: no cycle between top-level folders
// (src/api, src/realtime, src/shell, simulator/pbx…), and the core depends on nothing outside itself.
// A cycle is how adapters start reaching into each other; this test names the imports that make one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : /\.tsx?$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

/** src/api/routers/x.ts → src/api; src/cli.ts → src */
function folderOf(file: string): string {
  const parts = normalize(file).split(sep);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

type Edge = { from: string; to: string; example: string };

function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of [...files('src'), ...files('simulator')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
      const target = relative('.', join(dirname(file), m[1]!));
      const [a, b] = [folderOf(file), folderOf(target)];
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Map());
      if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, `${file} → ${m[1]}`);
    }
  }
  return graph;
}

/** Strongly connected components of more than one folder (Tarjan). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('folder dependencies', () => {
  const graph = folderGraph();

  it('has no cycle between top-level folders', () => {
    const edges = (component: string[]): Edge[] =>
      component.flatMap((from) =>
        component
          .filter((to) => graph.get(from)?.has(to))
          .map((to) => ({ from, to, example: graph.get(from)!.get(to)! })),
      );
    expect(cycles(graph).map(edges)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself can fail)', () => {
    const g = new Map([
      ['a', new Map([['b', 'x']])],
      ['b', new Map([['a', 'y']])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b']]);
  });

  it('keeps the routing core free of anything outside it', () => {
    expect([...(graph.get('src/core')?.entries() ?? [])]).toEqual([]);
  });
});
