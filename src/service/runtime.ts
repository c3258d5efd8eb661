/**
 * The runtime: config → ontology, graph store, dead letters, ingestor, publisher — the service without its API.
 * `startService` adds the marks layer and the API; the CLI's `publish` and `dlq` use the runtime alone.
 */
import { type AccessControl, accessControlFromConfig } from '../app/auth/access-control.ts';
import { createIngestor } from '../app/ingest/ingest.ts';
import { checkStoredVersion, loadEvolution } from '../app/ontology/evolution.ts';
import { loadOntology } from '../app/ontology/ontology-loader.ts';
import { isStorageFull, watchWrites } from '../app/write-health.ts';
import { createEmbeddedPublisher } from '../app/publish/embedded-publisher.ts';
import type { Publisher } from '../app/publish/publisher.ts';
import { ConfigError } from '../core/errors.ts';
import type { FieldAlias } from '../core/migrations/aliases.ts';
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { GraphStore } from '../ports/graph-store.ts';
import { countContendedClaims, countDeadLetters, countMarkAndClaimChanges } from '../observability/instrument.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { tracePublisher } from '../app/publish/trace-publish.ts';
import type { TrailgraphConfig } from './config.ts';
import { openStore } from './open-store.ts';

export interface Runtime {
  readonly config: TrailgraphConfig;
  readonly ontology: CompiledOntology;
  readonly store: GraphStore;
  readonly deadLetters: DeadLetterStore;
  readonly publisher: Publisher;
  /** Fields the last migration renamed, still served under their old names for one version. */
  readonly deprecatedAliases: readonly FieldAlias[];
  /** Authentication and the access policy; undefined when the service runs open. */
  readonly access?: AccessControl;
  /** `embedded` (in-process, SQLite ledger) or `nats` (JetStream bus + projector). */
  readonly busMode: 'embedded' | 'nats';
  /** Bus mode: events on the stream not yet committed to the store. */
  readonly lag?: () => Promise<number>;
  /** Prometheus metrics of this instance (`/metrics`); absent when turned off (`TRAILGRAPH_METRICS=0`). */
  readonly metrics?: Metrics;
  /** Readiness: the store answers and can be written (`/readyz`). */
  ready(): Promise<void>;
  /** Stops publishing, then closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Wires the service from its configuration. */
export async function createRuntime(config: TrailgraphConfig): Promise<Runtime> {
  const ontology = await loadOntology(config.ontologyDir);
  // Before the store opens: a broken policy stops the start with its located errors.
  const access = accessControlFromConfig(config.auth, ontology);
  const where = config.store.kind === 'sqlite' ? config.store.path : config.store.uri;
  const opened = await openStore(config.store, { ontology }).catch((err: unknown) => {
    throw startupStorageError(err, where);
  });
  const health = watchWrites(opened.store, where);
  const { store } = health;
  try {
    await store.init(ontology);
    await checkStoredVersion(store, ontology);
  } catch (err) {
    await opened.close();
    throw startupStorageError(err, where);
  }
  // Events written against older ontology versions are upcast before validation.
  const evolution = await loadEvolution(config.ontologyDir, ontology);
  const upcast = evolution.upcast && { upcast: evolution.upcast };
  const metrics = config.metrics === false ? undefined : createMetrics({ eventTypes: () => ontology.eventTypes });
  const counted = (letters: DeadLetterStore): DeadLetterStore => (metrics ? countDeadLetters(letters, metrics) : letters);

  // Embedded mode applies synchronously; NATS mode publishes to JetStream and projects the stream into the store,
  // with the dead-letter stream in place of the store's dead letters.
  const nats = config.natsUrl
    ? await (await import('./nats-mode.ts')).startNatsMode({ url: config.natsUrl, ontology, store, ontologyDir: config.ontologyDir,
      project: config.natsProject !== false, ...(config.natsReplicas !== undefined && { replicas: config.natsReplicas }),
      ...upcast, ...(metrics && { metrics }), agentSubjects: access !== undefined, loopLimits: config.loopLimits })
    : undefined;
  const deadLetters = nats?.deadLetters ?? counted(await opened.deadLetters());
  const untraced: Publisher = nats
    ? nats.publisher
    : createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters, ...upcast, ...(metrics && { metrics }), loopLimits: config.loopLimits }) });
  // A publish span per event while tracing (checked per call: tracing may be registered after the runtime starts).
  const publisher = tracePublisher(untraced, nats ? 'nats' : 'trailgraph');
  metrics?.watch({ deadLetters: () => deadLetters.count() });
  const unlistenMetrics = metrics && countMarkAndClaimChanges(store, metrics);

  let closing: Promise<void> | undefined;
  return {
    config,
    ontology,
    store: metrics ? countContendedClaims(store, metrics) : store,
    deadLetters,
    publisher,
    deprecatedAliases: evolution.aliases,
    ...(access && { access }),
    busMode: nats ? 'nats' : 'embedded',
    ready: health.check,
    ...(nats && { lag: nats.lag }),
    ...(metrics && { metrics }),
    close() {
      closing ??= (async () => {
        unlistenMetrics?.();
        await publisher.close();
        await nats?.close();
        await opened.close();
      })();
      return closing;
    },
  };
}

/** A start-up failure for lack of disk space says so, and where, instead of SQLite's code alone. */
function startupStorageError(err: unknown, where: string): unknown {
  if (!isStorageFull(err)) return err;
  const code = (err as { code?: unknown }).code;
  return new ConfigError('--store', `disk full: cannot open ${where} (${typeof code === 'string' ? code : err instanceof Error ? err.message : String(err)}); free space on the disk that holds it, or point --store elsewhere`);
}
