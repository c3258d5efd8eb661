/** Contract: applying change sets — idempotency, atomicity, seqs, the property/relationship/class rules, provenance. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProjectionConflictError } from '../../src/core/errors.ts';
import type { AppliedChange, ChangeSet } from '../../src/core/projection/change-set.ts';
import type { AppliedEvent, LedgerEntry } from '../../src/ports/graph-store.ts';
import { changeSet, link, referral, remove, unlink, upsert } from './change-sets.ts';
import { withStore, type MakeStoreFn } from './with-store.ts';

const rels = (changes: readonly AppliedChange[]) =>
  changes.filter((c) => c.kind === 'relationship').map((c) => (c.kind === 'relationship' ? `${c.change} ${c.from.id}-${c.type}->${c.to.id}` : ''));

export function applyContract(makeStore: MakeStoreFn): void {
  void describe('applyBatch', () => {
    void it('applies an event once: a redelivery is a duplicate with the original seq and changes nothing', withStore(makeStore, async (store) => {
      const [first] = await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      assert.equal(first?.duplicate, false);
      assert.equal(first?.seq, 1);
      const before = await store.getNode('r-1');
      const again = await store.applyBatch([referral('e-1', 'r-1', 'p-1', { priority: 'urgent' })]);
      assert.deepEqual(again, [{ eventId: 'e-1', seq: 1, duplicate: true, changes: [] }]);
      assert.deepEqual(await store.getNode('r-1'), before);
      assert.equal(await store.headSeq(), 1);
      assert.equal((await store.ledger(0, 10)).length, 1);
    }));

    void it('the idempotency key is (source, id): another source may use the same id; a reused key with other content is a conflict holding the original seq', withStore(makeStore, async (store) => {
      const ev = (source: string, data: Record<string, unknown>) => ({ specversion: '1.0', id: 'k-1', type: 'ReferralRequested', source, data });
      const a = referral('k-1', 'r-1', 'p-1');
      const [first] = await store.applyBatch([{ ...a, source: 'agent://a', event: ev('agent://a', { n: 1 }) }]);
      assert.deepEqual([first?.seq, first?.duplicate], [1, false]);
      // Same id from another producer: its own event.
      const [other] = await store.applyBatch([{ ...referral('k-1', 'r-2', 'p-2'), source: 'agent://b', event: ev('agent://b', { n: 1 }) }]);
      assert.deepEqual([other?.seq, other?.duplicate, other?.conflict], [2, false, undefined]);
      assert.equal((await store.getNode('r-2'))?.provenance.source, 'agent://b');
      // Found by key: without a source the first event that used the id, with one that source's event.
      assert.equal((await store.findEvent('k-1'))?.seq, 1);
      assert.deepEqual([(await store.findEvent('k-1', undefined, 'agent://b'))?.seq, (await store.findEvent('k-1', undefined, 'agent://a'))?.seq], [2, 1]);
      assert.equal(await store.findEvent('k-1', undefined, 'agent://c'), undefined);
      // A true retry (time and trace context may differ): a duplicate with the original seq.
      const [retry] = await store.applyBatch([{ ...referral('k-1', 'r-1', 'p-1'), source: 'agent://a', event: { ...ev('agent://a', { n: 1 }), time: '2030-01-01T00:00:00Z' } }]);
      assert.deepEqual(retry, { eventId: 'k-1', seq: 1, duplicate: true, changes: [] });
      // Same key, other content: a conflict, nothing applied, the original seq.
      const [reused] = await store.applyBatch([{ ...referral('k-1', 'r-9', 'p-9'), source: 'agent://a', event: ev('agent://a', { n: 2 }) }]);
      assert.deepEqual(reused, { eventId: 'k-1', seq: 1, duplicate: true, conflict: true, changes: [] });
      assert.equal(await store.getNode('r-9'), undefined);
      // Within one batch: the second use of a key conflicts with the first, a repeat of it is a duplicate.
      const batch = await store.applyBatch([
        { ...referral('k-2', 'r-3', 'p-3'), source: 'agent://a', event: ev('agent://a', { n: 3 }) },
        { ...referral('k-2', 'r-4', 'p-4'), source: 'agent://a', event: ev('agent://a', { n: 4 }) },
        { ...referral('k-2', 'r-3', 'p-3'), source: 'agent://a', event: ev('agent://a', { n: 3 }) },
      ]);
      assert.deepEqual(batch.map((r) => [r.seq, r.duplicate, r.conflict ?? false]), [[3, false, false], [3, true, true], [3, true, false]]);
      assert.equal(await store.getNode('r-4'), undefined);
      assert.equal(await store.headSeq(), 3);
    }));

    void it('is atomic: a batch whose third change set conflicts leaves no node, no ledger row and no checkpoint move', withStore(makeStore, async (store) => {
      await store.applyBatch([changeSet('e-0', [upsert('Patient/p-9', { name: 'Nine' })])], { checkpoint: { name: 'bus', position: 5 } });
      const batch = [
        referral('e-1', 'r-1', 'p-1'),
        referral('e-2', 'r-2', 'p-2'),
        changeSet('e-3', [upsert('Referral/p-9', { reason: 'x', priority: 'routine' })]), // p-9 is a Patient
      ];
      await assert.rejects(store.applyBatch(batch, { checkpoint: { name: 'bus', position: 8 } }), (err: unknown) => {
        assert.ok(err instanceof ProjectionConflictError);
        assert.equal(err.eventId, 'e-3');
        return true;
      });
      assert.equal(await store.getNode('r-1'), undefined);
      assert.equal(await store.getNode('p-1'), undefined);
      assert.equal(await store.headSeq(), 1);
      assert.equal(await store.findEvent('e-1'), undefined);
      assert.equal(await store.getCheckpoint('bus'), 5);
      assert.equal((await store.getNode('p-9'))?.class, 'Patient');
      // The store is still usable and numbering continues without a gap.
      const [ok] = await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      assert.equal(ok?.seq, 2);
    }));

    void it('assigns gap-free increasing seqs across batches and applies change sets in the order given', withStore(makeStore, async (store) => {
      const a = await store.applyBatch([referral('e-1', 'r-1', 'p-1'), changeSet('e-2', [upsert('Referral/r-1', { priority: 'urgent' })])]);
      const b = await store.applyBatch([changeSet('e-3', [upsert('Referral/r-1', { priority: 'emergency' })]), changeSet('e-4', [upsert('Referral/r-1', { priority: 'routine' })])]);
      assert.deepEqual([...a, ...b].map((r) => r.seq), [1, 2, 3, 4]);
      assert.equal((await store.getNode('r-1'))?.properties['priority'], 'routine');
      assert.deepEqual((await store.ledger(0, 10)).map((e) => [e.seq, e.eventId]), [[1, 'e-1'], [2, 'e-2'], [3, 'e-3'], [4, 'e-4']]);
      assert.equal(await store.headSeq(), 4);
    }));

    void it('reports created vs updated nodes with the keys that changed, and skips no-op updates', withStore(makeStore, async (store) => {
      const [r1] = await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      assert.deepEqual(
        r1?.changes.filter((c) => c.kind === 'node').map((c) => (c.kind === 'node' ? [c.change, c.id, c.class] : [])),
        [['created', 'r-1', 'Referral'], ['created', 'p-1', 'Patient']],
      );
      assert.deepEqual(rels(r1?.changes ?? []), ['created r-1-forPatient->p-1']);
      const [r2] = await store.applyBatch([changeSet('e-2', [upsert('Referral/r-1', { priority: 'urgent', reason: 'Chest pain' })])]);
      assert.deepEqual(r2?.changes, [{ kind: 'node', change: 'updated', id: 'r-1', class: 'Referral', properties: ['priority'] }]);
      const [r3] = await store.applyBatch([changeSet('e-3', [upsert('Referral/r-1', { priority: 'urgent' })])]);
      assert.deepEqual(r3?.changes, []);
      assert.equal((await store.getNode('r-1'))?.provenance.eventId, 'e-2');
    }));

    void it('replaces functional relationships (retracting the old target) and accumulates the others', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1'), changeSet('e-2', [link('referredBy', 'Referral/r-1', 'Practitioner/gp-1')])]);
      const [replace] = await store.applyBatch([changeSet('e-3', [link('referredBy', 'Referral/r-1', 'Practitioner/gp-2')])]);
      assert.deepEqual(rels(replace?.changes ?? []), ['retracted r-1-referredBy->gp-1', 'created r-1-referredBy->gp-2']);
      const retracted = replace?.changes.find((c) => c.kind === 'relationship' && c.change === 'retracted');
      assert.deepEqual(retracted?.kind === 'relationship' && retracted.to, { id: 'gp-1', class: 'Practitioner' });
      const by = await store.related({ ids: ['r-1'], type: 'referredBy', direction: 'out', first: 10 });
      assert.deepEqual(by.get('r-1')?.items.map((i) => i.node.id), ['gp-2']);

      await store.applyBatch([
        changeSet('e-4', [upsert('Specialist/s-1', { name: 'Dr Heart' }), link('hasSpecialty', 'Specialist/s-1', 'Specialty/CAR')]),
        changeSet('e-5', [link('hasSpecialty', 'Specialist/s-1', 'Specialty/NEU'), link('hasSpecialty', 'Specialist/s-1', 'Specialty/CAR')]),
      ]);
      const counts = await store.countRelated(['s-1'], 'hasSpecialty', 'out');
      assert.equal(counts.get('s-1'), 2);
      assert.deepEqual(rels((await store.findEvent('e-5'))?.changes ?? []), ['created s-1-hasSpecialty->NEU']);
    }));

    void it('accumulates non-functional datatype values without duplicates and retracts properties', withStore(makeStore, async (store) => {
      await store.applyBatch([
        changeSet('e-1', [upsert('Patient/p-1', { name: 'Ann', birthDate: '1970-01-02' }, { add: { allergy: ['penicillin', 'latex'] } })]),
        changeSet('e-2', [upsert('Patient/p-1', {}, { add: { allergy: ['latex', 'nuts'] } })]),
      ]);
      assert.deepEqual((await store.getNode('p-1'))?.properties['allergy'], ['penicillin', 'latex', 'nuts']);
      const [r] = await store.applyBatch([changeSet('e-3', [upsert('Patient/p-1', {}, { unset: ['allergy', 'birthDate'] })], { type: 'PatientUpdated' })]);
      assert.deepEqual(r?.changes, [{ kind: 'node', change: 'updated', id: 'p-1', class: 'Patient', retracted: ['allergy', 'birthDate'] }]);
      assert.deepEqual((await store.getNode('p-1'))?.properties, { name: 'Ann' });
    }));

    void it('retracts one relationship or every relationship of a type', withStore(makeStore, async (store) => {
      await store.applyBatch([changeSet('e-1', [
        upsert('Specialist/s-1', { name: 'S' }),
        link('hasSpecialty', 'Specialist/s-1', 'Specialty/CAR'),
        link('hasSpecialty', 'Specialist/s-1', 'Specialty/NEU'),
        link('hasSpecialty', 'Specialist/s-1', 'Specialty/DER'),
      ])]);
      const [one] = await store.applyBatch([changeSet('e-2', [unlink('hasSpecialty', 'Specialist/s-1', 'Specialty/NEU')])]);
      assert.deepEqual(rels(one?.changes ?? []), ['retracted s-1-hasSpecialty->NEU']);
      const [all] = await store.applyBatch([changeSet('e-3', [unlink('hasSpecialty', 'Specialist/s-1')])]);
      assert.deepEqual(rels(all?.changes ?? []).sort(), ['retracted s-1-hasSpecialty->CAR', 'retracted s-1-hasSpecialty->DER']);
      assert.equal((await store.countRelated(['s-1'], 'hasSpecialty', 'out')).get('s-1'), 0);
      assert.ok(await store.getNode('CAR'), 'retracting a relationship keeps its target node');
    }));

    void it('one batch reports the same changes and leaves the same graph as the same events applied one by one', withStore(makeStore, async (store) => {
      // Everything that can interact inside one batch: a node created then updated, a bare endpoint refined to a
      // subclass, a functional target replaced twice, a relationship retracted then re-added, list values added and
      // a property retracted, a no-op upsert, a float. Prefix `a-` goes in one batch, `b-` one event per batch.
      const events = (p: string): ChangeSet[] => [
        changeSet(`${p}e-1`, [upsert(`Referral/${p}r-1`, { reason: 'R', priority: 'routine', score: 1 }), upsert(`Patient/${p}p-1`, { name: 'Ann' }), link('forPatient', `Referral/${p}r-1`, `Patient/${p}p-1`), link('referredBy', `Referral/${p}r-1`, `Practitioner/${p}d-1`)]),
        changeSet(`${p}e-2`, [upsert(`Specialist/${p}d-1`, { name: 'Dr D', capacity: 3 }), link('hasSpecialty', `Specialist/${p}d-1`, `Specialty/${p}CAR`), link('hasSpecialty', `Specialist/${p}d-1`, `Specialty/${p}NEU`)]),
        changeSet(`${p}e-3`, [link('referredBy', `Referral/${p}r-1`, `Practitioner/${p}d-2`), upsert(`Patient/${p}p-1`, { name: 'Ann' }, { add: { allergy: ['latex', 'nuts'] } })]),
        changeSet(`${p}e-4`, [unlink('hasSpecialty', `Specialist/${p}d-1`, `Specialty/${p}CAR`), link('referredBy', `Referral/${p}r-1`, `Practitioner/${p}d-1`), upsert(`Referral/${p}r-1`, { priority: 'urgent', score: 2.5 })]),
        changeSet(`${p}e-5`, [link('hasSpecialty', `Specialist/${p}d-1`, `Specialty/${p}CAR`), upsert(`Patient/${p}p-1`, {}, { add: { allergy: ['nuts', 'dust'] }, unset: ['name'] }), upsert(`Referral/${p}r-1`, { priority: 'urgent' })]),
        changeSet(`${p}e-6`, [unlink('hasSpecialty', `Specialist/${p}d-1`), link('hasSpecialty', `Specialist/${p}d-1`, `Specialty/${p}DER`), link('referredBy', `Referral/${p}r-1`, `Practitioner/${p}d-1`)]),
      ];
      const batched = await store.applyBatch(events('A~'));
      const single: AppliedEvent[] = [];
      for (const cs of events('B~')) single.push(...(await store.applyBatch([cs])));
      const strip = (v: unknown, p: string): unknown => JSON.parse(JSON.stringify(v).replaceAll(p, ''));
      assert.deepEqual(strip(batched.map((r) => r.changes), 'A~'), strip(single.map((r) => r.changes), 'B~'));
      const graphOf = async (p: string) => {
        const ids = ['r-1', 'p-1', 'd-1', 'd-2', 'CAR', 'NEU', 'DER'].map((x) => `${p}${x}`);
        const nodes = [...(await store.getNodes(ids)).values()].map((n) => ({ id: n.id, class: n.class, labels: n.labels, properties: n.properties })).sort((x, y) => (x.id < y.id ? -1 : 1));
        const out: string[] = [];
        for (const type of ['forPatient', 'referredBy', 'hasSpecialty']) {
          for (const [from, page] of await store.related({ ids, type, direction: 'out', first: 50 })) for (const i of page.items) out.push(`${from}-${type}->${i.node.id}`);
        }
        return strip({ nodes, rels: out.sort() }, p);
      };
      assert.deepEqual(await graphOf('A~'), await graphOf('B~'));
      const r1 = await store.getNode('A~r-1');
      assert.equal(r1?.properties.score, 2.5);
      assert.deepEqual((await store.getNode('A~p-1'))?.properties, { allergy: ['latex', 'nuts', 'dust'] });
      assert.equal((await store.getNode('A~d-1'))?.class, 'Specialist');
    }));

    void it('deletes a node with its relationships in both directions, reporting each', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1'), referral('e-2', 'r-2', 'p-1')]);
      const [del] = await store.applyBatch([changeSet('e-3', [remove('Referral/r-1')], { type: 'ReferralCancelled' })]);
      assert.deepEqual(rels(del?.changes ?? []), ['retracted r-1-forPatient->p-1']);
      assert.deepEqual(del?.changes.at(-1), { kind: 'node', change: 'deleted', id: 'r-1', class: 'Referral' });
      assert.equal(await store.getNode('r-1'), undefined);
      const back = await store.related({ ids: ['p-1'], type: 'forPatient', direction: 'in', first: 10 });
      assert.deepEqual(back.get('p-1')?.items.map((i) => i.node.id), ['r-2']);
      const page = await store.listNodes({ class: 'Referral', first: 10 });
      assert.deepEqual(page.items.map((i) => i.node.id), ['r-2']);
      const [gone] = await store.applyBatch([changeSet('e-4', [remove('Referral/r-1')])]);
      assert.deepEqual(gone?.changes, [], 'deleting a missing node changes nothing');
    }));

    void it('keeps the most specific class and refuses an unrelated one', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1'), changeSet('e-2', [link('referredBy', 'Referral/r-1', 'Practitioner/d-1')])]);
      const bare = await store.getNode('d-1');
      assert.equal(bare?.class, 'Practitioner', 'a referenced id becomes a bare node of the range class');
      const [refined] = await store.applyBatch([changeSet('e-3', [upsert('Specialist/d-1', { name: 'Dr Who', capacity: 3 })])]);
      assert.equal(refined?.changes[0]?.kind === 'node' && refined.changes[0].class, 'Specialist');
      let node = await store.getNode('d-1');
      assert.equal(node?.class, 'Specialist');
      assert.deepEqual([...(node?.labels ?? [])].sort(), ['Practitioner', 'Specialist']);
      await store.applyBatch([changeSet('e-4', [upsert('Practitioner/d-1', { name: 'Dr Who Senior' })])]);
      node = await store.getNode('d-1');
      assert.equal(node?.class, 'Specialist', 'a more general class never downgrades');
      assert.equal(node?.properties['name'], 'Dr Who Senior');
      assert.deepEqual((await store.listNodes({ class: 'Practitioner', first: 10 })).items.map((i) => i.node.id), ['d-1']);
      await assert.rejects(store.applyBatch([changeSet('e-5', [upsert('GeneralPractitioner/d-1', { name: 'x' })])]), ProjectionConflictError);
      await assert.rejects(store.applyBatch([changeSet('e-6', [link('forPatient', 'Referral/r-2', 'Patient/d-1')])]), ProjectionConflictError);
      assert.equal(await store.getNode('r-2'), undefined);
    }));

    void it('records provenance on nodes and relationships and keeps the event in the ledger', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      await store.applyBatch([changeSet('e-2', [upsert('Referral/r-1', { priority: 'urgent' })], {
        source: 'agent://triage', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', correlationid: 'c-1', causationid: 'e-1', subject: 'Referral/r-1',
      })]);
      const node = await store.getNode('r-1');
      assert.equal(node?.provenance.eventId, 'e-2');
      assert.equal(node?.provenance.source, 'agent://triage');
      assert.equal(node?.provenance.seq, 2);
      assert.equal(node?.provenance.createdSeq, 1);
      const n = await store.neighbourhood('r-1', 1);
      const rel = n.relationships.find((r) => r.type === 'forPatient');
      assert.deepEqual(rel && { e: rel.provenance.eventId, s: rel.provenance.seq, src: rel.provenance.source }, { e: 'e-1', s: 1, src: 'agent://test' });
      const entry = (await store.findEvent('e-2')) as LedgerEntry;
      assert.equal(entry.kind, 'event');
      assert.equal(entry.type, 'ReferralRequested');
      assert.equal(entry.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      assert.equal(entry.correlationid, 'c-1');
      assert.equal(entry.causationid, 'e-1');
      assert.equal(entry.subject, 'Referral/r-1');
      assert.equal(entry.event?.['id'], 'e-2');
      assert.ok(!Number.isNaN(Date.parse(entry.committedAt)));
      assert.equal(await store.findEvent('nope'), undefined);
    }));

    void it('commits the checkpoint with the batch, also when every event is a duplicate', withStore(makeStore, async (store) => {
      assert.equal(await store.getCheckpoint('bus'), 0);
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')], { checkpoint: { name: 'bus', position: 10 } });
      assert.equal(await store.getCheckpoint('bus'), 10);
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')], { checkpoint: { name: 'bus', position: 11 } });
      assert.equal(await store.getCheckpoint('bus'), 11);
      assert.equal(await store.getCheckpoint('other'), 0);
    }));

    void it('tells commit listeners about new ledger entries, not about duplicates', withStore(makeStore, async (store) => {
      const seen: number[] = [];
      const off = store.onCommit((entries) => seen.push(...entries.map((e) => e.seq)));
      await store.applyBatch([referral('e-1', 'r-1', 'p-1'), referral('e-2', 'r-2', 'p-2')]);
      await store.applyBatch([referral('e-1', 'r-1', 'p-1')]);
      off();
      await store.applyBatch([referral('e-3', 'r-3', 'p-3')]);
      assert.deepEqual(seen, [1, 2]);
    }));

    void it('keeps history per node (including relationship changes) and pages the ledger', withStore(makeStore, async (store) => {
      await store.applyBatch([referral('e-1', 'r-1', 'p-1'), referral('e-2', 'r-2', 'p-1'), changeSet('e-3', [upsert('Referral/r-1', { priority: 'urgent' })])]);
      assert.deepEqual((await store.history('p-1')).map((e) => e.eventId), ['e-1', 'e-2']);
      assert.deepEqual((await store.history('r-1')).map((e) => e.eventId), ['e-1', 'e-3']);
      assert.deepEqual((await store.history('r-1', { afterSeq: 1 })).map((e) => e.eventId), ['e-3']);
      assert.deepEqual((await store.history('r-1', { first: 1 })).map((e) => e.eventId), ['e-1']);
      assert.deepEqual((await store.ledger(1, 1)).map((e) => e.seq), [2]);
      assert.deepEqual((await store.ledger(3, 10)).map((e) => e.seq), []);
    }));

    void it('stores and reads meta values', withStore(makeStore, async (store) => {
      assert.equal(await store.getMeta('ontologyVersion'), undefined);
      await store.setMeta('ontologyVersion', '1.0.0');
      await store.setMeta('ontologyVersion', '1.1.0');
      assert.equal(await store.getMeta('ontologyVersion'), '1.1.0');
    }));
  });
}
