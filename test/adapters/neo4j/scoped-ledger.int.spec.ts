/**
 * Scoped ledger reads on Neo4j decide in Cypher which entries a scope shows (core's rule: a change whose every
 * node is visible), so one statement with LIMIT fills a page however many hidden entries lie between the shown
 * ones — and a database written before entries carried the per-change node lists that rule reads is upgraded
 * (the lists backfilled from the stored changes) and then answers the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { createNeo4jStore } from '../../../src/adapters/neo4j/index.ts';
import { createExecutor, type Executor } from '../../../src/adapters/neo4j/executor.ts';
import { backfillChangeNodes } from '../../../src/adapters/neo4j/ledger-backfill.ts';
import { upgradeData } from '../../../src/adapters/neo4j/data-upgrades.ts';
import { scopedHistory, scopedLedger } from '../../../src/adapters/neo4j/scoped-ledger.ts';
import type { ReadScope } from '../../../src/core/auth/read-scope.ts';
import { changeNodeColumns, entryShown, redactEntry } from '../../../src/core/auth/ledger-view.ts';
import type { LedgerEntry } from '../../../src/core/store/records.ts';
import type { GraphStore } from '../../../src/ports/graph-store.ts';
import { changeSet, link, ontology, upsert } from '../../contract/change-sets.ts';
import { neo4jForTests, resetNeo4j, type Neo4jConnection } from '../../support/neo4j-server.ts';

const scope: ReadScope = {
  labels: ['Specialist'],
  ruled: [
    { label: 'Referral', steps: [{ type: 'referredTo', direction: 'out' }], targetId: 's-1' },
    { label: 'Patient', steps: [{ type: 'forPatient', direction: 'in' }, { type: 'referredTo', direction: 'out' }], targetId: 's-1' },
  ],
};
const VISIBLE = new Set(['s-1', 'r-1', 'p-1']);
const visible = (id: string): boolean => VISIBLE.has(id);
const HIDDEN_RUNS = 40;

/**
 * r-1 (for p-1) is referred to s-1; then 40 events move r-1's GP (each change names a hidden GP: the entry touches
 * r-1 but shows nothing), and every 8th also updates r-1 itself (shown) — long runs of hidden entries in r-1's
 * history and in the ledger.
 */
async function seed(store: GraphStore): Promise<void> {
  await store.applyBatch([
    changeSet('e-world', [
      upsert('Specialist/s-1', { name: 'Dr One' }),
      upsert('Referral/r-1', { priority: 'urgent', reason: 'start' }),
      upsert('Patient/p-1', { name: 'Patient One' }),
      link('forPatient', 'Referral/r-1', 'Patient/p-1'),
      link('referredTo', 'Referral/r-1', 'Specialist/s-1'),
    ]),
  ]);
  await store.applyBatch(
    Array.from({ length: HIDDEN_RUNS }, (_, k) => [
      changeSet(`e-gp-${k}`, [upsert(`GeneralPractitioner/gp-${k}`, { name: `GP ${k}` }), link('referredBy', 'Referral/r-1', `GeneralPractitioner/gp-${k}`)]),
      ...(k % 8 === 7 ? [changeSet(`e-r1-${k}`, [upsert('Referral/r-1', { reason: `reason ${k}` })])] : []),
    ]).flat(),
  );
}

/** What core's rule shows of the unscoped entries: the answer every scoped read must give. */
const oracle = (entries: readonly LedgerEntry[]): LedgerEntry[] => entries.filter((e) => entryShown(e, visible)).map((e) => redactEntry(e, visible));

/** A real executor that counts the statements run through it. */
function counting(exec: Executor): { exec: Executor; statements: () => number } {
  let n = 0;
  const tx = (t: { run: Executor['query'] }) => ({ run: (s: Parameters<Executor['query']>[0]) => (n++, t.run(s)) });
  return {
    exec: {
      ...exec,
      query: (s) => (n++, exec.query(s)),
      read: (work) => exec.read((t) => work(tx(t))),
      write: (work) => exec.write((t) => work(tx(t))),
    },
    statements: () => n,
  };
}

const neo = await neo4jForTests();
void describe('scoped ledger reads in one Cypher statement (neo4j)', { skip: 'skip' in neo ? neo.skip : false }, () => {
  let c: Neo4jConnection;
  let store: GraphStore;
  let exec: Executor;
  before(async () => {
    if ('skip' in neo) return;
    c = neo.connection;
    await resetNeo4j(c);
    store = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password, ontology });
    await store.init(ontology);
    exec = createExecutor(c);
  });
  after(async () => {
    await store?.close();
    await exec?.close();
  });

  void it('a page of `first: N` over a history with long hidden runs is N shown entries from one statement', async () => {
    await seed(store);
    const all = await store.history('r-1', { first: 1000 });
    const expected = oracle(all);
    assert.ok(all.length > 40 && expected.length === 1 + HIDDEN_RUNS / 8, `the premise: ${all.length} entries touch r-1, ${expected.length} shown`);
    // Between the shown entries lie 7 hidden ones: a statement that limited before deciding would come up short.
    for (const first of [1, 3, expected.length]) {
      const counted = counting(exec);
      const page = await scopedHistory(counted.exec, 'r-1', 0, first, scope);
      assert.equal(counted.statements(), 1, `history first ${first}: one statement`);
      assert.deepEqual(page, expected.slice(0, first), `history first ${first}`);
    }
    // Pages of 2 after each page's last seq walk the whole shown history, one statement each.
    const paged: LedgerEntry[] = [];
    const counted = counting(exec);
    for (let afterSeq = 0, rounds = 0; rounds < 20; rounds++) {
      const page = await scopedHistory(counted.exec, 'r-1', afterSeq, 2, scope);
      paged.push(...page);
      if (page.length < 2) break;
      afterSeq = page[1]!.seq;
    }
    assert.deepEqual(paged, expected);
    assert.equal(counted.statements(), Math.floor(expected.length / 2) + 1);
    // The store's own route answers the same.
    assert.deepEqual(await store.history('r-1', { first: 3 }, scope), expected.slice(0, 3));
  });

  void it('the ledger and event lookup: a page is `limit` shown entries from one statement', async () => {
    // Mark and claim rows are written by their own path: one on a visible node is shown, one on a hidden node not.
    await store.leaveMark({ on: 'r-1', kind: 'needs-review', strength: 1, ttlMs: 600_000, agent: 'agent://triage' });
    await store.leaveMark({ on: 'gp-3', kind: 'needs-review', strength: 1, ttlMs: 600_000, agent: 'agent://triage' });
    await store.claim({ on: 'gp-4', purpose: 'match', agent: 'agent://triage', ttlMs: 600_000 });
    await store.claim({ on: 'r-1', purpose: 'match', agent: 'agent://triage', ttlMs: 600_000 });
    const expected = oracle(await store.ledger(0, 10_000));
    assert.deepEqual(expected.filter((e) => e.kind !== 'event').map((e) => [e.kind, e.changes.length]), [['mark', 1], ['claim', 1]]);
    assert.ok(expected.length >= 6, 'the premise: shown entries exist');
    const counted = counting(exec);
    assert.deepEqual(await scopedLedger(counted.exec, 0, 4, scope), expected.slice(0, 4));
    assert.deepEqual(await scopedLedger(counted.exec, expected[1]!.seq, 3, scope), expected.slice(2, 5));
    assert.equal(counted.statements(), 2);
    assert.deepEqual(await store.ledger(0, 10_000, scope), expected);
    assert.equal(await store.findEvent('e-gp-3', scope), undefined);
    assert.deepEqual(await store.findEvent('e-r1-15', scope), expected.find((e) => e.eventId === 'e-r1-15'));
  });

  /** The database as a trailgraph before the lists wrote it: the same entries without them, at data version 2. */
  async function withoutLists(): Promise<void> {
    const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
    try {
      await driver.executeQuery('MATCH (l:TrailgraphLedgerEntry) REMOVE l.changeFirstIds, l.changeSecondIds');
      await driver.executeQuery("MATCH (m:TrailgraphMeta {key: 'meta:data.version'}) SET m.value = '2'");
    } finally {
      await driver.close();
    }
  }

  void it('a database whose entries lack the per-change node lists is upgraded at open, then scoped reads are right', async () => {
    const all = await store.ledger(0, 10_000);
    const expected = oracle(all);
    const history = oracle(await store.history('r-1', { first: 1000 }));
    await withoutLists();
    // Without them the Cypher shows nothing (it denies rather than fails): the scoped reads depend on the lists.
    assert.deepEqual(await store.history('r-1', { first: 10 }, scope), []);

    const reopened = createNeo4jStore({ uri: c.uri, user: c.user, password: c.password, ontology });
    try {
      await reopened.init(ontology);
      assert.deepEqual(await reopened.ledger(0, 10_000, scope), expected);
      assert.deepEqual(await reopened.history('r-1', { first: 1000 }, scope), history);
      assert.deepEqual(await reopened.history('r-1', { first: 3 }, scope), history.slice(0, 3));
      assert.deepEqual(await reopened.findEvent('e-r1-7', scope), expected.find((e) => e.eventId === 'e-r1-7'));
    } finally {
      await reopened.close();
    }
    // The lists are exactly what the write path stores; the version moved on, so the next open runs nothing.
    const rows = await exec.query({ cypher: 'MATCH (l:TrailgraphLedgerEntry) RETURN l.changes AS changes, l.changeFirstIds AS first, l.changeSecondIds AS second', params: {} });
    assert.equal(rows.length, all.length);
    for (const r of rows) assert.deepEqual({ first: r.first, second: r.second }, changeNodeColumns(JSON.parse(String(r.changes)) as LedgerEntry['changes']));
    assert.deepEqual(await upgradeData(exec), []);
  });

  void it('the backfill goes window by window and leaves upgraded entries alone', async () => {
    const all = await store.ledger(0, 10_000);
    const expected = oracle(all);
    await withoutLists();
    // Windows of 7 entries: several transactions, the last one short; a second run finds nothing to do.
    assert.equal(await backfillChangeNodes(exec, 7), all.length);
    assert.equal(await backfillChangeNodes(exec, 7), 0);
    assert.deepEqual(await store.ledger(0, 10_000, scope), expected);
  });
});
