// The OpenAPI 3.1 document, written from the route declarations (route.ts) with zod 4's own JSON
// Schema converter: OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what z.toJSONSchema emits.
import { z } from 'zod';
import { problemSchema } from './problem.js';
import type { AnyRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid request: every bad field is named in `errors`',
  401: 'No token, or an expired or invalid one',
  403: 'The role or the site scope does not allow it, or the call is not yours',
  404: 'Unknown site, call, agent or task',
  409: 'The engine refused the command in the current state (reason in `reason`)',
  422: 'The engine refused the command as invalid (reason in `reason`)',
  429: 'Too many attempts; retry after the Retry-After header',
  500: 'Internal error',
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const toOpenApiPath = (path: string) => '/api/v1' + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** `extraSchemas`: schemas outside REST (the Socket.IO messages), listed under components. */
export function buildOpenApi(
  routes: AnyRoute[],
  info: { version: string },
  extraSchemas: Record<string, z.ZodType> = {},
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const statuses = new Set([400, ...(r.access === 'public' ? [] : [401, 403]), ...(r.problems ?? []), 500]);
    const responses: Record<string, unknown> = {
      [String(r.response.status ?? 200)]: {
        description: r.response.description,
        content: {
          [r.file?.contentType ?? 'application/json']: { schema: schemaOf(r.response.schema, 'output') },
        },
      },
    };
    for (const s of [...statuses].sort())
      responses[String(s)] = {
        description: PROBLEM_TEXT[s] ?? 'Problem',
        content: { 'application/problem+json': { schema: PROBLEM_REF } },
      };
    const operation: Record<string, unknown> = {
      operationId: r.id,
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      'x-roles': r.access,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(r.body, 'input') } },
            },
          }
        : {}),
      responses,
      security: r.access === 'public' ? [] : [{ bearerAuth: [] }],
    };
    const path = toOpenApiPath(r.path);
    paths[path] ??= {};
    paths[path][r.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'sas-acd API',
      version: info.version,
      description:
        'Automatic call distributor for the 15 and the SAS: agents, calls, callbacks, supervision and site configuration. ' +
        'Errors are RFC 9457 problem details. Live updates are on Socket.IO (see docs/api.md).',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: schemaOf(problemSchema, 'output'),
        ...Object.fromEntries(Object.entries(extraSchemas).map(([k, v]) => [k, schemaOf(v, 'output')])),
      },
    },
  };
}
