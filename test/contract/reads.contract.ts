/** Contract: reads — list filters / sort / cursors / totals, related in both directions, neighbourhood, paths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphStore, NodeQuery, NodeRecord, Page } from '../../src/ports/graph-store.ts';
import { changeSet, link, upsert } from './change-sets.ts';
import { withStore, type MakeStoreFn } from './with-store.ts';

const ids = (p: Page<NodeRecord> | undefined) => p?.items.map((i) => i.node.id) ?? [];

/** Six referrals with varied scores / priorities / times, three patients, two GPs. */
async function seed(store: GraphStore): Promise<void> {
  const rows: [string, string, number, string, string][] = [
    ['r-1', 'routine', 0.5, '2026-01-03T00:00:00Z', 'p-1'],
    ['r-2', 'urgent', 0.9, '2026-01-01T00:00:00Z', 'p-1'],
    ['r-3', 'urgent', 0.2, '2026-01-05T00:00:00Z', 'p-2'],
    ['r-4', 'emergency', 0.9, '2026-01-02T00:00:00Z', 'p-2'],
    ['r-5', 'routine', 0.7, '2026-01-04T00:00:00Z', 'p-3'],
    ['r-6', 'routine', 0.1, '2026-01-06T00:00:00Z', 'p-1'],
  ];
  await store.applyBatch(
    rows.map(([id, priority, score, requestedAt, patient], i) =>
      changeSet(`e-${id}`, [
        upsert(`Referral/${id}`, { reason: i % 2 ? 'Chest pain on exertion' : 'Knee injury', priority, score, requestedAt }),
        upsert(`Patient/${patient}`, { name: `Patient ${patient}` }),
        link('forPatient', `Referral/${id}`, `Patient/${patient}`),
        link('referredBy', `Referral/${id}`, i < 3 ? 'GeneralPractitioner/gp-1' : 'GeneralPractitioner/gp-2'),
      ]),
    ),
  );
  await store.applyBatch([changeSet('e-s', [upsert('Specialist/s-1', { name: 'Dr Heart', capacity: 2 })])]);
}

/** Walks every page of a query, returning ids in order. */
async function walk(store: GraphStore, q: Omit<NodeQuery, 'first' | 'after'>, first: number): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await store.listNodes({ ...q, first, ...(after !== undefined && { after }) });
    out.push(...ids(page));
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
  throw new Error('pagination did not end');
}

export function readsContract(makeStore: MakeStoreFn): void {
  void describe('reads', () => {
    void it('gets nodes by id, one or many', withStore(makeStore, async (store) => {
      await seed(store);
      const n = await store.getNode('r-2');
      assert.equal(n?.class, 'Referral');
      assert.equal(n?.properties['score'], 0.9);
      assert.equal(n?.properties['priority'], 'urgent');
      const many = await store.getNodes(['r-1', 'p-2', 'missing']);
      assert.deepEqual([...many.keys()].sort(), ['p-2', 'r-1']);
    }));

    void it('lists a class with its subclasses, sorted by id by default', withStore(makeStore, async (store) => {
      await seed(store);
      assert.deepEqual(ids(await store.listNodes({ class: 'Practitioner', first: 10 })), ['gp-1', 'gp-2', 's-1']);
      assert.deepEqual(ids(await store.listNodes({ class: 'Specialist', first: 10 })), ['s-1']);
    }));

    void it('filters on properties with every operator', withStore(makeStore, async (store) => {
      await seed(store);
      const q = async (filters: NodeQuery['filters']) => ids(await store.listNodes({ class: 'Referral', first: 10, filters }));
      assert.deepEqual(await q([{ property: 'priority', op: 'eq', value: 'urgent' }]), ['r-2', 'r-3']);
      assert.deepEqual(await q([{ property: 'priority', op: 'ne', value: 'routine' }]), ['r-2', 'r-3', 'r-4']);
      assert.deepEqual(await q([{ property: 'score', op: 'gt', value: 0.5 }]), ['r-2', 'r-4', 'r-5']);
      assert.deepEqual(await q([{ property: 'score', op: 'gte', value: 0.5 }]), ['r-1', 'r-2', 'r-4', 'r-5']);
      assert.deepEqual(await q([{ property: 'score', op: 'lt', value: 0.2 }]), ['r-6']);
      assert.deepEqual(await q([{ property: 'score', op: 'lte', value: 0.2 }]), ['r-3', 'r-6']);
      assert.deepEqual(await q([{ property: 'priority', op: 'in', value: ['emergency', 'urgent'] }]), ['r-2', 'r-3', 'r-4']);
      assert.deepEqual(await q([{ property: 'requestedAt', op: 'prefix', value: '2026-01-0' }]).then((r) => r.length), 6);
      assert.deepEqual(await q([{ property: 'reason', op: 'contains', value: 'exertion' }]), ['r-2', 'r-4', 'r-6']);
      assert.deepEqual(await q([{ property: 'status', op: 'exists', value: true }]), []);
      assert.deepEqual(await q([{ property: 'id', op: 'in', value: ['r-1', 'r-9'] }]), ['r-1']);
      assert.deepEqual(
        await q([{ property: 'priority', op: 'eq', value: 'routine' }, { property: 'score', op: 'gte', value: 0.5 }]),
        ['r-1', 'r-5'],
      );
    }));

    void it('matches multi-valued properties on any of their values', withStore(makeStore, async (store) => {
      await store.applyBatch([
        changeSet('e-1', [upsert('Patient/p-1', { name: 'A' }, { add: { allergy: ['latex', 'penicillin'] } })]),
        changeSet('e-2', [upsert('Patient/p-2', { name: 'B' }, { add: { allergy: ['nuts'] } })]),
        changeSet('e-3', [upsert('Patient/p-3', { name: 'C' })]),
      ]);
      const q = async (filters: NodeQuery['filters']) => ids(await store.listNodes({ class: 'Patient', first: 10, filters }));
      assert.deepEqual(await q([{ property: 'allergy', op: 'eq', value: 'penicillin' }]), ['p-1']);
      assert.deepEqual(await q([{ property: 'allergy', op: 'ne', value: 'penicillin' }]), ['p-2', 'p-3']);
      assert.deepEqual(await q([{ property: 'allergy', op: 'exists', value: false }]), ['p-3']);
    }));

    void it('sorts by a property in both directions, ties broken by id, and pages with cursors without gaps or repeats', withStore(makeStore, async (store) => {
      await seed(store);
      const asc = await walk(store, { class: 'Referral', sort: { property: 'score', direction: 'asc' } }, 2);
      assert.deepEqual(asc, ['r-6', 'r-3', 'r-1', 'r-5', 'r-2', 'r-4']);
      const desc = await walk(store, { class: 'Referral', sort: { property: 'score', direction: 'desc' } }, 4);
      assert.deepEqual(desc, ['r-4', 'r-2', 'r-5', 'r-1', 'r-3', 'r-6']);
      const byTime = await walk(store, { class: 'Referral', sort: { property: 'requestedAt', direction: 'asc' } }, 1);
      assert.deepEqual(byTime, ['r-2', 'r-4', 'r-1', 'r-5', 'r-3', 'r-6']);
      // Nodes without the sort property are still listed exactly once.
      const withMissing = await walk(store, { class: 'Practitioner', sort: { property: 'name', direction: 'desc' } }, 1);
      assert.deepEqual(withMissing, ['s-1', 'gp-2', 'gp-1']);
      const byIdDesc = await walk(store, { class: 'Patient', sort: { property: 'id', direction: 'desc' } }, 2);
      assert.deepEqual(byIdDesc, ['p-3', 'p-2', 'p-1']);
    }));

    void it('counts the total ignoring the page, and rejects a forged cursor', withStore(makeStore, async (store) => {
      await seed(store);
      const page = await store.listNodes({ class: 'Referral', first: 2, includeTotal: true, filters: [{ property: 'score', op: 'gt', value: 0.3 }] });
      assert.equal(page.totalCount, 4);
      assert.equal(page.items.length, 2);
      assert.equal(page.hasNextPage, true);
      const next = await store.listNodes({ class: 'Referral', first: 2, includeTotal: true, after: page.endCursor, filters: [{ property: 'score', op: 'gt', value: 0.3 }] });
      assert.equal(next.totalCount, 4);
      assert.equal(next.hasNextPage, false);
      await assert.rejects(store.listNodes({ class: 'Referral', first: 2, after: 'not-a-cursor' }));
    }));

    void it('filters by relationship presence and by signal marks', withStore(makeStore, async (store) => {
      await seed(store);
      await store.applyBatch([changeSet('e-x', [upsert('Patient/p-9', { name: 'Lonely' })])]);
      assert.deepEqual(ids(await store.listNodes({ class: 'Patient', first: 10, relationships: [{ type: 'forPatient', direction: 'in', exists: false }] })), ['p-9']);
      assert.deepEqual(ids(await store.listNodes({ class: 'Referral', first: 10, relationships: [{ type: 'referredTo', direction: 'out', exists: true }] })), []);
      await store.leaveMark({ on: 'r-3', kind: 'needs-review', strength: 1, halfLifeMs: 3_600_000, agent: 'agent://triage' });
      await store.leaveMark({ on: 'r-5', kind: 'needs-review', strength: 0.3, halfLifeMs: 3_600_000, agent: 'agent://triage' });
      assert.deepEqual(ids(await store.listNodes({ class: 'Referral', first: 10, marks: [{ kind: 'needs-review' }] })), ['r-3', 'r-5']);
      assert.deepEqual(ids(await store.listNodes({ class: 'Referral', first: 10, marks: [{ kind: 'needs-review', minStrength: 0.5 }] })), ['r-3']);
      assert.deepEqual(ids(await store.listNodes({ class: 'Referral', first: 10, marks: [{ kind: 'needs-review', absent: true }] })), ['r-1', 'r-2', 'r-4', 'r-6']);
    }));

    void it('returns related nodes of many parents at once, in both directions, with per-parent pages and counts', withStore(makeStore, async (store) => {
      await seed(store);
      const incoming = await store.related({ ids: ['p-1', 'p-2', 'p-9'], type: 'forPatient', direction: 'in', first: 2, includeTotal: true, sort: { property: 'score', direction: 'desc' } });
      assert.deepEqual(ids(incoming.get('p-1')), ['r-2', 'r-1']);
      assert.equal(incoming.get('p-1')?.hasNextPage, true);
      assert.equal(incoming.get('p-1')?.totalCount, 3);
      assert.deepEqual(ids(incoming.get('p-2')), ['r-4', 'r-3']);
      assert.equal(incoming.get('p-2')?.hasNextPage, false);
      assert.deepEqual(ids(incoming.get('p-9')), []);
      const rest = await store.related({ ids: ['p-1'], type: 'forPatient', direction: 'in', first: 2, after: incoming.get('p-1')?.endCursor, sort: { property: 'score', direction: 'desc' } });
      assert.deepEqual(ids(rest.get('p-1')), ['r-6']);
      const out = await store.related({ ids: ['r-1', 'r-4'], type: 'forPatient', direction: 'out', first: 5 });
      assert.deepEqual(ids(out.get('r-1')), ['p-1']);
      assert.deepEqual(ids(out.get('r-4')), ['p-2']);
      const filtered = await store.related({ ids: ['p-1'], type: 'forPatient', direction: 'in', first: 5, filters: [{ property: 'priority', op: 'eq', value: 'routine' }] });
      assert.deepEqual(ids(filtered.get('p-1')), ['r-1', 'r-6']);
      const counts = await store.countRelated(['p-1', 'p-2', 'p-3', 'p-9'], 'forPatient', 'in');
      assert.deepEqual(Object.fromEntries(counts), { 'p-1': 3, 'p-2': 2, 'p-3': 1, 'p-9': 0 });
      assert.deepEqual(Object.fromEntries(await store.countRelated(['r-1'], 'referredBy', 'out')), { 'r-1': 1 });
    }));

    void it('finds the neighbourhood within N hops in both directions, through chosen relationship types, with a limit', withStore(makeStore, async (store) => {
      await seed(store);
      const one = await store.neighbourhood('p-1', 1);
      const dist = (n: typeof one) => Object.fromEntries(n.nodes.map((x) => [x.node.id, x.distance]));
      assert.deepEqual(dist(one), { 'p-1': 0, 'r-1': 1, 'r-2': 1, 'r-6': 1 });
      assert.equal(one.relationships.length, 3);
      assert.equal(one.truncated, false);
      const two = await store.neighbourhood('p-1', 2);
      assert.deepEqual(dist(two), { 'p-1': 0, 'r-1': 1, 'r-2': 1, 'r-6': 1, 'gp-1': 2, 'gp-2': 2 });
      const via = await store.neighbourhood('p-1', 3, { via: ['forPatient'] });
      assert.deepEqual(Object.keys(dist(via)).sort(), ['p-1', 'r-1', 'r-2', 'r-6']);
      const cut = await store.neighbourhood('p-1', 2, { limit: 3 });
      assert.equal(cut.nodes.length, 3);
      assert.equal(cut.truncated, true);
      assert.deepEqual((await store.neighbourhood('missing', 2)).nodes, []);
    }));

    void it('finds simple paths between two nodes, shortest first, both directions, within maxHops', withStore(makeStore, async (store) => {
      await seed(store);
      // p-1 <-forPatient- r-1 -referredBy-> gp-1 <-referredBy- r-3 -forPatient-> p-2
      const found = await store.paths('p-1', 'p-2', 4);
      assert.ok(found.length >= 1);
      const first = found[0];
      assert.deepEqual(first?.nodes.map((n) => n.id).length, 5);
      assert.equal(first?.nodes[0]?.id, 'p-1');
      assert.equal(first?.nodes.at(-1)?.id, 'p-2');
      assert.equal(first?.relationships[0]?.type, 'forPatient');
      assert.equal(first?.relationships[0]?.to.id, 'p-1', 'relationships keep their real direction');
      const lengths = found.map((p) => p.relationships.length);
      assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b));
      for (const p of found) assert.equal(new Set(p.nodes.map((n) => n.id)).size, p.nodes.length, 'paths are simple');
      assert.deepEqual(await store.paths('p-1', 'p-2', 3), []);
      assert.equal((await store.paths('p-1', 'p-2', 4, { limit: 1 })).length, 1);
      const direct = await store.paths('r-1', 'p-1', 2);
      assert.deepEqual(direct[0]?.nodes.map((n) => n.id), ['r-1', 'p-1']);
      assert.deepEqual(await store.paths('p-1', 'p-2', 4, { via: ['forPatient'] }), []);
    }));
  });
}
