// One declaration per route: method, path, who may call it, the zod schemas of its params, query,
// body and response, and the handler. The same declaration mounts the Express route (validating
// the request before the handler runs and the response before it leaves) and writes its part of
// the OpenAPI document, so the two cannot drift apart.
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { hasAnyRole, TokenError, type Principal, type TokenService, type UserRole } from '../auth/index.js';
import { forbidden, fr_en, Problem, unauthenticated } from './problem.js';
import { refusePrototypeIds } from './prototype-ids.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** 'public': no token; 'authenticated': any valid token; a role list: any one of these roles. */
export type Access = 'public' | 'authenticated' | readonly UserRole[];

export type HandlerInput<P, Q, B> = {
  /** For public routes, an anonymous principal with no role and no site. */
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
};

export type RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> = {
  id: string;
  method: Method;
  /** Express syntax below /api/v1, e.g. /sites/:siteId/calls/:callId/qualify */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  response: { status?: number; description: string; schema: R };
  /**
   * A file download instead of JSON: the handler returns the file's text (schema z.string()), or
   * its bytes (`binary`, schema of a Buffer; the handler may name the type in `res.locals.fileType`).
   */
  file?: {
    contentType: 'text/csv' | 'audio/*';
    binary?: boolean;
    filename(input: { params: z.output<P>; query: z.output<Q> }): string;
  };
  /** Statuses the route may answer besides 400/401/403/500, for the document. */
  problems?: number[];
  handler(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>> | z.input<R>;
};

export type AnyRoute = RouteSpec;

/**
 * A body object refuses fields it does not declare (named in the 400), like the strict schemas of
 * the configuration: a misspelt field must not be silently ignored. Applied once, at declaration,
 * so the OpenAPI document says `additionalProperties: false` too.
 */
function strictBody(schema: z.ZodType | undefined): z.ZodType | undefined {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

export function defineRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): AnyRoute {
  return { ...spec, body: strictBody(spec.body) } as unknown as AnyRoute;
}

const ANONYMOUS: Principal = { userId: '', username: '', roles: [], sites: [], agentId: null, expiresAt: 0 };

export async function authenticate(tokens: TokenService, header: string | undefined): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match)
    throw unauthenticated(
      'token-missing',
      'Connectez-vous : en-tête « Authorization: Bearer <jeton> » absent',
      'log in: no "Authorization: Bearer <token>" header',
    );
  try {
    return await tokens.verify(match[1]!);
  } catch (err) {
    if (err instanceof TokenError && err.code === 'expired')
      throw unauthenticated(
        'token-expired',
        'Jeton expiré : renouvelez-le avec POST /api/v1/auth/refresh ou reconnectez-vous',
        'token expired: renew it with POST /api/v1/auth/refresh or log in again',
      );
    throw unauthenticated(
      'token-invalid',
      'Jeton invalide : reconnectez-vous',
      'invalid token: log in again',
    );
  }
}

type Issue = { field: string; message: string };

function validate<S extends z.ZodType>(
  schema: S | undefined,
  value: unknown,
  where: string,
  issues: Issue[],
): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues)
    issues.push({ field: [where, ...i.path.map(String)].join('.'), message: i.message });
  return undefined as z.output<S>;
}

export function mountRoute(router: Router, route: AnyRoute, tokens: TokenService): void {
  const status = route.response.status ?? 200;
  router[route.method](route.path, async (req: Request, res: Response, next: NextFunction) => {
    try {
      let principal = ANONYMOUS;
      if (route.access !== 'public') {
        principal = await authenticate(tokens, req.headers.authorization);
        if (route.access !== 'authenticated' && !hasAnyRole(principal, route.access))
          throw forbidden(
            'role-forbidden',
            `Action réservée aux rôles ${route.access.join(', ')}`,
            `this action needs one of the roles ${route.access.join(', ')}`,
          );
      }
      const issues: Issue[] = [];
      const params = validate(route.params, req.params, 'params', issues);
      refusePrototypeIds(req.params);
      // The site scope before the query and body: nobody learns about a site he may not see.
      const siteId = req.params.siteId;
      if (
        issues.length === 0 &&
        route.access !== 'public' &&
        typeof siteId === 'string' &&
        !principal.sites.includes(siteId)
      )
        throw forbidden(
          'site-forbidden',
          `Vous n'êtes pas habilité(e) sur le site ${siteId} ; demandez l'accès à un administrateur`,
          `you are not allowed on site ${siteId}; ask an administrator for access`,
        );
      const query = validate(route.query, { ...req.query }, 'query', issues);
      const body = validate(route.body, req.body ?? {}, 'body', issues);
      if (issues.length > 0) {
        const list = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
        throw new Problem(
          400,
          'validation-failed',
          'Invalid request',
          fr_en(`Requête invalide, corrigez : ${list}`, `invalid request, fix: ${list}`),
          issues,
        );
      }
      const result = await route.handler({ principal, params, query, body, req, res });
      const checked = route.response.schema.safeParse(result);
      if (!checked.success) {
        // A response that breaks its own schema is our bug: say so rather than send it.
        throw new Error(`response of ${route.id} does not match its schema: ${checked.error.message}`);
      }
      if (route.file) {
        const name = route.file.filename({ params, query });
        if (route.file.binary) {
          const type = typeof res.locals.fileType === 'string' ? res.locals.fileType : route.file.contentType;
          res.status(status).attachment(name).type(type).send(checked.data);
        } else
          res
            .status(status)
            .type(`${route.file.contentType}; charset=utf-8`)
            .attachment(name)
            .send(checked.data);
      } else res.status(status).json(checked.data);
    } catch (err) {
      next(err);
    }
  });
}
