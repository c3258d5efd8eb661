/**
 * The in-memory graph store (the SQLite adapter on a private `:memory:` database) against the GraphStore contract,
 * and `--store memory:` through the config loader and openStore.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryStore } from '../../../src/adapters/sqlite/index.ts';
import { loadConfig } from '../../../src/service/config.ts';
import { openStore } from '../../../src/service/open-store.ts';
import { graphStoreContract } from '../../contract/graph-store.contract.ts';
import { ontology, referral } from '../../contract/change-sets.ts';

graphStoreContract('memory', () => {
  const store = createMemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});

void describe('--store memory:', () => {
  void it('is the SQLite adapter on a private in-memory database: nothing on disk, nothing shared', async () => {
    const config = loadConfig({ store: 'memory:' }, {});
    assert.deepEqual(config.store, { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(loadConfig({}, { TRAILGRAPH_STORE: 'MEMORY:' }).store, config.store);
    const a = await openStore(config.store, { ontology });
    const b = await openStore(config.store, { ontology });
    try {
      await a.store.init(ontology);
      await b.store.init(ontology);
      await a.store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      assert.equal((await a.store.getNode('r-1'))?.class, 'Referral');
      assert.equal(await b.store.getNode('r-1'), undefined, 'each opening is its own database');
      const letters = await a.deadLetters();
      await letters.put({ reason: 'invalid', message: 'm', issues: [], payload: '{}' });
      assert.equal(await letters.count(), 1, 'dead letters live beside it, in the same memory');
      assert.equal(await (await b.deadLetters()).count(), 0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
