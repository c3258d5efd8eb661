/**
 * Compile cost grows with the ontology, not with its square: a deep subclass chain and a wide flat ontology both
 * compile, and the closures they answer are exact. (Both ran out of time or memory when every class's ancestor
 * set was materialised up front.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileOntology } from '../../../src/core/ontology/compile.ts';
import { PREFIXES } from './helpers.ts';

function generated(classes: number, shape: 'chain' | 'flat'): string {
  const lines = [`${PREFIXES}\n<https://example.org/clinic> a owl:Ontology ; owl:versionInfo "1.0.0" .`];
  for (let i = 0; i < classes; i++) {
    const sup = shape === 'chain' ? (i > 0 ? ` ; rdfs:subClassOf ex:C${i - 1}` : '') : i >= 10 ? ` ; rdfs:subClassOf ex:C${i % 10}` : '';
    lines.push(`ex:C${i} a owl:Class${sup} .`);
    if (shape === 'flat') lines.push(`ex:p${i} a owl:DatatypeProperty ; rdfs:domain ex:C${i} ; rdfs:range xsd:string .`);
  }
  return lines.join('\n');
}

void describe('compiling large ontologies', () => {
  void it('a 20,000-deep rdfs:subClassOf chain compiles, with exact ancestors and descendants', { timeout: 120_000 }, () => {
    const { ontology, diagnostics } = compileOntology([{ file: 'chain.ttl', text: generated(20_000, 'chain') }]);
    assert.ok(ontology, JSON.stringify(diagnostics.slice(0, 3)));
    const deepest = ontology.classes.get('C19999');
    assert.equal(deepest?.ancestors.length, 19_999);
    assert.deepEqual(deepest?.ancestors.slice(0, 3), ['C19998', 'C19997', 'C19996'], 'nearest first');
    assert.equal(ontology.classes.get('C19990')?.descendants.length, 9);
    assert.deepEqual(ontology.classes.get('C19997')?.descendants, ['C19998', 'C19999']);
    assert.ok(Object.isFrozen(deepest?.ancestors), 'a closure read late is as frozen as the rest');
  });

  void it('a flat ontology of 20,000 classes and properties compiles, each class with exactly its own and its parent\'s properties', { timeout: 120_000 }, () => {
    const { ontology, diagnostics } = compileOntology([{ file: 'flat.ttl', text: generated(20_000, 'flat') }]);
    assert.ok(ontology, JSON.stringify(diagnostics.slice(0, 3)));
    assert.deepEqual(ontology.classes.get('C12345')?.datatypeProperties, ['p5', 'p12345']);
    assert.equal(ontology.classes.get('C7')?.descendants.length, 1_999);
    assert.deepEqual(ontology.classes.get('C7')?.datatypeProperties, ['p7']);
  });

  void it('still reports every class on an rdfs:subClassOf cycle, and only those', () => {
    const text = `${PREFIXES}\n<https://example.org/clinic> a owl:Ontology ; owl:versionInfo "1.0.0" .
ex:A a owl:Class ; rdfs:subClassOf ex:B .
ex:B a owl:Class ; rdfs:subClassOf ex:C .
ex:C a owl:Class ; rdfs:subClassOf ex:A .
ex:D a owl:Class ; rdfs:subClassOf ex:A .`;
    const { ontology, diagnostics } = compileOntology([{ file: 'cycle.ttl', text }]);
    assert.equal(ontology, undefined);
    const named = diagnostics.filter((d) => /subClassOf cycle/.test(d.message)).map((d) => d.term).sort();
    assert.deepEqual(named, ['A', 'B', 'C']);
  });
});
