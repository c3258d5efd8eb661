/**
 * The crash guard's markers on a real SQLite store: a marker written before a batch also covers the batch fetched
 * behind it (that one is applied without a write of its own), and what a new process reads from it after a death
 * at each point: during the first batch, between the two commits, after both. A range that crashed before is
 * never widened. The process-level behaviour (kill, restart, poison) is in
 * test/adapters/nats/projector-poison-crash.int.spec.ts and projector-crash.int.spec.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createCrashGuard } from '../../src/app/ingest/crash-guard.ts';

const NAME = 'nats:projector';
const MAX_CRASHES = 2;

void describe('crash guard markers (SQLite store)', () => {
  let store: SqliteGraphStore;
  let writes: number;
  /** The store as the guard sees it, counting the marker writes (each is a commit of its own). */
  const meta = (): Parameters<typeof createCrashGuard>[0] => ({
    getMeta: (key) => store.getMeta(key),
    setMeta: (key, value) => {
      writes++;
      return store.setMeta(key, value);
    },
  });
  /** A new process starting at `checkpoint`, reading the marker the previous one left. */
  const restart = async (checkpoint: number): Promise<ReturnType<typeof createCrashGuard>> => {
    const guard = createCrashGuard(meta(), NAME, MAX_CRASHES);
    await guard.load(checkpoint);
    return guard;
  };

  beforeEach(() => {
    store = createSqliteStore({ path: ':memory:' });
    writes = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  void it('marks the batch fetched behind the one applied, and writes nothing before applying that one', async () => {
    const guard = await restart(0);
    await guard.mark(1, 3, 6); // batch 1–3 applies while 4–6 is already fetched
    await guard.mark(4, 6, 9); // covered: applied without a write
    assert.equal(writes, 1);
    await guard.mark(7, 9);
    assert.equal(writes, 2);
  });

  void it('counts a death during the first batch against both ranges', async () => {
    await (await restart(0)).mark(1, 3, 6);
    const after = await restart(0);
    assert.deepEqual([after.crashes(1), after.crashes(6), after.crashes(7)], [1, 1, 0]);
  });

  void it('counts a death after the first batch committed against the second, and none after both', async () => {
    await (await restart(0)).mark(1, 3, 6);
    const between = await restart(3);
    assert.deepEqual([between.crashes(4), between.crashes(6), between.crashes(7)], [1, 1, 0]);
    const guard = await restart(0);
    await guard.mark(1, 3, 6);
    const done = await restart(6);
    assert.equal(done.crashes(4), 0);
  });

  void it('never widens a range that crashed before, and isolates it after maxCrashes', async () => {
    await (await restart(0)).mark(1, 3, 6);
    const second = await restart(3); // one death in 4–6
    await second.mark(4, 6, 9); // 4–6 crashed before: marked alone, its count must not reach 7–9
    assert.equal(JSON.parse((await store.getMeta(`inflight:${NAME}`)) ?? '{}').to, 6);
    await second.mark(4, 6, 9); // a marker with a crash count covers nothing ahead: written again
    assert.equal(writes, 3);
    const third = await restart(3); // the second death in 4–6
    assert.deepEqual([third.isolating(4), third.isolating(6), third.isolating(7)], [true, true, false]);
  });
});
