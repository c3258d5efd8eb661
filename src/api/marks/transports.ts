/**
 * The two standard subscription transports, so official clients work unchanged:
 * - GraphQL over SSE: yoga itself serves the graphql-sse "distinct connections mode" on `/graphql` (a
 *   `graphql-sse` client with its default mode). Nothing to wire: it pulls from the subscription only as fast as
 *   the HTTP response drains, which is what lets the mark feed cut off a slow reader. The graphql-sse plugin
 *   (`/graphql/stream`, single-connection mode) is deliberately NOT used: its handler drains subscriptions into an
 *   unbounded in-memory array, so a client that stops reading would grow server memory without bound.
 * - graphql-ws over WebSocket on the same HTTP server and path (`/graphql`), executed through yoga's envelop so
 *   error masking, limits and the context factory are the same as over HTTP. Yoga's persisted-operations hook
 *   does not run here, so the same rule is applied in onSubscribe (ws-persisted.ts): pass the same operations
 *   and `persistedOnly` as to createApi, or locked-down mode has a WebSocket-shaped hole.
 */
import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type PersistedOperation, indexPersistedOperations } from '../persisted-operations.ts';
import { AGENT_HEADER } from './agent.ts';
import { resolveWsDocument } from './ws-persisted.ts';
import type { AccessControl } from '../../app/auth/access-control.ts';
import { UnauthenticatedError } from '../../core/auth/errors.ts';

/** What attachGraphqlWs needs from the yoga instance. */
interface EnvelopedYoga {
  getEnveloped(initial: Record<string, unknown>): {
    schema: ExecutionArgs['schema'];
    parse(source: string): ExecutionArgs['document'];
    validate(schema: ExecutionArgs['schema'], document: ExecutionArgs['document']): readonly GraphQLError[];
    contextFactory(): Promise<unknown> | unknown;
    execute(args: ExecutionArgs): unknown;
    subscribe(args: ExecutionArgs): unknown;
  };
}

/** A fetch Request mirroring the upgrade request, so context code written for HTTP works over WebSocket too. */
function toRequest(req: IncomingMessage, connectionParams: Readonly<Record<string, unknown>> | undefined): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'upgrade' || k === 'connection' || k.startsWith('sec-websocket')) continue;
    headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  // Browsers cannot set headers on a WebSocket: accept the agent in connection_init's payload too.
  const fromParams = connectionParams?.[AGENT_HEADER] ?? connectionParams?.agent;
  if (typeof fromParams === 'string' && fromParams && !headers.has(AGENT_HEADER)) headers.set(AGENT_HEADER, fromParams);
  // …and the bearer token (`{ authorization: "Bearer …" }` in connection_init), for the same reason.
  const auth = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof auth === 'string' && auth && !headers.has('authorization')) headers.set('authorization', auth);
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/graphql'}`, { headers });
}

type EnvelopedArgs = ExecutionArgs & { rootValue: { execute(a: ExecutionArgs): unknown; subscribe(a: ExecutionArgs): unknown } };

export interface GraphqlWsOptions {
  /** Default `/graphql` (the same path as HTTP and SSE). */
  readonly path?: string;
  /** The operations from queries/ — the same list given to createApi; usable by name or sha256. */
  readonly persistedOperations?: readonly PersistedOperation[];
  /** Locked-down mode, as given to createApi: refuse every document that is not persisted. */
  readonly persistedOnly?: boolean;
  /** Access control, as given to createApi: connections need a valid token and end when it expires. */
  readonly access?: AccessControl | undefined;
}

/** WebSocket close codes for auth (4401/4403 mirror HTTP, as graphql-ws does for 4403). */
export const WS_UNAUTHORIZED = 4401;

/**
 * Serves graphql-ws on `server`. `close()` ends every socket (call it before closing the HTTP server).
 */
export function attachGraphqlWs(server: Server, yoga: EnvelopedYoga, options: GraphqlWsOptions = {}): { close(): Promise<void> } {
  const { path = '/graphql', persistedOnly = false } = options;
  const rule = { operations: indexPersistedOperations(options.persistedOperations ?? []), only: persistedOnly };
  const wss = new WebSocketServer({ server, path });
  const { access } = options;
  const expiryTimers = new Set<NodeJS.Timeout>();
  const disposable = useServer(
    {
      // With auth on, a connection is accepted only with a valid token (header or connection_init payload), and
      // is closed when that token expires: a subscription must not outlive the right to read.
      onConnect: async (ctx) => {
        if (!access) return true;
        const socket = ctx.extra.socket;
        try {
          const p = await access.authenticate(toRequest(ctx.extra.request, ctx.connectionParams).headers.get('authorization'));
          if (p.expiresAt !== undefined) {
            const t = setTimeout(() => {
              expiryTimers.delete(t);
              socket.close(WS_UNAUTHORIZED, 'token expired');
            }, Math.max(0, p.expiresAt - Date.now()));
            t.unref();
            expiryTimers.add(t);
            socket.once('close', () => {
              clearTimeout(t);
              expiryTimers.delete(t);
            });
          }
          return true;
        } catch (err) {
          if (!(err instanceof UnauthenticatedError)) throw err;
          socket.close(WS_UNAUTHORIZED, `Unauthorized: ${err.reason}`);
          return false;
        }
      },
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const request = toRequest(ctx.extra.request, ctx.connectionParams);
        const source = resolveWsDocument(payload, rule);
        if (source instanceof GraphQLError) return [source];
        const env = yoga.getEnveloped({ ...ctx, request, socket: ctx.extra.socket, params: { ...payload, query: source } });
        let document: ExecutionArgs['document'];
        try {
          document = env.parse(source);
        } catch (err) {
          // A syntax error is the client's: report it on the operation instead of closing the whole socket.
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const errors = env.validate(env.schema, document);
        if (errors.length > 0) return errors;
        const args: EnvelopedArgs = {
          schema: env.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: await env.contextFactory(),
          rootValue: { execute: env.execute, subscribe: env.subscribe },
        };
        return args;
      },
    },
    wss,
  );
  return {
    async close() {
      for (const t of expiryTimers) clearTimeout(t);
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
