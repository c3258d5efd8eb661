/**
 * A real trailgraph service with auth on, for the auth tests: the referral ontology and its policy, a SQLite file
 * in a temp dir (or the store given: test/support/stores.ts), dead letters in a SQLite file, the embedded publisher, marks (SSE and graphql-ws) on one node:http server on a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteDeadLetters, createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import type { FreshStore } from './stores.ts';
import { listen } from '../../src/api/http/node-server.ts';
import { attachGraphqlWs, createMarksExtension } from '../../src/api/marks/index.ts';
import { createApi } from '../../src/api/server.ts';
import type { AccessControl } from '../../src/app/auth/access-control.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { startMarks } from '../../src/app/marks/marks-runtime.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import type { DeadLetterStore } from '../../src/ports/dead-letters.ts';
import { testAccess } from './auth.ts';

export const referralOntology = loadOntologySync('ontology/referral');

export interface AuthServer {
  readonly url: string;
  readonly store: GraphStore;
  readonly deadLetters: DeadLetterStore;
  readonly access: AccessControl;
  /** POST /graphql with a bearer token (or none). */
  gql(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<{ status: number; data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** POST /events (structured mode) with a bearer token. */
  postEvent(token: string | undefined, event: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startAuthServer(options: { store?: FreshStore } = {}): Promise<AuthServer> {
  const ontology = referralOntology;
  const dir = mkdtempSync(join(tmpdir(), 'tg-auth-'));
  const store = options.store ? options.store.open(ontology) : createSqliteStore({ path: join(dir, 'graph.db'), ontology });
  await store.init(ontology);
  const deadLetters = createSqliteDeadLetters({ path: join(dir, 'dead-letters.db') });
  const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters }) });
  const marks = await startMarks({ store, ontology, sweepMs: 200 });
  const access = testAccess(ontology);
  const api = createApi({ services: { store, ontology, publisher, deadLetters, access }, extensions: [createMarksExtension({ feed: marks.feed })] });
  const running = await listen(api, { host: '127.0.0.1', port: 0 });
  const ws = attachGraphqlWs(running.server, api, { access });
  const auth = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });
  return {
    url: running.url,
    store,
    deadLetters,
    access,
    async gql(token, query, variables = {}) {
      const res = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(token) }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, ...((await res.json()) as object) };
    },
    async postEvent(token, event) {
      const res = await fetch(`${running.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', ...auth(token) }, body: JSON.stringify(event) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await ws.close();
      await marks.close();
      await running.stop(100);
      await publisher.close();
      await store.close();
      await deadLetters.close();
      options.store?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
