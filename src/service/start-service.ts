/**
 * The running service: the service core (runtime, marks layer, schema, MCP host) + the GraphQL / CloudEvents / MCP
 * HTTP API + graphql-ws on the same port. `serve`, the demo and the tests start it here, so they serve
 * the same schema and stop in the same order: sockets, marks, HTTP (in-flight requests finish), then the runtime.
 */
import { basename } from 'node:path';
import { EVENTS_PREFIX, natsHost } from '../adapters/nats/subjects.ts';
import { useDemoPage } from '../api/http/demo-page.ts';
import { useSchemaDocuments } from '../api/http/schema-documents.ts';
import { useRdfEndpoint } from '../api/http/rdf-endpoint.ts';
import { listen, type RunningServer } from '../api/http/node-server.ts';
import { attachGraphqlWs } from '../api/marks/index.ts';
import { loadPersistedOperations } from '../api/persisted-operations.ts';
import { createApi, type Api } from '../api/server.ts';
import type { MarksRuntime } from '../app/marks/marks-runtime.ts';
import { type McpEndpoint, createMcpEndpoint } from '../mcp/http.ts';
import { statusOf } from '../app/status.ts';
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { TrailgraphConfig } from './config.ts';
import type { Runtime } from './runtime.ts';
import { type ServiceCoreOptions, startServiceCore } from './service-core.ts';

export interface ServiceOptions extends ServiceCoreOptions {
  /** How long `close()` lets in-flight requests finish before cutting connections. */
  readonly stopGraceMs?: number;
}

export interface Service {
  /** e.g. `http://127.0.0.1:4000`; GraphQL at `/graphql`, events at `/events`. */
  readonly url: string;
  readonly config: TrailgraphConfig;
  readonly runtime: Runtime;
  readonly marks: MarksRuntime;
  readonly api: Api;
  /** Whether `/demo` serves the live referral page. */
  readonly demoPage: boolean;
  /** Open MCP sessions at `/mcp`. */
  readonly mcpSessions: () => number;
  /** Stops the service; idempotent. */
  close(): Promise<void>;
}

/** The live referral page is served wherever the served ontology is the referral domain. */
const servesDemoPage = (ontology: CompiledOntology): boolean => ontology.classes.has('Referral') && ontology.classes.has('Specialist');

/** Starts the service the configuration describes and listens on its host and port. */
export async function startService(config: TrailgraphConfig, options: ServiceOptions = {}): Promise<Service> {
  const core = await startServiceCore(config, options);
  const { runtime, marks } = core;
  let running: RunningServer | undefined;
  let mcp: McpEndpoint | undefined;
  try {
    const persisted = { persistedOperations: loadPersistedOperations(config.queriesDir), persistedOnly: config.persistedOnly };
    const demoPage = servesDemoPage(runtime.ontology);
    mcp = createMcpEndpoint(core.mcp, { ...(runtime.access && { access: runtime.access }), maxBodyBytes: config.limits.maxBodyBytes });
    const api = createApi({
      services: runtime,
      ready: runtime.ready,
      status: statusOf(runtime, marks.feed),
      ...(runtime.metrics && { metrics: runtime.metrics }),
      limits: config.limits,
      mode: config.mode,
      corsOrigins: config.corsOrigins,
      introspection: config.introspection,
      schema: core.schema,
      plugins: [
        useSchemaDocuments({ ontology: () => runtime.ontology, asyncapi: { domain: basename(config.ontologyDir), subjectPrefix: EVENTS_PREFIX, ...(config.natsUrl && { natsHost: natsHost(config.natsUrl) }) } }),
        mcp.plugin,
        useRdfEndpoint(runtime),
        ...(demoPage ? [useDemoPage()] : []),
      ],
      ...persisted,
    });
    running = await listen(api, config);
    // graphql-ws bypasses yoga's plugins: it gets the same persisted-operations rule and the same auth.
    const ws = attachGraphqlWs(running.server, api, { ...persisted, access: runtime.access });
    const [http, endpoint] = [running, mcp];
    let closing: Promise<void> | undefined;
    return {
      url: http.url,
      config,
      runtime,
      marks,
      api,
      demoPage,
      mcpSessions: endpoint.sessions,
      close() {
        closing ??= (async () => {
          await ws.close();
          // MCP sessions hold long-lived response streams: end them before the HTTP server waits for requests.
          await endpoint.close();
          await marks.close();
          await http.stop(options.stopGraceMs);
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await running?.stop(0);
    await mcp?.close();
    await core.close();
    throw err;
  }
}
