/** `trailgraph serve`: the GraphQL + CloudEvents HTTP API on the configured store. */
import type { Command } from 'commander';
import { type ConfigFlags, type TrailgraphConfig, loadConfig } from '../../service/config.ts';
import type { Runtime } from '../../service/runtime.ts';
import { startService } from '../../service/start-service.ts';
import { shutdownTracing } from '../../observability/tracing.ts';

/** Says whether anyone may connect: the open development start must never be mistaken for a secured one. */
function authLine(config: TrailgraphConfig, runtime: Runtime): string {
  if (runtime.access && config.auth) {
    const keys = config.auth.jwks ? `JWKS ${config.auth.jwks}` : 'HS256 shared secret (development)';
    return `  Auth      bearer tokens required (${keys}; iss ${config.auth.issuer}, aud ${config.auth.audience}); policy ${runtime.access.policy.version}, roles: ${[...runtime.access.policy.roles.keys()].join(', ')}\n`;
  }
  return config.insecure
    ? '  Auth      OFF (--insecure): anyone who reaches this port may publish as any agent and read everything\n'
    : '  Auth      OFF — open for local development: anyone who reaches this port may publish and read everything.\n            Set TRAILGRAPH_AUTH_SECRET (development) or --auth-jwks (production) to require tokens (docs/security.md)\n';
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve GraphQL (/graphql, GraphiQL in development) and CloudEvents over HTTP (POST /events).')
    .option('-p, --port <port>', 'port to listen on, 0 = any free port (env TRAILGRAPH_PORT, default 4000)')
    .option('--host <host>', 'address to bind (env TRAILGRAPH_HOST, default 127.0.0.1)')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://host:7687 (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .option('--nats <url>', 'NATS JetStream server for bus mode: publish to the stream, project it here (env TRAILGRAPH_NATS_URL)')
    .option('--nats-url <url>', 'alias of --nats')
    .option('--projector <on>', 'bus mode: 1 = this replica projects the stream into the store (default), 0 = it only serves; run exactly one projector per partition (env TRAILGRAPH_PROJECTOR)')
    .option('--mode <mode>', 'development | production (env TRAILGRAPH_MODE)')
    .option('--queries <dir>', 'persisted operations folder (env TRAILGRAPH_QUERIES, default queries)')
    .option('--cors-origin <origins>', 'browser origins allowed cross-site, comma-separated (env TRAILGRAPH_CORS_ORIGINS, default none)')
    .option('--introspection <on>', '1 = schema introspection on, 0 = off (env TRAILGRAPH_INTROSPECTION; default on in development, off in production)')
    .option('--persisted-only', 'only run the persisted operations from --queries (env TRAILGRAPH_PERSISTED_ONLY=1)')
    .option('--auth-jwks <file|url>', 'verify bearer tokens (RS256/ES256/EdDSA) with this JWKS (env TRAILGRAPH_AUTH_JWKS); HS256 for development: env TRAILGRAPH_AUTH_SECRET')
    .option('--auth-secret-file <file>', 'HS256 secret in a file (env TRAILGRAPH_AUTH_SECRET_FILE); never pass a secret as a flag value')
    .option('--auth-issuer <iss>', 'required token issuer (env TRAILGRAPH_AUTH_ISSUER, default trailgraph)')
    .option('--auth-audience <aud>', 'required token audience (env TRAILGRAPH_AUTH_AUDIENCE, default trailgraph)')
    .option('--auth-roles-claim <name>', 'claim holding the roles (env TRAILGRAPH_AUTH_ROLES_CLAIM, default roles)')
    .option('--policy <dir>', 'access policy folder (env TRAILGRAPH_POLICY, default <ontology>/policy)')
    .option('--insecure', 'production mode without authentication, on purpose (env TRAILGRAPH_INSECURE=1)')
    .addHelpText('after', '\nExample:\n  trailgraph serve --port 4000 --store ./.trailgraph/graph.db\n  trailgraph serve --nats nats://localhost:4222   (bus mode; events on tg.events.<domain>.<type>.<aggregate>)\n  curl -X POST localhost:4000/events -H "content-type: application/cloudevents+json" -d @event.json')
    .action(async (flags: ConfigFlags) => {
      const config = loadConfig(flags);
      const service = await startService(config);
      const { runtime, marks, url } = service;
      const store = config.store.kind === 'sqlite' ? config.store.path : config.store.uri;
      process.stdout.write(
        `trailgraph ${runtime.ontology.version} (${runtime.ontology.iri}) on ${store}, ${runtime.busMode} mode${config.natsUrl ? (config.natsProject === false ? ', projector off (serving only)' : ', projecting the stream') : ''}\n` +
          `  GraphQL   ${url}/graphql${config.mode === 'development' ? '  (open it in a browser for GraphiQL)' : ''}\n` +
          `  Events    POST ${url}/events  (CloudEvents: structured, binary or batch)\n` +
          `  Marks     subscription marks(where, after) over SSE and graphql-ws at ${url.replace('http', 'ws')}/graphql (${marks.fanout})\n` +
          `  MCP       ${url}/mcp  (Streamable HTTP; \`trailgraph mcp --url ${url}\` for stdio hosts, docs/mcp.md)\n` +
          `  Health    ${url}/healthz  ${url}/readyz  ${url}/status${runtime.metrics ? `  ${url}/metrics` : ''}\n` +
          `  Schemas   ${url}/schemas/openapi.json  ${url}/schemas/asyncapi.json  ${url}/schemas/events/<type>.json\n` +
          (service.demoPage ? `  Page      ${url}/demo  (the live referral graph)\n` : '') +
          authLine(config, runtime) +
          `Next: publish an event with \`trailgraph publish event.json\` or curl, then query it. Ctrl-C stops.\n`,
      );
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`trailgraph: ${signal}, finishing in-flight requests…\n`);
        // Spans still buffered (the last commits, the last deliveries) are exported before the process ends.
        service.close().then(shutdownTracing).then(
          () => {
            process.stdout.write('trailgraph: stopped\n');
            process.exit(0);
          },
          (err: unknown) => {
            process.stderr.write(`trailgraph: error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
