/**
 * The HTTP API as one fetch handler (graphql-yoga): `/graphql` (GraphiQL in development), `POST /events`
 * (CloudEvents), `/healthz`, `/readyz`. `serve` mounts it on node:http; tests call `api.fetch(…)` in-process.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type GraphQLSchema, NoSchemaIntrospectionCustomRule } from 'graphql';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type ApiContext, type ApiLimits, type ApiServices, DEFAULT_API_LIMITS } from './context.ts';
import type { Principal } from '../core/auth/principal.ts';
import { maskError } from './errors.ts';
import { useBodyLimit } from './http/body-limit.ts';
import { createGraphqlNodeListener, registerNodeListener } from './http/graphql-node-path.ts';
import { handleDeadLetters } from './http/dead-letters-endpoint.ts';
import { principalOf, useAuthentication } from './auth/authenticate.ts';
import { scopeStore } from './auth/scoped-store.ts';
import { handleEvents } from './http/events-endpoint.ts';
import { useJitExecution } from './jit.ts';
import { useMetrics, useStatus } from './metrics.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createLoaders } from './loaders.ts';
import { type PersistedOperation, indexPersistedOperations } from './persisted-operations.ts';
import { type SchemaExtension, createSchema } from './schema/index.ts';

export interface ApiOptions {
  readonly services: ApiServices;
  readonly limits?: Partial<ApiLimits>;
  /** development: GraphiQL and field suggestions on; production: off. */
  readonly mode?: 'development' | 'production';
  /** Operations from queries/; always usable by name or hash. */
  readonly persistedOperations?: readonly PersistedOperation[];
  /** Locked-down mode: only persisted operations run. */
  readonly persistedOnly?: boolean;
  /** Schema pieces on top of the generated schema (marks, claims, subscriptions). */
  readonly extensions?: readonly SchemaExtension[];
  /** The executable schema, when the caller built it (to share it with other edges); else built from `extensions`. */
  readonly schema?: GraphQLSchema;
  /** Extra yoga plugins (e.g. the SSE transport). */
  readonly plugins?: readonly Plugin[];
  /** Where unexpected errors are logged with their error id (default: stderr). */
  readonly log?: (line: string) => void;
  /**
   * Browser origins allowed to call the API cross-site (exact `scheme://host[:port]`). Default none: no CORS
   * headers at all, so a page on another site cannot read answers with the user's credentials.
   */
  readonly corsOrigins?: readonly string[];
  /** Schema introspection (`__schema`, `__type`). Default: on in development, off in production. */
  readonly introspection?: boolean;
  /** `/readyz` check: resolves when the store answers. Default: `store.headSeq()`. */
  readonly ready?: () => Promise<void>;
  /** Serves `/metrics` and times GraphQL operations (the runtime's metrics). */
  readonly metrics?: Metrics;
  /** Serves `/status` (coordination health, src/app/status.ts). */
  readonly status?: (options?: { nearExpiryMs?: number }) => Promise<unknown>;
}

export type Api = YogaServerInstance<Record<string, unknown>, ApiContext>;

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** Routes that are not GraphQL. */
function useTrailgraphRoutes(options: ApiOptions, limits: ApiLimits): Plugin {
  const ready = options.ready ?? (async () => void (await options.services.store.headSeq()));
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname === '/readyz') {
        try {
          await ready();
          return endResponse(json(200, { status: 'ready', ontology: options.services.ontology.version }));
        } catch (err) {
          return endResponse(json(503, { status: 'not ready', reason: err instanceof Error ? err.message : String(err) }));
        }
      }
      if (url.pathname === '/events') {
        const { access, deadLetters } = options.services;
        const guard = access ? { access, principal: await principalOf(access, request), ...(deadLetters && { deadLetters }) } : undefined;
        return endResponse(await handleEvents(request, { publisher: options.services.publisher, maxBodyBytes: limits.maxBodyBytes, maxWaitMs: limits.maxWaitMs, guard, ...(options.log && { log: options.log }) }));
      }
      if (url.pathname.startsWith('/dead-letters') && options.services.deadLetters) {
        const { access, deadLetters, publisher } = options.services;
        const answer = await handleDeadLetters(request, url, { deadLetters, publisher, access });
        if (answer) return endResponse(answer);
      }
      if (url.pathname === '/graphql' && Number(request.headers.get('content-length') ?? 0) > limits.maxBodyBytes) {
        return endResponse(json(413, { errors: [{ message: `request body larger than ${limits.maxBodyBytes} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
      }
    },
  };
}

/** CORS from an allow-list: an allowed Origin is echoed (with credentials), any other gets no CORS headers. */
function corsFor(origins: readonly string[]): false | ((request: Request) => false | { origin: string[]; credentials: true }) {
  if (origins.length === 0) return false;
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    return origin !== null && allowed.has(origin) ? { origin: [origin], credentials: true } : false;
  };
}

/** Refuses introspection queries (graphql-js's NoSchemaIntrospectionCustomRule) during validation. */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * What resolvers see for one request (or one MCP tool call): the services, with the store and loaders bound to
 * what `principal` may read. Without access control the store is unscoped. Every edge builds its context here.
 */
export function apiContext(services: ApiServices, limits: ApiLimits, principal?: Principal): ApiContext {
  // The fields listed rather than `...services`: the service runtime passed here is a large object, and V8 copies
  // it by spread then extends the copy at ~3 µs a request (measured), a tenth of a trivial query's own work. Typed
  // against every key of ApiServices, so a service added there and not here fails to compile instead of vanishing.
  const { access, store, ontology, publisher, deadLetters } = services;
  const listed: { readonly [K in keyof Required<ApiServices>]: ApiServices[K] } = { store, ontology, publisher, access, deadLetters };
  if (!access || !principal) return { ...listed, limits, loaders: createLoaders(store), readAccess: 'all' as const };
  const readAccess = access.scope(principal);
  const scoped = scopeStore(store, readAccess);
  return { ...listed, store: scoped, limits, loaders: createLoaders(scoped), principal, agent: principal.agent, readAccess };
}

/** Builds the API for the given services. */
export function createApi(options: ApiOptions): Api {
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const dev = (options.mode ?? 'development') === 'development';
  const persisted = indexPersistedOperations(options.persistedOperations ?? []);
  const schema = options.schema ?? createSchema(options.services.ontology, options.extensions ?? []);
  const api = createYoga<Record<string, unknown>, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // The body limit is useBodyLimit's (no stream per request); yoga's own would count every body again.
    maxRequestBodySize: false,
    graphiql: dev ? { title: 'trailgraph', defaultQuery: '{ headSeq ontology { iri version } }' } : false,
    // GraphiQL's code inlined in the page rather than fetched from a CDN, so it works offline and behind firewalls.
    renderGraphiQL,
    maskedErrors: { maskError, isDev: dev },
    cors: corsFor(options.corsOrigins ?? []),
    context: async ({ request }) => {
      const { access } = options.services;
      return apiContext(options.services, limits, access ? await principalOf(access, request) : undefined);
    },
    plugins: [
      useAuthentication(options.services.access),
      useTrailgraphRoutes(options, limits),
      ...(options.metrics ? [useMetrics(options.metrics)] : []),
      ...(options.status ? [useStatus(options.status)] : []),
      ...(options.introspection ?? dev ? [] : [useNoIntrospection()]),
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth },
        maxAliases: { n: limits.maxAliases },
        costLimit: { maxCost: limits.maxCost },
        blockFieldSuggestion: { enabled: !dev },
      }),
      ...(persisted.size > 0 || options.persistedOnly
        ? [
            usePersistedOperations({
              allowArbitraryOperations: !options.persistedOnly,
              extractPersistedOperationId: (params) => {
                const p = params as { documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
                const id = p.documentId ?? p.extensions?.persistedQuery?.sha256Hash;
                return typeof id === 'string' ? id : null;
              },
              getPersistedOperation: (key) => persisted.get(key) ?? null,
            }),
          ]
        : []),
      ...(options.plugins ?? []),
      useJitExecution(),
      // Last, so it wraps whichever request parser the plugins above chose.
      useBodyLimit(limits.maxBodyBytes),
    ],
  });
  // `serve` mounts this node listener: POST /graphql JSON requests skip the Fetch-API adapter, the rest is yoga's.
  registerNodeListener(api, createGraphqlNodeListener(api, { maxBodyBytes: limits.maxBodyBytes, extraPlugins: options.plugins ?? [], ...(options.log && { log: options.log }) }));
  return api;
}
