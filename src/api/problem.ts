// Errors as RFC 9457 problem details (application/problem+json). Every problem has a stable `type`
// (one per reason, so clients can branch on it), a short English title and a detail a person can
// act on, in French then English.
import { z } from 'zod';

export const PROBLEM_TYPE_BASE = 'urn:sas-acd:problem:';

export const problemSchema = z.object({
  type: z.string().describe('URN naming the reason, e.g. urn:sas-acd:problem:not-qualified'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().describe('What went wrong and what to do, in French then English'),
  instance: z.string().optional(),
  reason: z.string().describe('The reason code (the engine reason for a refused command)'),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('Every invalid field, by path (body.x, params.y, query.z, or config.path)'),
  commandId: z
    .string()
    .optional()
    .describe('outcome-unknown: the command to ask about with GET /sites/{siteId}/commands/{commandId}'),
});
export type ProblemBody = z.infer<typeof problemSchema>;

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: { field: string; message: string }[],
    readonly headers: Record<string, string> = {},
    /** outcome-unknown: the command the client may ask about (GET /sites/{s}/commands/{id}). */
    readonly commandId?: string,
  ) {
    super(`${status} ${reason}: ${detail}`);
  }

  body(instance?: string): ProblemBody {
    return {
      type: PROBLEM_TYPE_BASE + this.reason,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      reason: this.reason,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.commandId ? { commandId: this.commandId } : {}),
    };
  }
}

/** Two-language detail: the room works in French, integrators often read English. */
export const fr_en = (fr: string, en: string) => `${fr} (${en})`;

export const unauthenticated = (reason: string, fr: string, en: string) =>
  new Problem(401, reason, 'Unauthenticated', fr_en(fr, en), undefined, {
    'WWW-Authenticate': `Bearer realm="sas-acd", error="invalid_token"`,
  });

export const forbidden = (reason: string, fr: string, en: string) =>
  new Problem(403, reason, 'Forbidden', fr_en(fr, en));

export const notFound = (reason: string, fr: string, en: string) =>
  new Problem(404, reason, 'Not found', fr_en(fr, en));
