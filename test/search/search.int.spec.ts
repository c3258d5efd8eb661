/**
 * Full-text search on both stores, through the real ingest path and the real API: a seeded corpus of patients,
 * practitioners and referrals; ranked hits (the shorter name first for the same word, on BM25 and on Lucene),
 * prefix and phrase queries, class filters, paging, the index following updates in the writing transaction, the
 * index rebuilt when the ontology's searchable set changes, GraphQL errors that name the argument, and the client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import type { CompiledOntology, DatatypePropertyDef } from '../../src/core/ontology/model.ts';
import { createClient } from '../../src/client/index.ts';
import { createHarness, event, type Harness } from '../api/harness.ts';
import { storesUnderTest } from '../support/stores.ts';

const ontology = loadOntologySync('ontology/referral');

const patient = (id: string, name: string, mrn: string): Record<string, unknown> =>
  event('PatientRegistered', { '@type': 'Patient', id, name, birthDate: '1980-01-01', sex: 'female', mrn }, { subject: `Patient/${id}` });

/** The corpus: same shape per patient (one name, one MRN, one sex), so only the names rank them. */
function corpus(): Record<string, unknown>[] {
  return [
    patient('p-ivy', 'Ivy Moss', 'MRN-000001'),
    patient('p-anna', 'Anna Belle Kestrel Moss Wren', 'MRN-000002'),
    patient('p-kes', 'Kestrel Orrin', 'MRN-000003'),
    patient('p-jose', 'José Nettle', 'MRN-000004'),
    event('PractitionerRegistered', { '@type': 'GeneralPractitioner', id: 'gp-moss', name: 'Dr Ada Moss', npi: '2000000001' }, { subject: 'Practitioner/gp-moss' }),
    event('ReferralRequested', {
      '@type': 'Referral', id: 'r-chest', reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested', requestedAt: '2026-11-21T09:00:00Z',
      forPatient: 'p-ivy', referredBy: 'gp-moss', requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
    }, { subject: 'Referral/r-chest' }),
    event('ReferralRequested', {
      '@type': 'Referral', id: 'r-other', reason: 'Sharp pain in the chest at night', triageLevel: 'soon', status: 'requested', requestedAt: '2026-11-21T09:00:00Z',
      forPatient: 'p-kes', referredBy: 'gp-moss', requestedSpecialty: 'sp-card',
    }, { subject: 'Referral/r-other' }),
  ];
}

const ids = (page: { items: readonly { node: { id: string } }[] }): string[] => page.items.map((i) => i.node.id);

/** The ontology with some properties' searchable flag changed (what a new ontology version would do). */
function withSearchable(o: CompiledOntology, changes: Record<string, boolean>): CompiledOntology {
  const properties = new Map(o.properties);
  for (const [name, searchable] of Object.entries(changes)) properties.set(name, { ...(o.properties.get(name) as DatatypePropertyDef), searchable });
  return { ...o, properties };
}

for (const s of await storesUnderTest()) {
  void describe(`full-text search (${s.kind})`, { skip: s.skip }, () => {
    let h: Harness;
    before(async () => {
      const fresh = await s.fresh();
      h = await createHarness(ontology, { openStore: (o) => fresh.open(o) });
      await h.publish(...corpus());
    });
    after(async () => h?.close());

    void it('ranks by relevance: the same word in a shorter name first; classes filter', async () => {
      assert.deepEqual(ids(await h.store.search({ text: 'moss', classes: ['Patient'], first: 10 })), ['p-ivy', 'p-anna']);
      assert.deepEqual(ids(await h.store.search({ text: 'Moss', classes: ['Practitioner'], first: 10 })), ['gp-moss']);
      const all = await h.store.search({ text: 'moss', first: 10 });
      assert.deepEqual(ids(all).sort(), ['gp-moss', 'p-anna', 'p-ivy']);
      const scores = all.items.map((i) => i.score);
      assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'best first');
      assert.ok(scores.every((x) => x > 0));
    });

    void it('every word must match; word* is a prefix; "…" is a phrase', async () => {
      assert.deepEqual(ids(await h.store.search({ text: 'moss ivy', first: 10 })), ['p-ivy']);
      assert.deepEqual(ids(await h.store.search({ text: 'kestrel', first: 10 })).sort(), ['p-anna', 'p-kes']);
      assert.deepEqual(ids(await h.store.search({ text: 'kest', first: 10 })), []);
      assert.deepEqual(ids(await h.store.search({ text: 'KEST*', first: 10 })).sort(), ['p-anna', 'p-kes']);
      assert.deepEqual(ids(await h.store.search({ text: 'chest pain', first: 10 })).sort(), ['r-chest', 'r-other']);
      assert.deepEqual(ids(await h.store.search({ text: '"chest pain"', first: 10 })), ['r-chest']);
      assert.deepEqual(ids(await h.store.search({ text: '"pain in the chest"', first: 10 })), ['r-other']);
      assert.deepEqual(ids(await h.store.search({ text: 'josé', first: 10 })), ['p-jose']);
      assert.deepEqual(ids(await h.store.search({ text: 'cardio*', classes: ['Specialty'], first: 10 })), ['sp-card']);
    });

    void it('pages by cursor without repeats', async () => {
      const one = await h.store.search({ text: 'moss', first: 1 });
      assert.equal(one.items.length, 1);
      assert.equal(one.hasNextPage, true);
      const rest = await h.store.search({ text: 'moss', first: 5, after: one.endCursor });
      assert.equal(rest.hasNextPage, false);
      assert.deepEqual([...ids(one), ...ids(rest)], ids(await h.store.search({ text: 'moss', first: 10 })));
      await assert.rejects(h.store.search({ text: 'moss', first: 1, after: 'bogus' }), /after/);
    });

    void it('follows writes at once: an update is searchable as soon as it commits', async () => {
      await h.publish(event('PatientUpdated', { '@type': 'Patient', id: 'p-kes', name: 'Kestrel Quarry' }, { subject: 'Patient/p-kes' }));
      assert.deepEqual(ids(await h.store.search({ text: 'quarry', first: 10 })), ['p-kes']);
      assert.deepEqual(ids(await h.store.search({ text: 'orrin', first: 10 })), []);
    });

    void it('GraphQL search answers hits with scores and names a bad argument', async () => {
      const res = await h.gql<{ search: { edges: { score: number; node: { id: string; __typename: string; name?: string } }[]; pageInfo: { hasNextPage: boolean } } }>(
        '{ search(text: "moss", classes: ["Patient"]) { edges { score node { id __typename ... on Patient { name } } } pageInfo { hasNextPage } } }',
      );
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.deepEqual(res.data?.search.edges.map((e) => [e.node.id, e.node.__typename, e.node.name]), [['p-ivy', 'Patient', 'Ivy Moss'], ['p-anna', 'Patient', 'Anna Belle Kestrel Moss Wren']]);
      const bad = await h.gql('{ search(text: "\\"unclosed") { nodes { id } } }');
      assert.match(bad.errors?.[0]?.message ?? '', /^text .*unclosed/);
      const badClass = await h.gql('{ search(text: "moss", classes: ["Nope"]) { nodes { id } } }');
      assert.match(badClass.errors?.[0]?.message ?? '', /^classes .*Nope/);
    });

    void it('the client searches with extra fields and paging', async () => {
      const client = createClient({ url: 'http://yoga', agent: 'agent://test', fetch: ((u: string, init?: RequestInit) => Promise.resolve(h.api.fetch(u, init ?? {}))) as typeof fetch });
      const first = await client.search('moss', { classes: ['Patient'], first: 1, fields: '... on Patient { name }' });
      assert.deepEqual(first.hits.map((x) => [x.node.id, x.node.name]), [['p-ivy', 'Ivy Moss']]);
      assert.equal(first.hasNextPage, true);
      const next = await client.search('moss', { classes: ['Patient'], after: first.endCursor ?? undefined });
      assert.deepEqual(next.hits.map((x) => x.node.id), ['p-anna']);
    });

    void it('init with another searchable set rebuilds the index (a new ontology version)', async () => {
      await h.store.init(withSearchable(ontology, { name: false }));
      assert.deepEqual(ids(await h.store.search({ text: 'moss', first: 10 })), []);
      assert.deepEqual(ids(await h.store.search({ text: '"chest pain"', first: 10 })), ['r-chest']);
      await h.store.init(ontology);
      assert.deepEqual(ids(await h.store.search({ text: 'moss', classes: ['Patient'], first: 10 })), ['p-ivy', 'p-anna']);
    });
  });
}
