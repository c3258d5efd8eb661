/**
 * The SQLite store's own ranking of searches that pair a rare word with a common one (search-rank.ts) against
 * FTS5's bm25() on the same file: the same hits, in the same order, with the same scores, page by page — on a
 * corpus where "patient" is in a third of the rows (so its IDF counts) and the rare words' hits differ in length
 * and in how often they repeat the word. Then again after writes (an update, a delete, an insert) that change the
 * common word's document count, which the cached count must follow; and for a hit whose text JavaScript lowercases
 * unlike FTS5, which must fall back to FTS5.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type StoreContext } from '../../src/adapters/sqlite/context.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { search } from '../../src/adapters/sqlite/search.ts';
import { planSearch, rankableWords, rankRare } from '../../src/adapters/sqlite/search-rank.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { parseEnvelope } from '../../src/core/events/envelope.ts';
import { validatePayload } from '../../src/core/events/payload.ts';
import { planChangeSet } from '../../src/core/projection/planner.ts';
import { parseSearch, toFts5 } from '../../src/core/search/query.ts';
import type { SearchPage } from '../../src/ports/graph-store.ts';

const ontology = loadOntologySync('ontology/referral');
const PATIENTS = 6000;

/** Every third patient has "Patient" in its name (2,000 of 6,000 rows); moss, wren and numbers are rare. */
function nameOf(i: number): string {
  const words = [i % 3 === 0 ? 'Patient' : 'Person', i % 2 ? 'Junior' : '', i % 1200 === 0 ? (i === 2400 ? 'Moss Moss' : 'Moss') : '', i % 1500 === 0 ? 'Wren' : '', String(i)];
  return words.filter(Boolean).join(' ');
}

const registered = (i: number, name = nameOf(i)): Record<string, unknown> => ({
  specversion: '1.0', id: `e-${i}-${name.length}`, source: 'agent://test', type: 'PatientRegistered', subject: `Patient/p-${i}`, time: '2026-11-21T09:00:00Z',
  data: { '@type': 'Patient', id: `p-${i}`, name, birthDate: '1970-01-01', mrn: `MRN-${String(i).padStart(6, '0')}` },
});
const planned = (raw: Record<string, unknown>) => planChangeSet(validatePayload(parseEnvelope(raw), ontology), ontology);

const QUERIES = ['patient 3', '3 patient', 'patient moss', 'moss patient', 'patient wren', 'patient patient 300', 'patient junior moss', 'patient 999999', 'moss wren', 'patient', 'patient mo*', '"patient 3"'];

const page = (p: SearchPage) => ({ hits: p.items.map((i) => [i.node.id, i.score] as const), hasNextPage: p.hasNextPage, endCursor: p.endCursor });

function assertSameAsFts5(ctx: StoreContext, text: string, first = 10): void {
  const mine = page(search(ctx, { text, first }));
  const fts5 = page(search(ctx, { text, first }, 'fts5'));
  assert.deepEqual(mine.hits.map((h) => h[0]), fts5.hits.map((h) => h[0]), `${text}: the same hits in the same order`);
  mine.hits.forEach(([, s], i) => assert.ok(Math.abs(s - fts5.hits[i]![1]) <= 1e-12 * Math.abs(s), `${text}: score ${s} is FTS5's ${fts5.hits[i]![1]}`));
  assert.equal(mine.hasNextPage, fts5.hasNextPage, text);
  assert.equal(mine.endCursor, fts5.endCursor, text);
}

const planOf = (ctx: StoreContext, text: string) => {
  const terms = parseSearch(text);
  const words = rankableWords(terms);
  return words ? ctx.db.transaction(() => planSearch(ctx, words, toFts5(terms)))() : ({ kind: 'fts5' } as const);
};

void describe('SQLite search ranking without bm25() for a rare word beside a common one', () => {
  let dir: string;
  let store: SqliteGraphStore;
  let ctx: StoreContext;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-search-rank-'));
    store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
    await store.init(ontology);
    for (let start = 0; start < PATIENTS; start += 1000) {
      await store.applyBatch(Array.from({ length: 1000 }, (_, k) => planned(registered(start + k))));
    }
    ctx = createContext(store.db, ontology, () => undefined);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('takes its own path only for plain words with a rare one, and answers nothing for a word no row has', () => {
    assert.equal(planOf(ctx, 'patient 3').kind, 'rare');
    assert.equal(planOf(ctx, 'patient moss').kind, 'rare');
    assert.deepEqual(planOf(ctx, 'patient moss'), { kind: 'rare', words: ['patient', 'moss'], docs: [2000, 5] });
    assert.equal(planOf(ctx, 'patient 999999').kind, 'empty');
    assert.equal(planOf(ctx, 'moss wren').kind, 'fts5', 'both words rare: FTS5 walks little');
    assert.equal(planOf(ctx, 'patient').kind, 'fts5', 'one word');
    assert.equal(planOf(ctx, 'patient junior').kind, 'fts5', 'a large result');
    assert.equal(planOf(ctx, 'patient mo*').kind, 'fts5', 'a prefix');
    assert.equal(planOf(ctx, '"patient 3"').kind, 'fts5', 'a phrase');
  });

  void it('ranks as FTS5 does: same hits, order, scores and pages', () => {
    for (const text of QUERIES) assertSameAsFts5(ctx, text);
    const moss = search(ctx, { text: 'patient moss', first: 10 });
    assert.equal(moss.items[0]?.node.id, 'p-2400', 'the hit with moss twice first');
    for (const text of ['patient moss', 'patient wren']) {
      const all = search(ctx, { text, first: 10 }, 'fts5').items.map((i) => i.node.id);
      const paged: string[] = [];
      for (let after: string | undefined, more = true; more; ) {
        const p = search(ctx, { text, first: 2, ...(after !== undefined && { after }) });
        paged.push(...p.items.map((i) => i.node.id));
        more = p.hasNextPage;
        after = p.endCursor;
        assert.ok(paged.length <= all.length, 'pages end');
      }
      assert.deepEqual(paged, all, `${text} paged by 2`);
    }
    assertSameAsFts5(ctx, 'patient moss', 2);
  });

  void it('follows writes to the index: the common word\'s cached count is not reused after an update, a delete or an insert', async () => {
    assertSameAsFts5(ctx, 'patient moss');
    await store.applyBatch([planned(registered(3, 'Moss Quarry 3'))]);
    assertSameAsFts5(ctx, 'patient moss');
    assert.deepEqual(planOf(ctx, 'patient moss'), { kind: 'rare', words: ['patient', 'moss'], docs: [1999, 6] });
    await store.applyBatch([planChangeSet(parseEnvelope({ ...registered(6), id: 'delete-6', data: { '@type': 'Patient', id: 'p-6', '@delete': true } }), ontology)]);
    assertSameAsFts5(ctx, 'patient moss');
    assert.deepEqual(planOf(ctx, 'patient moss'), { kind: 'rare', words: ['patient', 'moss'], docs: [1998, 6] });
    await store.applyBatch([planned(registered(PATIENTS + 3, 'Patient Moss Late'))]);
    for (const text of QUERIES) assertSameAsFts5(ctx, text);
    assert.deepEqual(planOf(ctx, 'patient moss'), { kind: 'rare', words: ['patient', 'moss'], docs: [1999, 7] });
  });

  void it('falls back to FTS5 when a hit\'s text tokenizes differently in JavaScript', async () => {
    // JavaScript lowercases İ to i + U+0307 (two tokens here); FTS5's folding does not.
    await store.applyBatch([planned(registered(PATIENTS + 6, 'Patient İnce Zephyr'))]);
    const terms = parseSearch('patient zephyr');
    const plan = planOf(ctx, 'patient zephyr');
    assert.equal(plan.kind, 'rare');
    if (plan.kind === 'rare') assert.equal(rankRare(ctx, plan, { sql: 'search_text MATCH ?', params: [toFts5(terms)] }), undefined);
    assertSameAsFts5(ctx, 'patient zephyr');
    assert.deepEqual(search(ctx, { text: 'patient zephyr', first: 10 }).items.map((i) => i.node.id), [`p-${PATIENTS + 6}`]);
  });
});
