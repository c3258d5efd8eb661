/** The search query language: parsing, the two engines' syntaxes, refusals, and which properties are searchable. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { parseSearch, searchCursor, searchOffset, toFts5, toLucene } from '../../src/core/search/query.ts';

void test('words, prefixes and phrases, lowercased, in both engines\' syntax', () => {
  const terms = parseSearch('Card* "Chest  pain" MRN-000001 "solo"');
  assert.deepEqual(terms, [
    { kind: 'word', word: 'card', prefix: true },
    { kind: 'phrase', words: ['chest', 'pain'] },
    { kind: 'word', word: 'mrn', prefix: false },
    { kind: 'word', word: '000001', prefix: false },
    { kind: 'word', word: 'solo', prefix: false },
  ]);
  assert.equal(toFts5(terms), '"card"* AND "chest pain" AND "mrn" AND "000001" AND "solo"');
  assert.equal(toLucene(terms), '+card* +"chest pain" +mrn +000001 +solo');
});

void test('engine syntax in the text is only words: no operator or quote gets through', () => {
  const terms = parseSearch('a OR b NOT) c:d ^2 -e');
  assert.equal(toLucene(terms), '+a +or +b +not +c +d +2 +e');
  assert.equal(toFts5(parseSearch('x NEAR(y)')), '"x" AND "near" AND "y"');
});

void test('a query it cannot run is refused naming text or after', () => {
  assert.throws(() => parseSearch('  *** '), /^BadInputError|text has no word/);
  assert.throws(() => parseSearch('"open'), /text has an unclosed "/);
  assert.throws(() => parseSearch(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ')), /at most 16/);
  assert.throws(() => searchOffset('nope'), /after/);
  assert.equal(searchOffset(searchCursor(7)), 7);
  assert.equal(searchOffset(undefined), 0);
});

void test('string properties are searchable by default, other ranges are not', () => {
  const o = loadOntologySync('ontology/referral');
  const searchable = (name: string): boolean | undefined => {
    const p = o.properties.get(name);
    return p?.kind === 'datatype' ? p.searchable : undefined;
  };
  assert.equal(searchable('name'), true);
  assert.equal(searchable('reason'), true);
  assert.equal(searchable('birthDate'), false);
  assert.equal(searchable('maxActiveReferrals'), false);
});
