/**
 * One side of the differential test: a graph store (a SQLite file, or a Neo4j database) behind everything the
 * server runs — the ingestor, the embedded publisher, the GraphQL API with the marks extension — minus the
 * socket. Requests go in-process through `api.fetch`, exactly as the API tests do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNeo4jStore } from '../../src/adapters/neo4j/index.ts';
import { createSqliteDeadLetters, createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { createMarksExtension } from '../../src/api/marks/index.ts';
import { type Api, createApi } from '../../src/api/server.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { startMarks } from '../../src/app/marks/marks-runtime.ts';
import type { PublishOutcome } from '../../src/app/publish/publisher.ts';
import type { CompiledOntology } from '../../src/core/ontology/model.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';

export interface Neo4jTarget {
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
}

export type StoreSpec = { readonly kind: 'sqlite' } | ({ readonly kind: 'neo4j' } & Neo4jTarget);

export interface StoreApi {
  readonly name: string;
  readonly store: GraphStore;
  readonly api: Api;
  publish(events: readonly Record<string, unknown>[]): Promise<PublishOutcome[]>;
  gql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

function openStore(spec: StoreSpec, dir: string, ontology: CompiledOntology): GraphStore {
  if (spec.kind === 'sqlite') return createSqliteStore({ path: join(dir, 'graph.db'), ontology });
  return createNeo4jStore({ uri: spec.uri, user: spec.user, password: spec.password, ontology, ...(spec.database !== undefined && { database: spec.database }) });
}

/** Opens `spec` empty (the caller gives Neo4j a wiped database), initialised for `ontology`. */
export async function openStoreApi(name: string, spec: StoreSpec, ontology: CompiledOntology): Promise<StoreApi> {
  const dir = mkdtempSync(join(tmpdir(), `tg-diff-${name}-`));
  const store = openStore(spec, dir, ontology);
  await store.init(ontology);
  // Dead letters live in a SQLite file on both sides (as `serve --store neo4j://…` does): they are not under test.
  const deadLetters = createSqliteDeadLetters({ path: join(dir, 'dead-letters.db') });
  // The ingestor's clock only stamps events without `time`; fixed so both sides plan identical change sets.
  const ingestor = createIngestor({ ontology, store, deadLetters, now: () => new Date('2026-11-02T07:00:00Z') });
  const publisher = createEmbeddedPublisher({ ingestor });
  const marks = await startMarks({ store, ontology, sweepMs: 0 });
  const api = createApi({ services: { store, ontology, publisher }, extensions: [createMarksExtension({ feed: marks.feed })], limits: { maxWaitMs: 1000 } });
  return {
    name,
    store,
    api,
    publish: (events) => publisher.publish(events.map((payload) => ({ payload }))),
    async gql(query, variables) {
      const res = await api.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-trailgraph-agent': 'agent://differential' },
        body: JSON.stringify({ query, variables }),
      });
      return res.json();
    },
    async close() {
      await marks.close();
      await publisher.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
