/**
 * The MCP server of a running trailgraph: tools and resources generated from the compiled ontology, run over the
 * served GraphQL schema. One host per service (the catalogue is built once); one SDK `Server` per MCP session,
 * bound to a transport (stdio.ts, http.ts). Who calls is decided per request: the HTTP transport passes the
 * request's verified Principal in `authInfo`, stdio verifies the token from its environment.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema, ErrorCode as RpcErrorCode, ListResourceTemplatesRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, McpError,
  ReadResourceRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema, type CallToolResult, type ReadResourceResult, type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { GraphQLSchema } from 'graphql';
import type { ApiLimits, ApiServices } from '../api/context.ts';
import { deliveryAccess } from '../api/marks/subscription.ts';
import { apiContext } from '../api/server.ts';
import type { Principal } from '../core/auth/principal.ts';
import type { MarkFeed } from '../ports/mark-feed.ts';
import { type ArgumentCheck, argumentCheck } from './arguments.ts';
import { errorResult, toolResult } from './errors.ts';
import { type GraphqlRunner, createGraphqlRunner } from './graphql-runner.ts';
import { ontologySummary, ontologyTurtle } from './ontology-resources.ts';
import { MARKS_URI, NODE_URI_PREFIX, createResourceSubscriptions } from './subscriptions.ts';
import { type ToolContext, type ToolDef, toolCatalogue } from './tools/index.ts';

export interface McpServices {
  readonly api: ApiServices;
  /** The served GraphQL schema (with the service's extensions). */
  readonly schema: GraphQLSchema;
  readonly limits: ApiLimits;
  readonly feed: MarkFeed;
  /** Where unexpected errors are logged (never stdout: stdio carries the protocol there). Default: stderr. */
  readonly log?: (line: string) => void;
}

/** One MCP session's identity outside the transport. */
export interface McpSession {
  /** The caller when the transport carries none (stdio: the environment's token, verified). */
  readonly principal?: () => Promise<Principal | undefined>;
  /** Open mode: the acting agent when a call names none. */
  readonly agent?: string;
}

/** The server-wide part: catalogue, argument checks, the GraphQL runner. */
export interface McpHost {
  readonly tools: readonly ToolDef[];
  /** A new SDK server for one session, connected to `transport`. `close()` of the server ends the session. */
  connect(transport: Transport, session?: McpSession): Promise<Server>;
}

const ONTOLOGY_URI = 'trailgraph://ontology';
const SUMMARY_URI = 'trailgraph://ontology/summary';
const INSTRUCTIONS = 'trailgraph is the shared context of a multi-agent system: a typed graph built from events, with signal marks and claims. ' +
  'Sense: find_nodes / get_node / neighbourhood, or subscribe to trailgraph://marks and call marks_since with the cursor you got last. ' +
  'Act: claim the node for your purpose first (skip it when not granted), publish the event with the publish_<EventType> tool, then release_claim with your token. ' +
  'Every list is paged: pass nextCursor back as cursor. The ontology: trailgraph://ontology/summary.';

const principalOfAuth = (authInfo: AuthInfo | undefined): Principal | undefined => (authInfo?.extra as { principal?: Principal } | undefined)?.principal;

export function createMcpHost(services: McpServices): McpHost {
  const log = services.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { ontology } = services.api;
  const open = services.api.access === undefined;
  const tools = toolCatalogue(ontology, { open, maxResults: services.limits.maxResults, maxHops: services.limits.maxHops });
  const byName = new Map<string, { def: ToolDef; check: ArgumentCheck }>(tools.map((def) => [def.name, { def, check: argumentCheck(def.name, def.checkSchema ?? def.inputSchema) }]));
  const listed: Tool[] = tools.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema as Tool['inputSchema'], annotations: t.annotations }));
  const run: GraphqlRunner = createGraphqlRunner(services.schema, services.api, services.limits);
  const turtle = ontologyTurtle(ontology);
  const summary = JSON.stringify(ontologySummary(ontology));
  const getNode = byName.get('get_node')?.def as ToolDef;
  const marksSince = byName.get('marks_since')?.def as ToolDef;

  const call = async (name: string, args: unknown, ctx: ToolContext): Promise<CallToolResult> => {
    const tool = byName.get(name);
    // An unknown tool is a protocol error (the spec's -32602), not a failed call.
    if (!tool) throw new McpError(RpcErrorCode.InvalidParams, `unknown tool ${name}: tools/list has the tools of this server`);
    try {
      return toolResult(await tool.def.call(tool.check(args), ctx));
    } catch (err) {
      return errorResult(err, log);
    }
  };

  const read = async (uri: string, ctx: ToolContext): Promise<ReadResourceResult> => {
    const json = (value: unknown): ReadResourceResult => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] });
    if (uri === ONTOLOGY_URI) {
      if (turtle === undefined) throw new McpError(RpcErrorCode.InvalidParams, 'the ontology sources cannot be read on this server; use trailgraph://ontology/summary');
      return { contents: [{ uri, mimeType: 'text/turtle', text: turtle }] };
    }
    if (uri === SUMMARY_URI) return { contents: [{ uri, mimeType: 'application/json', text: summary }] };
    if (uri === MARKS_URI) {
      // The latest marks: the head, and a cursor to go on from with marks_since.
      const head = (await marksSince.call({ after: 0, limit: 1 }, ctx)).headSeq as number;
      return json(await marksSince.call({ after: Math.max(0, head - 20), limit: 20 }, ctx));
    }
    if (uri.startsWith(NODE_URI_PREFIX)) {
      const id = decodeURIComponent(uri.slice(NODE_URI_PREFIX.length));
      try {
        return json(await getNode.call({ id }, ctx));
      } catch (err) {
        throw new McpError(RpcErrorCode.InvalidParams, (err as Error).message);
      }
    }
    throw new McpError(RpcErrorCode.InvalidParams, `unknown resource ${uri}: use ${ONTOLOGY_URI}, ${SUMMARY_URI}, ${MARKS_URI} or ${NODE_URI_PREFIX}{id}`);
  };

  return {
    tools,
    async connect(transport, session = {}) {
      const server = new Server(
        { name: 'trailgraph', title: `trailgraph — ${ontology.label ?? ontology.iri} ${ontology.version}`, version: '0.1.0' },
        { capabilities: { tools: {}, resources: { subscribe: true } }, instructions: INSTRUCTIONS },
      );
      const contextOf = async (authInfo: AuthInfo | undefined): Promise<ToolContext> => ({
        run, principal: principalOfAuth(authInfo) ?? (await session.principal?.()), agent: session.agent,
      });
      let lastAuth: AuthInfo | undefined;
      const subscriptions = createResourceSubscriptions({
        feed: services.feed,
        log,
        access: async () => {
          const principal = principalOfAuth(lastAuth) ?? (await session.principal?.());
          return deliveryAccess(apiContext(services.api, services.limits, principal));
        },
        notify: (uri) => server.sendResourceUpdated({ uri }),
      });
      server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
      server.setRequestHandler(CallToolRequestSchema, async (req, extra) => call(req.params.name, req.params.arguments, await contextOf(extra.authInfo)));
      server.setRequestHandler(ListResourcesRequestSchema, () => ({
        resources: [
          { uri: SUMMARY_URI, name: 'ontology-summary', title: 'Ontology summary', description: 'Classes, properties, relationships and event types, compact (JSON).', mimeType: 'application/json' },
          { uri: ONTOLOGY_URI, name: 'ontology', title: 'Ontology (Turtle)', description: 'The ontology the service validates events against.', mimeType: 'text/turtle' },
          { uri: MARKS_URI, name: 'marks', title: 'Change marks', description: 'The latest change marks and the cursor for marks_since. Subscribe to be told when new marks commit.', mimeType: 'application/json' },
        ],
      }));
      server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
        resourceTemplates: [{ uriTemplate: `${NODE_URI_PREFIX}{id}`, name: 'node', title: 'A node', description: 'A node with its properties, relationships, marks and claims (as get_node). Subscribable: updated when a change touches it.', mimeType: 'application/json' }],
      }));
      server.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => read(req.params.uri, await contextOf(extra.authInfo)));
      server.setRequestHandler(SubscribeRequestSchema, (req, extra) => {
        const { uri } = req.params;
        if (uri !== MARKS_URI && !uri.startsWith(NODE_URI_PREFIX)) throw new McpError(RpcErrorCode.InvalidParams, `${uri} is not subscribable: subscribe to ${MARKS_URI} or ${NODE_URI_PREFIX}{id}`);
        lastAuth = extra.authInfo ?? lastAuth;
        subscriptions.subscribe(uri);
        return {};
      });
      server.setRequestHandler(UnsubscribeRequestSchema, (req) => {
        subscriptions.unsubscribe(req.params.uri);
        return {};
      });
      const previous = server.onclose;
      server.onclose = () => {
        previous?.();
        void subscriptions.close();
      };
      await server.connect(transport);
      return server;
    },
  };
}
