/**
 * A real public ontology — the W3C Organization Ontology (test/fixtures/ontologies/w3c-org.ttl) — uses much more
 * OWL than trailgraph supports. It must compile into its supported subset, and every dropped construct must be a
 * warning that says where (file:line) and which term.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileOntology } from '../../../src/core/ontology/compile.ts';
import { lineOf } from './helpers.ts';

const file = 'test/fixtures/ontologies/w3c-org.ttl';
const text = readFileSync(file, 'utf8');
const { ontology, diagnostics } = compileOntology([{ file, text }]);

const warningAt = (needle: string, pattern: RegExp, after?: string) => {
  const line = lineOf(text, needle, after ? lineOf(text, after) : 0);
  const found = diagnostics.find((d) => d.location?.line === line && pattern.test(d.message));
  assert.ok(found, `no warning matching ${pattern} at ${file}:${line} (${needle})`);
  return found;
};

void describe('the W3C Organization Ontology', () => {
  void it('compiles without errors into a non-empty subset', () => {
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(ontology);
    assert.equal(ontology.iri, 'http://www.w3.org/ns/org#');
    assert.equal(ontology.version, '0.7');
    assert.equal(ontology.label, 'Core organization ontology');
    for (const c of ['Organization', 'FormalOrganization', 'OrganizationalUnit', 'Membership', 'Role', 'Site', 'Post']) assert.ok(ontology.classes.has(c), c);
    assert.deepEqual(ontology.classes.get('FormalOrganization')?.ancestors, ['Organization', 'Agent']);
    const memberOf = ontology.properties.get('memberOf');
    assert.ok(memberOf?.kind === 'object');
    assert.equal(memberOf.range, 'Organization');
    assert.equal(memberOf.inverseName, 'hasMember');
    assert.deepEqual(ontology.properties.get('role')?.domain, ['Membership', 'Post'], 'owl:unionOf domain');
    assert.ok(ontology.classes.get('Organization')?.comment?.startsWith('Represents a collection of people'), 'English comment preferred');
  });

  void it('warns, with file, line and term, about every construct it drops', () => {
    const warnings = diagnostics.filter((d) => d.severity === 'warning');
    assert.ok(warnings.length >= 20);
    for (const w of warnings) {
      assert.equal(w.location?.file, file);
      assert.ok((w.location?.line ?? 0) > 0, w.message);
      assert.ok(w.term, `warning without a term: ${w.message}`);
    }
    assert.equal(warningAt('org:Organization owl:disjointWith org:Role', /owl:disjointWith/).term, 'org:Organization');
    assert.equal(warningAt('owl:equivalentClass foaf:Organization', /owl:equivalentClass/).term, 'org:Organization');
    assert.equal(warningAt('owl:hasKey (org:identifier)', /owl:hasKey/).term, 'org:Organization');
    assert.equal(warningAt('rdfs:subPropertyOf  org:transitiveSubOrganizationOf', /rdfs:subPropertyOf/).term, 'org:subOrganizationOf');
    assert.equal(warningAt('owl:TransitiveProperty', /owl:TransitiveProperty/).term, 'org:transitiveSubOrganizationOf');
    assert.equal(warningAt('rdfs:subClasOf org:Organization', /rdfs:subClasOf/).term, 'org:Post', 'a typo in the real file is caught');
    assert.equal(warningAt('owl:propertyChainAxiom', /prov:wasDerivedFrom/).term, 'prov:wasDerivedFrom');
    assert.equal(warningAt('org:Head a org:Role', /individual/).term, 'org:Head');
    assert.equal(warningAt('org:purpose a rdf:Property', /rdf:Property/).term, 'org:purpose');
    assert.equal(warningAt('rdfs:subClassOf  foaf:Agent', /external vocabulary/).term, 'foaf:Agent');
  });

  void it('drops an external class whose local name collides with a declared one', () => {
    const w = warningAt('rdfs:subClassOf  org:Organization, foaf:Organization', /foaf:Organization dropped/);
    assert.equal(w.term, 'foaf:Organization');
    assert.equal(ontology?.classes.get('Organization')?.iri, 'http://www.w3.org/ns/org#Organization');
  });

  void it('drops an object property with a datatype range (a defect of the real file) with a warning', () => {
    warningAt('rdfs:range  xsd:string', /org:location .*dropped/);
    assert.equal(ontology?.properties.has('location'), false);
  });

  void it('the intersection class is kept, without its equivalentClass definition', () => {
    // A blank-node object is located at its opening bracket.
    warningAt('[ a  owl:Class ;', /OrganizationalCollaboration owl:equivalentClass/, 'org:OrganizationalCollaboration a');
    assert.deepEqual(ontology?.classes.get('OrganizationalCollaboration')?.superClasses, ['Organization']);
  });
});
