/**
 * Test harness: the real API on a real SQLite file (temp dir), events through the real ingestor and the embedded
 * publisher — everything the server runs, minus the socket. Requests go in-process through `api.fetch`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteDeadLetters, createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import type { ApiLimits } from '../../src/api/context.ts';
import { type Api, type ApiOptions, createApi } from '../../src/api/server.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import type { Publisher } from '../../src/app/publish/publisher.ts';
import type { AccessControl } from '../../src/app/auth/access-control.ts';
import type { CompiledOntology } from '../../src/core/ontology/model.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';

export interface Harness {
  readonly api: Api;
  readonly deadLetters: ReturnType<typeof createSqliteDeadLetters>;
  readonly store: GraphStore;
  readonly publisher: Publisher;
  /** POST a GraphQL operation; returns the parsed JSON body. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** Publishes events (objects) and fails the test if any is rejected. Returns the seqs. */
  publish(...events: Record<string, unknown>[]): Promise<number[]>;
  close(): Promise<void>;
}

export async function createHarness(
  ontology: CompiledOntology,
  options: {
    limits?: Partial<ApiLimits>;
    wrapStore?: (s: GraphStore) => GraphStore;
    access?: AccessControl;
    /** Another (empty) store to serve, e.g. the run's Neo4j (test/support/stores.ts); default: a SQLite file. */
    openStore?: (ontology: CompiledOntology) => GraphStore;
  } & Omit<ApiOptions, 'services' | 'limits'> = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-api-'));
  const { openStore, wrapStore, access, ...apiOptions } = options;
  const base = openStore ? openStore(ontology) : createSqliteStore({ path: join(dir, 'graph.db'), ontology });
  await base.init(ontology);
  const deadLetters = 'db' in base ? createSqliteDeadLetters({ db: (base as SqliteGraphStore).db }) : createSqliteDeadLetters({ path: join(dir, 'dead-letters.db') });
  const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store: base, deadLetters }) });
  const store = wrapStore ? wrapStore(base) : base;
  const api = createApi({ ...apiOptions, services: { store, ontology, publisher, deadLetters, ...(access && { access }) }, ...(options.limits && { limits: options.limits }) });
  return {
    api,
    deadLetters,
    store,
    publisher,
    async gql(query, variables) {
      const res = await api.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
    async publish(...events) {
      const outcomes = await publisher.publish(events.map((payload) => ({ payload })));
      return outcomes.map((o) => {
        if (o.status === 'rejected') throw new Error(`test event rejected: ${o.error?.message}`);
        return o.seq ?? -1;
      });
    },
    async close() {
      await publisher.close();
      await base.close();
      await deadLetters.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
/** A CloudEvent with a fresh id. */
export function event(type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return { specversion: '1.0', id: `evt-${process.pid}-${n}`, source: 'agent://test', type, time: '2026-11-21T09:00:00Z', data, ...extra };
}
