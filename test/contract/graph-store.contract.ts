/**
 * The GraphStore contract: one suite every adapter runs (SQLite here; Neo4j when NEO4J_URI is set).
 * It talks to the store ONLY through the port, so it says what any adapter must do, not how.
 *
 *   graphStoreContract('sqlite', async () => ({ store, cleanup }));
 */
import { describe } from 'node:test';
import type { MakeStoreFn } from './with-store.ts';
import { applyContract } from './apply.contract.ts';
import { readsContract } from './reads.contract.ts';
import { marksClaimsContract } from './marks-claims.contract.ts';
import { readScopeContract } from './read-scope.contract.ts';
import { asOfContract } from './as-of.contract.ts';

/** Makes a fresh, empty store; `cleanup` closes it and removes what it left behind. */
export type MakeStore = MakeStoreFn;

export function graphStoreContract(name: string, makeStore: MakeStore): void {
  void describe(`GraphStore contract: ${name}`, () => {
    applyContract(makeStore);
    readsContract(makeStore);
    marksClaimsContract(makeStore);
    readScopeContract(makeStore);
    asOfContract(makeStore);
  });
}
