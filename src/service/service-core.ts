/**
 * The service without a network edge: the runtime (store, ingest, publisher), the marks layer (feed, fan-out,
 * sweeper), the served GraphQL schema and the MCP host built on it. `startService` puts HTTP in front of it;
 * `trailgraph mcp` (stdio) serves it to one desktop agent. One assembly, so both serve the same schema and tools.
 */
import type { GraphQLSchema } from 'graphql';
import { type ApiLimits, DEFAULT_API_LIMITS } from '../api/context.ts';
import { createSchema } from '../api/schema/index.ts';
import { serviceExtensions } from '../api/service-schema.ts';
import { startMarks, type MarksRuntime } from '../app/marks/marks-runtime.ts';
import { type McpHost, createMcpHost } from '../mcp/server.ts';
import type { TrailgraphConfig } from './config.ts';
import { createRuntime, type Runtime } from './runtime.ts';

export interface ServiceCoreOptions {
  /** Sweeper interval (marks evaporating, claims expiring); 0 disables it. */
  readonly sweepMs?: number;
  /** Live marks a subscriber may have queued before it is cut off. */
  readonly queueLimit?: number;
  /** Where the MCP host logs unexpected errors (default stderr). */
  readonly log?: (line: string) => void;
}

export interface ServiceCore {
  readonly runtime: Runtime;
  readonly marks: MarksRuntime;
  /** The executable schema every edge serves. */
  readonly schema: GraphQLSchema;
  readonly limits: ApiLimits;
  readonly mcp: McpHost;
  /** Stops the marks layer, then the runtime. */
  close(): Promise<void>;
}

export async function startServiceCore(config: TrailgraphConfig, options: ServiceCoreOptions = {}): Promise<ServiceCore> {
  const runtime = await createRuntime(config);
  let marks: MarksRuntime | undefined;
  try {
    marks = await startMarks({
      store: runtime.store,
      ontology: runtime.ontology,
      ...(options.sweepMs !== undefined && { sweepMs: options.sweepMs }),
      ...(options.queueLimit !== undefined && { queueLimit: options.queueLimit }),
      ...(config.natsUrl && { natsUrl: config.natsUrl }),
      ...(config.marksPollMs !== undefined && { pollMs: config.marksPollMs }),
      ...(runtime.metrics && { metrics: runtime.metrics }),
    });
    const schema = createSchema(runtime.ontology, serviceExtensions(runtime.ontology, { feed: marks.feed, deprecatedAliases: runtime.deprecatedAliases }));
    const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...config.limits };
    const mcp = createMcpHost({ api: runtime, schema, limits, feed: marks.feed, ...(options.log && { log: options.log }) });
    const feed = marks;
    return {
      runtime, marks, schema, limits, mcp,
      async close() {
        await feed.close();
        await runtime.close();
      },
    };
  } catch (err) {
    await marks?.close();
    await runtime.close();
    throw err;
  }
}
