import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTurtle } from '../../../src/core/ontology/turtle-parse.ts';
import { lineOf } from './helpers.ts';

const EX = 'https://example.org/clinic#';

void describe('parseTurtle: every triple knows its line', () => {
  const text = `@prefix ex: <${EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .

ex:a ex:p ex:b ;
   ex:q
      ex:c
   .
ex:Shape sh:property [
      sh:path ex:x ;
      sh:in ( "one"
              "two" ) ;
   ] ;
   ex:r """a
multi-line
literal""" ;
   ex:s ex:d .
`;
  const { triples, error, prefixes } = parseTurtle('f.ttl', text);
  const find = (p: string): { line: number; file: string } => {
    const t = triples.find((x) => x.predicate.value === p);
    assert.ok(t, `no triple with predicate ${p}`);
    return t;
  };

  void it('parses without error and keeps the prefixes', () => {
    assert.equal(error, undefined);
    assert.equal(prefixes.ex, EX);
  });
  void it('stamps a plain statement with the line of its object, even when punctuation follows on a later line', () => {
    assert.equal(find(`${EX}p`).line, lineOf(text, 'ex:a ex:p ex:b'));
    assert.equal(find(`${EX}q`).line, lineOf(text, 'ex:c'));
    assert.equal(find(`${EX}q`).file, 'f.ttl');
  });
  void it('stamps statements inside a blank node with their own lines, and the holder with the line of [', () => {
    assert.equal(find('http://www.w3.org/ns/shacl#path').line, lineOf(text, 'sh:path ex:x'));
    assert.equal(find('http://www.w3.org/ns/shacl#in').line, lineOf(text, 'sh:in ('));
    assert.equal(find('http://www.w3.org/ns/shacl#property').line, lineOf(text, 'sh:property ['));
  });
  void it('keeps counting lines after a multi-line literal', () => {
    assert.equal(find(`${EX}r`).line, lineOf(text, 'ex:r """a'));
    assert.equal(find(`${EX}s`).line, lineOf(text, 'ex:s ex:d'));
  });
  void it('turns a syntax error into a located error diagnostic instead of throwing', () => {
    const bad = `@prefix ex: <${EX}> .\n\nex:a ex:p ex:b ;\n   ex:q .\nex:c ex:d ex:e .\n`;
    const r = parseTurtle('bad.ttl', bad);
    assert.equal(r.triples.length, 0);
    assert.equal(r.error?.severity, 'error');
    assert.deepEqual(r.error?.location, { file: 'bad.ttl', line: lineOf(bad, 'ex:q .') });
    assert.match(r.error?.message ?? '', /Turtle syntax error/);
  });
  void it('locates an undefined prefix', () => {
    const r = parseTurtle('p.ttl', `@prefix ex: <${EX}> .\nex:a ex:p ex:b .\n\nfoo:x ex:p ex:b .\n`);
    assert.equal(r.error?.location?.line, 4);
    assert.match(r.error?.message ?? '', /foo:/);
  });
});
