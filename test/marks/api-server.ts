/**
 * A real trailgraph API for the marks tests: SQLite store in a temp dir, the clinic ontology, the embedded
 * publisher, the marks extension, SSE plugin and graphql-ws on one node:http server on a free port.
 */
import { createSqliteDeadLetters, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { listen } from '../../src/api/http/node-server.ts';
import { attachGraphqlWs, createMarksExtension } from '../../src/api/marks/index.ts';
import { loadPersistedOperations } from '../../src/api/persisted-operations.ts';
import { createApi } from '../../src/api/server.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { startMarks, type MarksRuntime } from '../../src/app/marks/marks-runtime.ts';
import { ontology, openStore, tempDbPath } from './fixtures.ts';

export interface TestApi {
  readonly url: string;
  readonly store: SqliteGraphStore;
  readonly marks: MarksRuntime;
  /** POSTs a GraphQL operation; returns the JSON body. */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ data?: Record<string, unknown>; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  readonly queueLimit?: number;
  readonly sweepMs?: number;
  readonly path?: string;
  readonly port?: number;
  /** Locked-down mode with the operations in queries/ (as `serve --persisted-only`). */
  readonly persistedOnly?: boolean;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const db = options.path ? { path: options.path, cleanup: () => undefined } : tempDbPath();
  const store = await openStore(db.path);
  const deadLetters = createSqliteDeadLetters({ db: store.db });
  const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters }) });
  const marks = await startMarks({ store, ontology, sweepMs: options.sweepMs ?? 100, ...(options.queueLimit !== undefined && { queueLimit: options.queueLimit }) });
  const persisted = { persistedOperations: loadPersistedOperations('queries'), persistedOnly: options.persistedOnly ?? false };
  const api = createApi({
    services: { store, ontology, publisher },
    extensions: [createMarksExtension({ feed: marks.feed })],
    ...persisted,
  });
  const running = await listen(api, { host: '127.0.0.1', port: options.port ?? 0 });
  const ws = attachGraphqlWs(running.server, api, persisted);
  return {
    url: running.url,
    store,
    marks,
    async gql(query, variables = {}, headers = {}) {
      const res = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
    async close() {
      await ws.close();
      await marks.close();
      await running.stop(100);
      await publisher.close();
      await store.close();
      db.cleanup();
    },
  };
}

let counter = 0;
/** A valid ReferralRequested CloudEvent for the clinic ontology. */
export function referralEvent(id: string, patient = 'p-1', reason = 'Chest pain on exertion'): Record<string, unknown> {
  return {
    specversion: '1.0', id: `evt-${id}-${++counter}`, source: 'agent://intake', type: 'ReferralRequested',
    subject: `Referral/${id}`, time: new Date().toISOString(),
    data: { '@type': 'Referral', id, reason, priority: 'urgent', status: 'requested', forPatient: { '@type': 'Patient', id: patient, name: 'Pat Doe' } },
  };
}

/** A valid PatientRegistered CloudEvent. */
export function patientEvent(id: string, name = 'Pat Doe'): Record<string, unknown> {
  return {
    specversion: '1.0', id: `evt-${id}-${++counter}`, source: 'agent://registry', type: 'PatientRegistered',
    subject: `Patient/${id}`, time: new Date().toISOString(), data: { '@type': 'Patient', id, name },
  };
}

export const PUBLISH = /* GraphQL */ `mutation($e: JSON!) { publishEvent(event: $e) { seq status } }`;
