/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped JSON responses */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { type Harness, createHarness, event } from './harness.ts';

// A second, unrelated domain in Turtle: the API must come out of it with no code change.
void describe('a lending-library ontology yields a working API', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(await loadOntology('test/fixtures/ontologies/library'));
    await h.publish(
      event('MemberJoined', { '@type': 'Member', id: 'm-1', fullName: 'Lin Park', joined: '2024-01-05' }, { subject: 'Member/m-1' }),
      event('ItemCatalogued', { '@type': 'Book', id: 'b-1', title: 'Dune', pages: 412, subject: ['sf', 'classic'] }, { subject: 'Item/b-1' }),
      event('ItemCatalogued', { '@type': 'Film', id: 'f-1', title: 'Alien' }, { subject: 'Item/f-1' }),
      event('ItemLent', { '@type': 'Loan', id: 'l-1', borrower: 'm-1', lentItem: 'b-1', due: '2026-12-01T12:00:00Z' }, { subject: 'Loan/l-1' }),
      event('ItemLent', { '@type': 'Loan', id: 'l-2', borrower: 'm-1', lentItem: 'f-1', due: '2026-11-25T12:00:00Z' }, { subject: 'Loan/l-2' }),
      event('ItemReturned', { '@type': 'Loan', id: 'l-2', returned: true }, { subject: 'Loan/l-2' }),
    );
  });
  after(() => h.close());

  void test('members with their loans (the owl:inverseOf name), items through the superclass interface', async () => {
    const res = await h.gql<{ member: any }>(`{
      member(id: "m-1") {
        fullName joined loansCount
        loans(orderBy: { field: due }) { nodes { id returned lentItem { __typename title ... on Book { pages subject } } } }
      }
    }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.data!.member.fullName, 'Lin Park');
    assert.equal(res.data!.member.loansCount, 2);
    assert.deepEqual(res.data!.member.loans.nodes, [
      { id: 'l-2', returned: true, lentItem: { __typename: 'Film', title: 'Alien' } },
      { id: 'l-1', returned: null, lentItem: { __typename: 'Book', title: 'Dune', pages: 412, subject: ['sf', 'classic'] } },
    ]);
  });

  void test('lists with typed filters: integers, booleans, date-times; a subclass list', async () => {
    const res = await h.gql<{ items: any; books: any; loans: any }>(`{
      items(orderBy: { field: title }) { totalCount nodes { title } }
      books(where: { pages: { gt: 400 } }) { nodes { id } }
      loans(where: { due: { lt: "2026-11-30T00:00:00Z" }, returned: { eq: true } }) { nodes { id } }
    }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data!.items.nodes, [{ title: 'Alien' }, { title: 'Dune' }]);
    assert.deepEqual(res.data!.books.nodes, [{ id: 'b-1' }]);
    assert.deepEqual(res.data!.loans.nodes, [{ id: 'l-2' }]);
  });

  void test('descriptions come from rdfs:label / rdfs:comment', async () => {
    const res = await h.gql<{ __type: { description: string; fields: { name: string; description: string | null }[] } }>(
      `{ __type(name: "Item") { description fields { name description } } }`,
    );
    assert.match(res.data!.__type.description, /Anything the library lends/);
    assert.match(res.data!.__type.fields.find((f) => f.name === 'title')!.description ?? '', /title on the cover/);
  });
});
