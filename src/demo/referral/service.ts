/**
 * The trailgraph service the demo runs against, started IN the runner's process with the same assembly as
 * `trailgraph serve` (startService), so the agents meet the schema a deployment serves. In-process so the runner
 * can read the ledger and dead letters directly for its summary (duplicates are counted from the store, not from
 * what agents claim). The agents are separate processes that only see the HTTP API.
 */
import { loadConfig } from '../../service/config.ts';
import { startService, type Service } from '../../service/start-service.ts';

export interface DemoServiceOptions {
  readonly port: number;
  readonly host?: string;
  /** SQLite file, or a neo4j:// / bolt:// URL (password from TRAILGRAPH_NEO4J_PASSWORD or NEO4J_PASSWORD). */
  readonly storePath: string;
  /** Dead letters of a Neo4j store (a SQLite file); default ./.trailgraph/dead-letters.db. */
  readonly deadLettersPath?: string;
  readonly natsUrl?: string;
  readonly ontologyDir?: string;
  /** Auth on with this HS256 secret (the referral policy in ontology/referral/policy); off when absent. */
  readonly authSecret?: string;
}

/** Issuer and audience of the demo's own tokens. */
export const DEMO_ISSUER = 'trailgraph-demo';
export const DEMO_AUDIENCE = 'trailgraph';

/** The demo's service: what `startService` gives, nothing of its own. */
export type DemoService = Service;

/**
 * Starts the service; `close()` stops it. Marks are swept more often and queued deeper than the defaults: the
 * demo compresses minutes of a clinic into seconds, and its runner reads every mark.
 */
export async function startDemoService(options: DemoServiceOptions): Promise<DemoService> {
  const config = loadConfig({
    port: options.port,
    host: options.host ?? '127.0.0.1',
    store: options.storePath,
    ontology: options.ontologyDir ?? 'ontology/referral',
    mode: 'development',
    ...(options.natsUrl && { natsUrl: options.natsUrl }),
  }, {
    ...process.env,
    ...(options.deadLettersPath && { TRAILGRAPH_DEAD_LETTERS: options.deadLettersPath }),
    TRAILGRAPH_AUTH_SECRET: options.authSecret ?? '',
    ...(options.authSecret && { TRAILGRAPH_AUTH_JWKS: '', TRAILGRAPH_AUTH_ISSUER: DEMO_ISSUER, TRAILGRAPH_AUTH_AUDIENCE: DEMO_AUDIENCE }),
  });
  return startService(config, { sweepMs: 200, queueLimit: 5000, stopGraceMs: 500 });
}
