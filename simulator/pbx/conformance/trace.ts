// A recorded Asterisk 22 trace (../shared/asterisk-22/traces/*.json), validated: a bad file is
// reported with its name and what is wrong.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../validation.js';

const ms = z.number().finite().nonnegative();

const farEndParty = z
  .object({
    role: z.enum(['caller', 'callee']),
    dials: z.string().min(1).optional(),
    dials_at_ms: ms.optional(),
    answered_by_pbx_at_ms: ms.optional(),
    endpoint: z.string().min(1).optional(),
    invited_at_ms: ms.optional(),
    rings_at_ms: ms.optional(),
    answers_at_ms: ms.optional(),
    rejects_with: z.number().int().min(300).max(699).optional(),
    rejects_at_ms: ms.optional(),
    cancelled_at_ms: ms.optional(),
    hangs_up_at_ms: ms.optional(),
    hung_up_by_pbx_at_ms: ms.optional(),
    redirected_at_ms: ms.optional(),
    referred_at_ms: ms.optional(),
  })
  .passthrough()
  .superRefine((p, ctx) => {
    if (p.role === 'caller' && (p.dials === undefined || p.dials_at_ms === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a caller needs "dials" and "dials_at_ms"' });
    }
    if (p.role === 'callee' && !p.endpoint) {
      ctx.addIssue({ code: 'custom', message: 'a callee needs "endpoint" (e.g. PJSIP/arm-1)' });
    }
  });

const request = z
  .object({
    t_ms: ms,
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
    path: z.string().startsWith('/ari/', 'must start with /ari/'),
    body: z.unknown().optional(),
    status: z.number().int().min(100).max(599),
    response: z.unknown(),
    t_resp_ms: ms.optional(),
    websocket: z.boolean().optional(),
    closed_t_ms: ms.optional(),
    server_close_t_ms: ms.optional(),
  })
  .passthrough();

const event = z.object({ t_ms: ms, type: z.string().min(1) }).passthrough();

export const traceSchema = z
  .object({
    scenario: z.string().min(1),
    description: z.string().optional(),
    far_end: z.record(z.string(), farEndParty),
    requests: z.array(request),
    events: z.array(event),
  })
  .passthrough();

export type Trace = z.infer<typeof traceSchema>;
export type TraceRequest = z.infer<typeof request>;
export type TraceEvent = z.infer<typeof event> & Record<string, unknown>;
export type FarEndParty = z.infer<typeof farEndParty>;

export class TraceError extends Error {}

export function loadTrace(file: string): Trace {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TraceError(`${file}: not a readable JSON file (${(err as Error).message})`);
  }
  const parsed = traceSchema.safeParse(raw);
  if (!parsed.success) throw new TraceError(`${file}: not a trace: ${describeIssues(parsed.error)}`);
  const t = parsed.data;
  if (!t.requests.some((r) => r.websocket && r.path.startsWith('/ari/events'))) {
    throw new TraceError(`${file}: not a trace: no /ari/events WebSocket request in "requests"`);
  }
  return t;
}

/** Every *.json in the folder, sorted; a missing or empty folder is an error. */
export function traceFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (err) {
    throw new TraceError(`${dir}: cannot read the traces folder (${(err as Error).message})`);
  }
  const files = names.filter((n) => n.endsWith('.json')).sort();
  if (files.length === 0) throw new TraceError(`${dir}: no *.json trace files`);
  return files.map((n) => join(dir, n));
}

export function scenarioName(file: string, trace: Trace): string {
  return trace.scenario || basename(file, '.json');
}
