/** The migration-target contract on each store: SQLite's target on a SQLite file, Neo4j's on the run's Neo4j. */
import { describe } from 'node:test';
import { migrationTargetContract } from '../contract/migration-target.contract.ts';
import { migrationTargetOf, storesUnderTest } from '../support/stores.ts';

for (const s of await storesUnderTest()) {
  if (s.skip) {
    void describe(`migration target contract (${s.kind})`, { skip: s.skip }, () => {});
    continue;
  }
  migrationTargetContract(s.kind, async () => {
    const fresh = await s.fresh();
    const store = fresh.open();
    const t = migrationTargetOf(fresh, store);
    return {
      store,
      target: t.target,
      async close() {
        await t.close();
        await store.close();
        fresh.cleanup();
      },
    };
  });
}
