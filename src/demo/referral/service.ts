/**
 * The trailgraph service the demo runs against, started IN the runner's process: the same composition as
 * `trailgraph serve` (runtime + marks layer + GraphQL/SSE/WebSocket on one port) plus the `/demo` page.
 * In-process so the runner can read the ledger and dead letters directly for its summary (duplicates are counted
 * from the store, not from what agents claim). The agents are separate processes that only see the HTTP API.
 */
import { listen } from '../../api/http/node-server.ts';
import { useDemoPage } from '../../api/http/demo-page.ts';
import { attachGraphqlWs, createMarksExtension } from '../../api/marks/index.ts';
import { loadPersistedOperations } from '../../api/persisted-operations.ts';
import { createApi } from '../../api/server.ts';
import { createProcessExtension } from '../../api/process/index.ts';
import { loadConfig } from '../../app/config.ts';
import { startMarks, type MarksRuntime } from '../../app/marks-runtime.ts';
import { statusOf } from '../../app/status.ts';
import { createRuntime, type Runtime } from '../../app/runtime.ts';

export interface DemoServiceOptions {
  readonly port: number;
  readonly host?: string;
  /** SQLite file, or a neo4j:// / bolt:// URL (password from TRAILGRAPH_NEO4J_PASSWORD or NEO4J_PASSWORD). */
  readonly storePath: string;
  /** Dead letters of a Neo4j store (a SQLite file); default ./.trailgraph/dead-letters.db. */
  readonly deadLettersPath?: string;
  readonly natsUrl?: string;
  readonly ontologyDir?: string;
}

export interface DemoService {
  readonly url: string;
  readonly runtime: Runtime;
  readonly marks: MarksRuntime;
  close(): Promise<void>;
}

/** Starts the service; `close()` stops it (sockets, marks, runtime). */
export async function startDemoService(options: DemoServiceOptions): Promise<DemoService> {
  const config = loadConfig({
    port: options.port,
    host: options.host ?? '127.0.0.1',
    store: options.storePath,
    ontology: options.ontologyDir ?? 'ontology/referral',
    mode: 'development',
    ...(options.natsUrl && { natsUrl: options.natsUrl }),
  }, { ...process.env, ...(options.deadLettersPath && { TRAILGRAPH_DEAD_LETTERS: options.deadLettersPath }) });
  const runtime = await createRuntime(config);
  const marks = await startMarks({ store: runtime.store, ontology: runtime.ontology, sweepMs: 200, queueLimit: 5000, ...(config.natsUrl && { natsUrl: config.natsUrl }), ...(runtime.metrics && { metrics: runtime.metrics }) });
  const api = createApi({
    services: runtime,
    ...(runtime.metrics && { metrics: runtime.metrics }),
    status: statusOf(runtime, marks.feed),
    limits: config.limits,
    mode: config.mode,
    persistedOperations: loadPersistedOperations(config.queriesDir),
    extensions: [createMarksExtension({ feed: marks.feed }), createProcessExtension(), ...runtime.schemaExtensions],
    plugins: [useDemoPage()],
  });
  const running = await listen(api, config);
  const ws = attachGraphqlWs(running.server, api);
  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    runtime,
    marks,
    close() {
      closing ??= (async () => {
        await ws.close();
        await marks.close();
        await running.stop(500);
        await runtime.close();
      })();
      return closing;
    },
  };
}
