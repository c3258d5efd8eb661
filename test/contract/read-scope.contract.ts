/**
 * Contract: read scopes. A specialist's scope (Specialist outright; Referral and Patient only along a row rule to
 * its own node) is applied by the store itself on every scoped read route: no answer holds a node outside the
 * rule, walks never pass through one, ledger entries show only changes about visible nodes — and what the rule
 * allows is still shown (a check that could not fail would prove nothing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadScope } from '../../src/core/auth/read-scope.ts';
import { redactEntry } from '../../src/core/auth/ledger-view.ts';
import { touchedIds } from '../../src/core/store/ledger.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { changeSet, link, upsert } from './change-sets.ts';
import { withStore, type MakeStoreFn } from './with-store.ts';

const scope: ReadScope = {
  labels: ['Specialist'],
  ruled: [
    { label: 'Referral', steps: [{ type: 'referredTo', direction: 'out' }], targetId: 's-1' },
    { label: 'Patient', steps: [{ type: 'forPatient', direction: 'in' }, { type: 'referredTo', direction: 'out' }], targetId: 's-1' },
  ],
};
const VISIBLE = new Set(['s-1', 's-2', 'r-1', 'p-1']);
const ALL = ['s-1', 's-2', 'r-1', 'r-2', 'r-3', 'p-1', 'p-2', 'gp-1', 'gp-2'];

/** r-1 (p-1, gp-1) goes to s-1; r-2 (p-2, gp-1) to s-2; r-3 (p-1, gp-2) to nobody. */
async function seed(store: GraphStore): Promise<void> {
  await store.applyBatch([
    changeSet('e-s', [upsert('Specialist/s-1', { name: 'Dr One' }), upsert('Specialist/s-2', { name: 'Dr Two' })]),
    ...([['r-1', 'p-1', 'gp-1', 's-1'], ['r-2', 'p-2', 'gp-1', 's-2'], ['r-3', 'p-1', 'gp-2', undefined]] as const).map(([r, p, gp, s]) =>
      changeSet(`e-${r}`, [
        upsert(`Referral/${r}`, { priority: 'urgent', reason: `reason ${r}` }),
        upsert(`Patient/${p}`, { name: `Patient ${p}` }),
        upsert(`GeneralPractitioner/${gp}`, { name: `GP ${gp}` }),
        link('forPatient', `Referral/${r}`, `Patient/${p}`),
        link('referredBy', `Referral/${r}`, `GeneralPractitioner/${gp}`),
        ...(s ? [link('referredTo', `Referral/${r}`, `Specialist/${s}`)] : []),
      ]),
    ),
  ]);
}

function onlyVisible(ids: Iterable<string>, route: string): void {
  const leaked = [...ids].filter((id) => !VISIBLE.has(id));
  assert.deepEqual(leaked, [], `${route} leaked ${leaked.join(', ')}`);
}

export function readScopeContract(makeStore: MakeStoreFn): void {
  void describe('read scopes (row rules in the store query)', () => {
    void it('get, list (filters, sort, cursors, totals), related and counts show only the rule\'s nodes', withStore(makeStore, async (store) => {
      await seed(store);
      assert.equal(await store.getNode('r-2', scope), undefined);
      assert.equal((await store.getNode('r-1', scope))?.id, 'r-1');
      assert.deepEqual([...(await store.getNodes(ALL, scope)).keys()].sort(), [...VISIBLE].sort());
      const refs = await store.listNodes({ class: 'Referral', first: 10, includeTotal: true, scope, filters: [{ property: 'priority', op: 'eq', value: 'urgent' }] });
      assert.deepEqual(refs.items.map((i) => i.node.id), ['r-1']);
      assert.equal(refs.totalCount, 1);
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await store.listNodes({ class: 'Practitioner', first: 1, scope, sort: { property: 'name', direction: 'desc' }, ...(after !== undefined && { after }) });
        seen.push(...page.items.map((x) => x.node.id));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      // Practitioners by name, one per page: the two specialists, never the GPs (hidden), in order.
      assert.deepEqual(seen, ['s-2', 's-1']);
      const rel = await store.related({ ids: ['p-1', 'p-2'], type: 'forPatient', direction: 'in', first: 10, includeTotal: true, scope });
      assert.deepEqual(rel.get('p-1')?.items.map((i) => i.node.id), ['r-1']);
      assert.equal(rel.get('p-1')?.totalCount, 1);
      const gp = await store.related({ ids: ['r-1'], type: 'referredBy', direction: 'out', first: 10, scope });
      assert.deepEqual(gp.get('r-1')?.items, []);
      const counts = await store.countRelated(['p-1', 's-2'], 'forPatient', 'in', scope);
      assert.equal(counts.get('p-1'), 1);
      assert.equal((await store.countRelated(['s-2'], 'referredTo', 'in', scope)).get('s-2'), 0);
      assert.equal((await store.countRelated(['s-1'], 'referredTo', 'in', scope)).get('s-1'), 1);
    }));

    void it('neighbourhood and paths never return or pass through a hidden node', withStore(makeStore, async (store) => {
      await seed(store);
      const n = await store.neighbourhood('s-1', 4, { scope, limit: 100 });
      assert.deepEqual(n.nodes.map((x) => x.node.id).sort(), ['p-1', 'r-1', 's-1']);
      onlyVisible(n.relationships.flatMap((r) => [r.from.id, r.to.id]), 'neighbourhood');
      assert.equal(n.relationships.length, 2);
      assert.deepEqual((await store.neighbourhood('r-2', 2, { scope })).nodes, []);
      assert.deepEqual((await store.neighbourhood('s-1', 0, { scope })).nodes.map((x) => x.node.id), ['s-1']);
      const p = await store.paths('p-1', 's-1', 4, { scope });
      assert.deepEqual(p.map((x) => x.nodes.map((y) => y.id)), [['p-1', 'r-1', 's-1']]);
      // Unscoped, r-1 and r-3 are joined through p-1; r-3 is hidden, so no path exists for the specialist.
      assert.ok((await store.paths('r-1', 'r-3', 2)).length > 0);
      assert.deepEqual(await store.paths('r-1', 'r-3', 2, { scope }), []);
      assert.deepEqual(await store.paths('r-2', 'r-2', 1, { scope }), []);
    }));

    void it('history, ledger and event show only changes about visible nodes, without the raw event', withStore(makeStore, async (store) => {
      await seed(store);
      assert.deepEqual(await store.history('r-2', {}, scope), []);
      const h = await store.history('r-1', {}, scope);
      assert.ok(h.length > 0);
      const all = await store.ledger(0, 1000);
      const mine = await store.ledger(0, 1000, scope);
      assert.ok(mine.length > 0 && mine.length < all.length, `scoped ledger has ${mine.length} of ${all.length}`);
      for (const e of [...h, ...mine]) {
        assert.equal(e.event, undefined);
        assert.ok(e.changes.length > 0);
        onlyVisible(touchedIds(e.changes), `entry ${e.seq}`);
      }
      // Page by page (limit 1) gives the same entries: a short read goes on past entries that show nothing.
      const paged: number[] = [];
      let after = 0;
      for (let i = 0; i < 50; i++) {
        const [e] = await store.ledger(after, 1, scope);
        if (!e) break;
        paged.push(e.seq);
        after = e.seq;
      }
      assert.deepEqual(paged, mine.map((e) => e.seq));
      assert.equal(await store.findEvent('e-r-2', scope), undefined);
      const ev = await store.findEvent('e-r-1', scope);
      assert.ok(ev && ev.event === undefined);
      onlyVisible(touchedIds(ev.changes), 'event');
      assert.deepEqual(await store.ledger(0, 1000, { labels: [], ruled: [] }), []);
    }));

    void it('a node\'s history shows an entry only when one of its changes is fully visible, redacted as the ledger shows it', withStore(makeStore, async (store) => {
      await seed(store);
      // Touches r-1, but each change also names a hidden GP (the functional link moves from gp-1 to gp-2).
      // Mixed: one change about r-1, one about the hidden r-2; the subject names the hidden node.
      await store.applyBatch([
        changeSet('e-hidden', [link('referredBy', 'Referral/r-1', 'GeneralPractitioner/gp-2')]),
        changeSet('e-mixed', [upsert('Referral/r-1', { priority: 'routine' }), upsert('Referral/r-2', { priority: 'routine' })], { subject: 'Referral/r-2' }),
      ]);
      const all = await store.ledger(0, 1000);
      const byEvent = new Map(all.map((e) => [e.eventId, e]));
      const hidden = byEvent.get('e-hidden');
      const mixed = byEvent.get('e-mixed');
      assert.ok(hidden && mixed, 'the premise: both entries are in the ledger');
      assert.ok(hidden.changes.length > 0 && hidden.changes.every((c) => c.kind === 'relationship'), 'the premise: e-hidden changed only links to a GP');
      assert.deepEqual((await store.history('r-1')).map((e) => e.eventId), ['e-r-1', 'e-hidden', 'e-mixed'], 'the premise, unscoped');

      const h = await store.history('r-1', {}, scope);
      assert.deepEqual(h.map((e) => e.eventId), ['e-r-1', 'e-mixed']);
      // The mixed entry is shown exactly as core's rule redacts it, and as the scoped ledger and event lookup show it.
      const shown = h[1];
      assert.deepEqual(shown, redactEntry(mixed, (id) => VISIBLE.has(id)));
      assert.deepEqual(shown?.changes.map((c) => (c.kind === 'node' ? c.id : c.kind)), ['r-1']);
      assert.equal(shown?.subject, undefined);
      assert.deepEqual((await store.ledger(0, 1000, scope)).find((e) => e.eventId === 'e-mixed'), shown);
      assert.deepEqual(await store.findEvent('e-mixed', scope), shown);
      assert.equal(await store.findEvent('e-hidden', scope), undefined);
      // Paged one entry at a time, the history reads on past the entry it does not show.
      const paged: string[] = [];
      let after = 0;
      for (let i = 0; i < 10; i++) {
        const [e] = await store.history('r-1', { first: 1, afterSeq: after }, scope);
        if (!e) break;
        paged.push(e.eventId);
        after = e.seq;
      }
      assert.deepEqual(paged, ['e-r-1', 'e-mixed']);
    }));
  });
}
