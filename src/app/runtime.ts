/**
 * The composition root: config → ontology, graph store (SQLite or Neo4j, imported lazily so the other's driver is
 * never loaded), dead letters, ingestor, publisher. Every edge (serve, publish, demo) starts from here.
 */
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { GraphStore } from '../ports/graph-store.ts';
import type { StoreConfig, TrailgraphConfig } from './config.ts';
import { createEmbeddedPublisher } from './embedded-publisher.ts';
import { createIngestor } from './ingest.ts';
import { loadOntology } from './ontology-loader.ts';
import type { SchemaExtension } from '../api/schema/index.ts';
import { checkStoredVersion, loadEvolution } from './evolution.ts'; // ontology evolution (issue 7)
import type { Publisher } from './publisher.ts';
import { countContendedClaims, countDeadLetters, countMarkAndClaimChanges } from '../observability/instrument.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { type AccessControl, accessControlFromConfig } from './auth/access-control.ts';

export interface Runtime {
  readonly config: TrailgraphConfig;
  readonly ontology: CompiledOntology;
  readonly store: GraphStore;
  readonly deadLetters: DeadLetterStore;
  readonly publisher: Publisher;
  /** GraphQL extensions from ontology evolution: deprecated aliases of renamed fields (issue 7). */
  readonly schemaExtensions: readonly SchemaExtension[];
  /** Authentication and the access policy; undefined when the service runs open. */
  readonly access?: AccessControl;
  /** `embedded` (in-process, SQLite ledger) or `nats` (JetStream bus + projector). */
  readonly busMode: 'embedded' | 'nats';
  /** Prometheus metrics of this instance (`/metrics`); absent when turned off (`TRAILGRAPH_METRICS=0`). */
  readonly metrics?: Metrics;
  /** Bus mode: events on the stream not yet committed to the store. */
  readonly lag?: () => Promise<number>;
  /** Stops publishing, then closes the store. Idempotent. */
  close(): Promise<void>;
}

async function openStore(config: StoreConfig, ontology: CompiledOntology): Promise<{ store: GraphStore; deadLetters: DeadLetterStore }> {
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  if (config.kind === 'sqlite') {
    mkdirSync(dirname(config.path), { recursive: true });
    const { createSqliteStore, createSqliteDeadLetters } = await import('../adapters/sqlite/index.ts');
    const store = createSqliteStore({ path: config.path, ontology });
    return { store, deadLetters: createSqliteDeadLetters({ db: store.db }) };
  }
  // Neo4j: the adapter module is owned by the Neo4j engineer; dead letters then live in a local SQLite file
  // (bus mode replaces them with the NATS dead-letter stream).
  const { createNeo4jStore } = await import('../adapters/neo4j/index.ts');
  const store = createNeo4jStore({ uri: config.uri, user: config.user, password: config.password, ...(config.database && { database: config.database }), ontology });
  const { createSqliteDeadLetters } = await import('../adapters/sqlite/index.ts');
  mkdirSync(dirname(config.deadLettersPath), { recursive: true });
  return { store, deadLetters: createSqliteDeadLetters({ path: config.deadLettersPath }) };
}

/** Wires the service from its configuration. */
export async function createRuntime(config: TrailgraphConfig): Promise<Runtime> {
  const ontology = await loadOntology(config.ontologyDir);
  // Before the store opens: a broken policy stops the start with its located errors.
  const access = accessControlFromConfig(config.auth, ontology);
  const { store, deadLetters } = await openStore(config.store, ontology);
  try {
    await store.init(ontology);
    await checkStoredVersion(store, ontology); // ontology evolution (issue 7): refuse an unmigrated store
  } catch (err) {
    await store.close();
    throw err;
  }
  // ontology evolution (issue 7): events written against older versions are upcast before validation.
  const evolution = await loadEvolution(config.ontologyDir, ontology);
  const metrics = config.metrics === false ? undefined : createMetrics({ eventTypes: () => ontology.eventTypes });
  const ingestor = createIngestor({
    ontology, store, deadLetters: metrics ? countDeadLetters(deadLetters, metrics) : deadLetters,
    ...(evolution.upcast && { upcast: evolution.upcast }), ...(metrics && { metrics }), loopLimits: config.loopLimits,
  });

  // ── Publisher ────────────────────────────────────────────────────────────────────────────────────────────
  // Embedded mode applies synchronously. NATS mode (config.natsUrl) goes here: publish to JetStream, run the
  // projector (a pull consumer feeding `ingestor.ingest(raws, { checkpoint })`), and wait for seqs on request.
  // ── NATS mode branch (owned by the NATS engineer; see src/app/nats-mode.ts) ──
  const nats = config.natsUrl
    ? await (await import('./nats-mode.ts')).startNatsMode({ url: config.natsUrl, ontology, store, ontologyDir: config.ontologyDir,
      project: config.natsProject !== false, ...(config.natsReplicas !== undefined && { replicas: config.natsReplicas }),
      ...(evolution.upcast && { upcast: evolution.upcast }), ...(metrics && { metrics }), agentSubjects: access !== undefined, loopLimits: config.loopLimits })
    : undefined;
  const busMode: Runtime['busMode'] = nats ? 'nats' : 'embedded';
  const publisher: Publisher = nats ? nats.publisher : createEmbeddedPublisher({ ingestor });
  // ── end NATS mode branch ──

  const kept = nats?.deadLetters ?? (metrics ? countDeadLetters(deadLetters, metrics) : deadLetters); // NATS mode: the dead-letter stream
  metrics?.watch({ deadLetters: () => kept.count() });
  const unlistenMetrics = metrics && countMarkAndClaimChanges(store, metrics);
  let closing: Promise<void> | undefined;
  return {
    config,
    ontology,
    store: metrics ? countContendedClaims(store, metrics) : store,
    deadLetters: kept,
    publisher,
    schemaExtensions: evolution.extensions,
    ...(access && { access }),
    busMode,
    ...(metrics && { metrics }),
    ...(nats && { lag: nats.lag }),
    close() {
      closing ??= (async () => {
        unlistenMetrics?.();
        await publisher.close();
        await nats?.close(); // NATS mode branch: projector and connection
        await store.close();
      })();
      return closing;
    },
  };
}
