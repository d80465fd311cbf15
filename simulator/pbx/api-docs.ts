// sim-pbx's own ARI api-docs (Swagger 1.2): the subset it implements, cut from Asterisk 22's and
// checked against them by tests/integration/sim-pbx/contract.test.ts. ari-client builds its methods
// from these at connect, and calls the basePath they give, so basePath is this server's URL.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';

export const API_DOCS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'api-docs');

let cache: Map<string, Record<string, unknown>> | null = null;

export function loadApiDocs(): Map<string, Record<string, unknown>> {
  if (cache) return cache;
  const docs = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(API_DOCS_DIR)) {
    if (!file.endsWith('.json')) continue;
    docs.set(file, JSON.parse(readFileSync(join(API_DOCS_DIR, file), 'utf8')) as Record<string, unknown>);
  }
  cache = docs;
  return docs;
}

export function serveApiDoc(req: Request, res: Response, file: string): void {
  const doc = loadApiDocs().get(file);
  if (!doc) {
    res
      .status(404)
      .type('application/json')
      .send(JSON.stringify({ message: 'Resource not found' }));
    return;
  }
  const basePath = `${req.protocol}://${req.get('host') ?? 'localhost'}/ari`;
  res
    .status(200)
    .type('application/json')
    .send(JSON.stringify({ ...doc, basePath }));
}
