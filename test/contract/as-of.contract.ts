/**
 * Contract: as-of reads. A graph read at seq N answers exactly what a store that applied only the first N change
 * sets answers now — for get, lists (filters, sort, totals), related pages and counts, neighbourhoods and paths,
 * with and without a read scope. The reference is a fresh SQLite file per checked seq (the store rebuilt from the
 * ledger up to that point); the sequence is pseudo-random from a fixed seed (creates, updates, list adds and
 * retractions, relationship adds and retractions, node deletes, in batches of 1–3), so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import type { ReadScope } from '../../src/core/auth/read-scope.ts';
import type { ChangeOp, ChangeSet } from '../../src/core/projection/change-set.ts';
import type { GraphReads, GraphStore } from '../../src/ports/graph-store.ts';
import { changeSet, link, ontology, remove, unlink, upsert } from './change-sets.ts';
import { withStore, type MakeStoreFn } from './with-store.ts';

const scope: ReadScope = {
  labels: ['Specialist'],
  ruled: [
    { label: 'Referral', steps: [{ type: 'referredTo', direction: 'out' }], targetId: 's-1' },
    { label: 'Patient', steps: [{ type: 'forPatient', direction: 'in' }, { type: 'referredTo', direction: 'out' }], targetId: 's-1' },
  ],
};

const REFERRALS = ['r-1', 'r-2', 'r-3', 'r-4'];
const PATIENTS = ['p-1', 'p-2', 'p-3'];
const SPECIALISTS = ['s-1', 's-2'];
const ALL = [...REFERRALS, ...PATIENTS, ...SPECIALISTS, 'gp-1'];

/** A small deterministic PRNG (mulberry32), so the sequence is the same on every run and every store. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` change sets in batches of 1–3: each op kind with its own weight. */
export function randomHistory(seed: number, count: number): ChangeSet[][] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const op = (): ChangeOp[] => {
    const r = pick(REFERRALS);
    const p = pick(PATIENTS);
    const k = rnd();
    if (k < 0.25) {
      return [
        upsert(`Referral/${r}`, { reason: `reason ${Math.floor(rnd() * 5)}`, priority: pick(['routine', 'urgent', 'emergency']), score: pick([0.5, 1.25, 2.75]) }),
        upsert(`Patient/${p}`, { name: `Patient ${p} v${Math.floor(rnd() * 3)}` }),
        link('forPatient', `Referral/${r}`, `Patient/${p}`),
      ];
    }
    if (k < 0.4) return [upsert(`Referral/${r}`, { status: pick(['accepted', 'scheduled', 'completed']) }), link('referredTo', `Referral/${r}`, `Specialist/${pick(SPECIALISTS)}`)];
    if (k < 0.5) return [upsert(`Patient/${p}`, { name: `Patient ${p}` }, { add: { allergy: [pick(['nuts', 'latex', 'dust'])] } })];
    if (k < 0.58) return [upsert(`Patient/${p}`, { name: `Patient ${p}` }, { unset: ['allergy'] })];
    if (k < 0.68) return [unlink('referredTo', `Referral/${r}`)];
    if (k < 0.76) return [upsert(`Referral/${r}`, { reason: 'gp', priority: 'routine' }), link('referredBy', `Referral/${r}`, 'GeneralPractitioner/gp-1')];
    if (k < 0.88) return [remove(`Referral/${r}`)];
    if (k < 0.94) return [remove(`Patient/${p}`)];
    return [upsert(`Specialist/${pick(SPECIALISTS)}`, { name: `Dr ${Math.floor(rnd() * 4)}`, capacity: Math.floor(rnd() * 9) })];
  };
  const batches: ChangeSet[][] = [[changeSet('e-0', [upsert('Specialist/s-1', { name: 'Dr One' }), upsert('Specialist/s-2', { name: 'Dr Two' })])]];
  let n = 1;
  while (n < count) {
    const size = 1 + Math.floor(rnd() * 3);
    const batch: ChangeSet[] = [];
    for (let i = 0; i < size && n < count; i++, n++) batch.push(changeSet(`e-${n}`, op(), { time: new Date(Date.UTC(2026, 10, 21, 9, 0, n)).toISOString() }));
    batches.push(batch);
  }
  return batches;
}

/** Every read the contract compares, as plain data (what a user would see). */
async function answers(reads: GraphReads, scoped?: ReadScope): Promise<unknown> {
  const s = scoped && { scope: scoped };
  const nodes = await reads.getNodes(ALL, scoped);
  const list = async (cls: string, extra: object = {}): Promise<unknown> => {
    const items: unknown[] = [];
    let after: string | undefined;
    let total: number | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await reads.listNodes({ class: cls, first: 2, includeTotal: true, ...s, ...extra, ...(after !== undefined && { after }) });
      items.push(...page.items.map((x) => x.node));
      total = page.totalCount;
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    return { items, total };
  };
  const rel = async (type: string, direction: 'out' | 'in', ids: string[]): Promise<unknown> => {
    const pages = await reads.related({ ids, type, direction, first: 10, includeTotal: true, ...s });
    const counts = await reads.countRelated(ids, type, direction, scoped);
    return ids.map((id) => ({ id, page: pages.get(id)?.items.map((x) => x.node.id), total: pages.get(id)?.totalCount ?? 0, count: counts.get(id) ?? 0 }));
  };
  return {
    one: await reads.getNode('r-1', scoped),
    nodes: ALL.map((id) => nodes.get(id) ?? null),
    referrals: await list('Referral', { sort: { property: 'score', direction: 'desc' } }),
    urgent: await list('Referral', { filters: [{ property: 'priority', op: 'eq', value: 'urgent' }] }),
    allergic: await list('Patient', { filters: [{ property: 'allergy', op: 'exists', value: true }] }),
    practitioners: await list('Practitioner', { sort: { property: 'name', direction: 'asc' } }),
    forPatient: await rel('forPatient', 'out', REFERRALS),
    patientsOf: await rel('forPatient', 'in', PATIENTS),
    referredTo: await rel('referredTo', 'in', SPECIALISTS),
    around: await reads.neighbourhood('s-1', 3, { limit: 50, ...s }),
    aroundR: await reads.neighbourhood('r-2', 2, { via: ['forPatient', 'referredTo'], limit: 50, ...s }),
    // A walk cut at its limit (the nodes kept at the last distance are chosen by core's order).
    cut: await reads.neighbourhood('s-1', 2, { via: ['referredTo', 'forPatient'], limit: 3, ...s }),
    paths: await reads.paths('p-1', 's-1', 4, { limit: 10, ...s }),
    paths2: await reads.paths('r-3', 'gp-1', 3, { limit: 10, ...s }),
  };
}

/** The reference: a fresh SQLite file that applied `batches` (the store rebuilt from the ledger up to a seq). */
async function rebuilt(batches: readonly ChangeSet[][], body: (store: GraphStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-asof-ref-'));
  const store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
  try {
    await store.init(ontology);
    for (const b of batches) await store.applyBatch(b);
    await body(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The batches whose change sets have seq ≤ `seq` (seqs are assigned 1, 2, … in order: no duplicates here). */
function upTo(batches: readonly ChangeSet[][], seq: number): ChangeSet[][] {
  const out: ChangeSet[][] = [];
  let n = 0;
  for (const b of batches) {
    const take = b.slice(0, Math.max(0, seq - n));
    if (take.length) out.push(take);
    n += b.length;
  }
  return out;
}

export function asOfContract(makeStore: MakeStoreFn): void {
  void describe('as-of reads (versioned rows)', () => {
    void it('states at several seqs after creates, updates, deletes and relationship changes', withStore(makeStore, async (store) => {
      const [created] = await store.applyBatch([
        changeSet('a-1', [upsert('Referral/r-1', { reason: 'Chest pain', priority: 'routine' }), upsert('Patient/p-1', { name: 'Ann' }), link('forPatient', 'Referral/r-1', 'Patient/p-1')]),
      ]);
      await store.applyBatch([changeSet('a-2', [upsert('Referral/r-1', { priority: 'urgent' }, { unset: ['reason'] }), link('referredTo', 'Referral/r-1', 'Specialist/s-1')])]);
      await store.applyBatch([changeSet('a-3', [unlink('referredTo', 'Referral/r-1')]), changeSet('a-4', [remove('Patient/p-1')])]);
      await store.applyBatch([changeSet('a-5', [remove('Referral/r-1')])]);
      assert.equal(created?.seq, 1);
      assert.equal(await store.getNode('r-1'), undefined, 'deleted now');

      const at1 = await store.readsAt(1);
      const r1 = await at1.getNode('r-1');
      assert.deepEqual(r1?.properties, { reason: 'Chest pain', priority: 'routine' });
      assert.equal(r1?.provenance.seq, 1);
      assert.equal(await at1.getNode('s-1'), undefined, 'created later: absent');
      assert.deepEqual([...(await at1.related({ ids: ['r-1'], type: 'forPatient', direction: 'out', first: 5 })).get('r-1')?.items ?? []].map((i) => i.node.id), ['p-1']);

      const at2 = await store.readsAt(2);
      const r2 = await at2.getNode('r-1');
      assert.deepEqual(r2?.properties, { priority: 'urgent' });
      assert.deepEqual({ seq: r2?.provenance.seq, createdSeq: r2?.provenance.createdSeq, eventId: r2?.provenance.eventId }, { seq: 2, createdSeq: 1, eventId: 'a-2' });
      assert.equal((await at2.getNode('s-1'))?.class, 'Specialist', 'bare target created by the link');
      assert.deepEqual((await at2.paths('p-1', 's-1', 3)).map((p) => p.nodes.map((n) => n.id)), [['p-1', 'r-1', 's-1']]);

      const at3 = await store.readsAt(3);
      assert.deepEqual((await at3.paths('p-1', 's-1', 3)), [], 'relationship retracted at 3');
      assert.equal((await at3.getNode('p-1'))?.properties.name, 'Ann');
      const at4 = await store.readsAt(4);
      assert.equal(await at4.getNode('p-1'), undefined, 'deleted at 4');
      assert.equal((await at4.countRelated(['r-1'], 'forPatient', 'out')).get('r-1') ?? 0, 0, 'its relationships went with it');
      assert.equal((await at4.getNode('r-1'))?.properties.priority, 'urgent');
      const list4 = await at4.listNodes({ class: 'Referral', first: 10, includeTotal: true });
      assert.deepEqual([list4.items.map((i) => i.node.id), list4.totalCount], [['r-1'], 1]);
      assert.equal((await (await store.readsAt(5)).listNodes({ class: 'Referral', first: 10 })).items.length, 0);

      await assert.rejects(store.readsAt(6), (e: Error) => e.name === 'BadInputError' && /after the head/.test(e.message));
      await assert.rejects(at4.listNodes({ class: 'Referral', first: 5, marks: [{ kind: 'needs-review' }] }), /mark filters/);
      assert.equal(await store.historyFrom(), 0);
      assert.equal(await store.seqAt('2000-01-01T00:00:00Z'), 0);
      assert.equal(await store.seqAt(new Date(Date.now() + 60_000).toISOString()), 5);
    }));

    void it('a row-ruled scope sees, as of a seq, only what its rule allowed then', withStore(makeStore, async (store) => {
      await store.applyBatch([
        changeSet('b-1', [upsert('Specialist/s-1', { name: 'Dr One' }), upsert('Referral/r-1', { reason: 'x', priority: 'urgent' }), upsert('Patient/p-1', { name: 'Ann' }), link('forPatient', 'Referral/r-1', 'Patient/p-1'), link('referredTo', 'Referral/r-1', 'Specialist/s-1')]),
        changeSet('b-2', [upsert('Referral/r-2', { reason: 'y', priority: 'urgent' }), upsert('Patient/p-2', { name: 'Bob' }), link('forPatient', 'Referral/r-2', 'Patient/p-2')]),
        changeSet('b-3', [link('referredTo', 'Referral/r-1', 'Specialist/s-2')]),
      ]);
      const ids = ['s-1', 's-2', 'r-1', 'r-2', 'p-1', 'p-2'];
      const at = async (seq: number): Promise<string[]> => [...(await (await store.readsAt(seq)).getNodes(ids, scope)).keys()].sort();
      assert.deepEqual(await at(1), ['p-1', 'r-1', 's-1']);
      assert.deepEqual(await at(2), ['p-1', 'r-1', 's-1'], 'r-2 and p-2 never went to s-1');
      assert.deepEqual(await at(3), ['s-1', 's-2'], 'r-1 reassigned away: it and its patient are outside the rule at 3');
      const walk = await (await store.readsAt(2)).neighbourhood('s-1', 3, { scope });
      assert.deepEqual(walk.nodes.map((n) => n.node.id).sort(), ['p-1', 'r-1', 's-1']);
      assert.equal((await (await store.readsAt(3)).neighbourhood('s-1', 3, { scope })).nodes.length, 1, 'the walk does not pass through hidden nodes');
    }));

    void it('equals a store rebuilt from the ledger up to the seq, at every seq of a random history (scoped and not)', withStore(makeStore, async (store) => {
      const batches = randomHistory(17, 36);
      for (const b of batches) await store.applyBatch(b);
      const head = await store.headSeq();
      assert.equal(head, 36);
      for (const seq of [1, 4, 9, 13, 18, 22, 27, 31, 36]) {
        const reads = await store.readsAt(seq);
        const got = { plain: await answers(reads), scoped: await answers(reads, scope) };
        await rebuilt(upTo(batches, seq), async (ref) => {
          assert.deepEqual(got, { plain: await answers(ref), scoped: await answers(ref, scope) }, `as of seq ${seq}`);
        });
      }
    }));
  });
}
