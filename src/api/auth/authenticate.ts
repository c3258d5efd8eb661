/**
 * Authentication at the HTTP edge: every route except the health probes (and CORS preflights) needs a valid
 * bearer token when access control is on — /graphql (queries, mutations, SSE), /events, and whatever routes
 * other plugins add (/mcp, /metrics). A missing or bad token is a 401 before any route runs; the Principal is
 * kept per request for the context factory. Responses and errors never echo the token.
 */
import type { Plugin } from 'graphql-yoga';
import { UnauthenticatedError } from '../../core/auth/errors.ts';
import type { Principal } from '../../core/auth/principal.ts';
import type { AccessControl } from '../../app/auth/access-control.ts';

/**
 * Paths that stay open: liveness and readiness probes say nothing about the graph, and the demo page is static
 * HTML that reads the graph with the token it is given (a browser cannot send a bearer header when navigating).
 */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/demo', '/demo/']);

const principals = new WeakMap<Request, Principal>();

/** The 401 answer, shaped for the route (GraphQL error list, or the /events error object). */
export function unauthorized(err: UnauthenticatedError, graphql: boolean): Response {
  const body = graphql
    ? { errors: [{ message: err.message, extensions: { code: err.code, reason: err.reason } }] }
    : { error: { code: err.code, reason: err.reason, message: err.message } };
  return new Response(JSON.stringify(body), {
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': `Bearer error="invalid_token", error_description="${err.reason}"` },
  });
}

/** The Principal of `request`: verified once per request (the onRequest hook, or here for WebSocket requests). */
export async function principalOf(access: AccessControl, request: Request): Promise<Principal> {
  const known = principals.get(request);
  if (known) return known;
  const p = await access.authenticate(request.headers.get('authorization'));
  principals.set(request, p);
  return p;
}

/** Yoga plugin: 401 for unauthenticated requests; put it before every plugin that answers requests itself. */
export function useAuthentication(access: AccessControl | undefined): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!access || OPEN_PATHS.has(url.pathname) || request.method === 'OPTIONS') return;
      try {
        await principalOf(access, request);
      } catch (err) {
        if (err instanceof UnauthenticatedError) return endResponse(unauthorized(err, url.pathname === '/graphql'));
        throw err;
      }
    },
  };
}
