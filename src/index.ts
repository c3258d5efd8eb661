/**
 * The trailgraph package: the pieces a host application composes. Agents usually need only `trailgraph/client`.
 */
export * from './core/errors.ts';
export type { CloudEvent, JsonValue } from './core/events/cloud-event.ts';
export { parseEnvelope, DEFAULT_ENVELOPE_LIMITS, type EnvelopeLimits } from './core/events/envelope.ts';
export { validatePayload } from './core/events/payload.ts';
export type * from './core/ontology/model.ts';
export { buildOntology, type OntologySpec } from './core/ontology/build.ts';
export { compileOntology, type OntologySource, type CompileResult } from './core/ontology/compile.ts';
export { planChangeSet } from './core/projection/planner.ts';
export type * from './core/projection/change-set.ts';
export type * from './ports/graph-store.ts';
export type * from './ports/dead-letters.ts';
export { loadOntology, loadOntologySync, resolveOntologyDir } from './app/ontology/ontology-loader.ts';
export { createIngestor, type Ingestor, type RawEvent, type IngestResult } from './app/ingest/ingest.ts';
export type { Publisher, PublishOutcome, PublishOptions } from './app/publish/publisher.ts';
export { loadConfig, type TrailgraphConfig, type StoreConfig } from './service/config.ts';
export { createRuntime, type Runtime } from './service/runtime.ts';
export { startService, type Service, type ServiceOptions } from './service/start-service.ts';
export { openStore, type OpenedStore } from './service/open-store.ts';
export { createApi, type Api, type ApiOptions } from './api/server.ts';
export { createSqliteStore, createSqliteDeadLetters } from './adapters/sqlite/index.ts';
export { createNeo4jStore } from './adapters/neo4j/index.ts';
export { createClient, type TrailgraphClient, type ClientOptions } from './client/index.ts';
export { enableTracing, tracingEnabled } from './observability/spans.ts';
export { startTracing, shutdownTracing, tracingPlan, TracingConfigError, type TracingPlan, type TracingHandle } from './observability/tracing.ts';
