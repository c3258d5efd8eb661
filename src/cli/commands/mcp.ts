/**
 * `trailgraph mcp`: the MCP server on stdio, for desktop agents. Two ways, one command:
 * - on the store: opens the configured ontology and store itself (as `serve` does, without HTTP) — for an agent
 *   working alone on a local graph, or beside a `serve` on the same SQLite file or NATS;
 * - `--url` / TRAILGRAPH_URL: relays to a running service's `/mcp` (its store, feed and auth) — the usual way when
 *   a service already runs. The token comes from TRAILGRAPH_TOKEN or --token-file, never from a flag value.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { type ConfigFlags, loadConfig } from '../../service/config.ts';
import { bearerToken, serviceUrl } from '../remote.ts';
import { shutdownTracing } from '../../observability/tracing.ts';

interface McpFlags extends ConfigFlags {
  url?: string;
  tokenFile?: string;
  agent?: string;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function onStore(flags: McpFlags): Promise<void> {
  const { startServiceCore } = await import('../../service/service-core.ts');
  const { serveStdio } = await import('../../mcp/stdio.ts');
  const core = await startServiceCore(loadConfig(flags), { log });
  try {
    const { access } = core.runtime;
    const agent = flags.agent ?? (process.env.TRAILGRAPH_AGENT || undefined);
    if (access) {
      const token = bearerToken(flags);
      if (token === undefined) throw new ConfigError('TRAILGRAPH_TOKEN', 'auth is on: give the agent\'s token in TRAILGRAPH_TOKEN or --token-file (trailgraph token issue makes development tokens)');
      const principal = await access.authenticate(`Bearer ${token}`);
      log(`trailgraph mcp: ${core.runtime.ontology.iri} ${core.runtime.ontology.version} on stdio, as ${principal.agent}`);
      // Verified on every call (cached briefly), so an expired token stops working mid-session.
      await serveStdio(core.mcp, { principal: () => access.authenticate(`Bearer ${token}`) });
    } else {
      log(`trailgraph mcp: ${core.runtime.ontology.iri} ${core.runtime.ontology.version} on stdio, auth off${agent ? `, acting as ${agent}` : ''}`);
      await serveStdio(core.mcp, agent === undefined ? {} : { agent });
    }
  } finally {
    await core.close();
  }
}

export function register(program: Command): void {
  program
    .command('mcp')
    .description('Serve MCP (Model Context Protocol) on stdio for desktop agents: tools and resources generated from the ontology.')
    .option('--url <url>', 'relay to a running service\'s /mcp instead of opening the store (env TRAILGRAPH_URL)')
    .option('--token-file <file>', 'bearer token for the agent (default env TRAILGRAPH_TOKEN)')
    .option('--agent <agent>', 'auth off: the agent to act as, e.g. agent://desk (env TRAILGRAPH_AGENT)')
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--store <path|url>', 'SQLite file or neo4j://host:7687 (env TRAILGRAPH_STORE, default ./.trailgraph/graph.db)')
    .option('--nats <url>', 'NATS JetStream server for bus mode (env TRAILGRAPH_NATS_URL)')
    .option('--mode <mode>', 'development | production (env TRAILGRAPH_MODE)')
    .option('--auth-jwks <file|url>', 'verify bearer tokens with this JWKS (env TRAILGRAPH_AUTH_JWKS); HS256: env TRAILGRAPH_AUTH_SECRET')
    .option('--auth-secret-file <file>', 'HS256 secret in a file (env TRAILGRAPH_AUTH_SECRET_FILE)')
    .option('--auth-issuer <iss>', 'required token issuer (env TRAILGRAPH_AUTH_ISSUER)')
    .option('--auth-audience <aud>', 'required token audience (env TRAILGRAPH_AUTH_AUDIENCE)')
    .option('--policy <dir>', 'access policy folder (env TRAILGRAPH_POLICY)')
    .option('--insecure', 'production mode without authentication, on purpose')
    .addHelpText('after', '\nHost configuration (docs/mcp.md):\n  { "command": "trailgraph", "args": ["mcp", "--url", "http://127.0.0.1:4000"], "env": { "TRAILGRAPH_TOKEN": "…" } }\n  or Streamable HTTP: http://127.0.0.1:4000/mcp with Authorization: Bearer <token>')
    .action(async (flags: McpFlags) => {
      const url = serviceUrl(flags);
      if (url !== undefined) {
        const { bridgeStdioToHttp } = await import('../../mcp/bridge.ts');
        const token = bearerToken(flags);
        const agent = flags.agent ?? (process.env.TRAILGRAPH_AGENT || undefined);
        log(`trailgraph mcp: relaying stdio to ${url}/mcp`);
        await bridgeStdioToHttp({ url, log, ...(token !== undefined && { token }), ...(agent !== undefined && { agent }) });
      } else {
        await onStore(flags);
      }
      // Spans still buffered (an embedded store's last publishes) are exported before the process ends.
      await shutdownTracing();
      process.exit(0);
    });
}
