/** Runs a test body against a fresh store initialised with the clinic ontology, and always cleans up. */
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { ontology } from './change-sets.ts';

export type MakeStoreFn = () => Promise<{ store: GraphStore; cleanup(): Promise<void> }>;

export function withStore(makeStore: MakeStoreFn, body: (store: GraphStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, cleanup } = await makeStore();
    try {
      await store.init(ontology);
      await body(store);
    } finally {
      await cleanup();
    }
  };
}
