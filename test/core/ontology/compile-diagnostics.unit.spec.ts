import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileOntology } from '../../../src/core/ontology/compile.ts';
import { PREFIXES, lineOf, only } from './helpers.ts';

const HEADER = `${PREFIXES}
<https://example.org/clinic> a owl:Ontology ; owl:versionInfo "2.1.0" .

ex:Patient a owl:Class ; rdfs:label "Patient" .
ex:Referral a owl:Class .
ex:name a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:domain ex:Patient ; rdfs:range xsd:string .
ex:forPatient a owl:ObjectProperty ; rdfs:domain ex:Referral ; rdfs:range ex:Patient .
`;

const compile = (body: string, file = 'clinic.ttl') => {
  const text = HEADER + body;
  return { text, ...compileOntology([{ file, text }]) };
};

void describe('compileOntology: errors are located and stop compilation', () => {
  void it('reports a Turtle syntax error at its line', () => {
    const { text, ontology, diagnostics } = compile(`ex:Lab a owl:Class ;\n   rdfs:label "Lab" \nex:Other a owl:Class .\n`);
    assert.equal(ontology, undefined);
    const d = only(diagnostics, /syntax error/);
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.location, { file: 'clinic.ttl', line: lineOf(text, 'ex:Other a owl:Class') });
  });

  void it('reports an undeclared range class at the rdfs:range line, naming the term', () => {
    const { text, ontology, diagnostics } = compile(`
ex:referredTo a owl:ObjectProperty ;
    rdfs:domain ex:Referral ;
    rdfs:range ex:Specialistt .
`);
    assert.equal(ontology, undefined);
    const d = only(diagnostics, /not a declared class/);
    assert.equal(d.severity, 'error');
    assert.equal(d.term, 'ex:Specialistt');
    assert.deepEqual(d.location, { file: 'clinic.ttl', line: lineOf(text, 'rdfs:range ex:Specialistt') });
  });

  void it('rejects a reserved local name and two IRIs sharing a local name', () => {
    const { text, diagnostics } = compile(`
ex:id a owl:DatatypeProperty ; rdfs:range xsd:string .
<https://other.example/ns#Patient> a owl:Class .
`);
    const reserved = only(diagnostics, /reserved/);
    assert.equal(reserved.location?.line, lineOf(text, 'ex:id a'));
    const collision = only(diagnostics, /used by two IRIs/);
    assert.equal(collision.severity, 'error');
    assert.equal(collision.location?.line, lineOf(text, '<https://other.example/ns#Patient> a'));
  });

  void it('rejects a term declared both as class and property', () => {
    const { diagnostics } = compile(`ex:Referral a owl:ObjectProperty .\n`);
    assert.match(only(diagnostics, /declared both/).message, /a class .* object property/);
  });

  void it('reports a shape path that is not a property, inside a nested property shape, at its line', () => {
    const { text, ontology, diagnostics } = compile(`
ex:PatientShape a sh:NodeShape ;
    sh:targetClass ex:Patient ;
    sh:property [
        sh:path ex:name ;
        sh:minCount 1
    ] , [
        sh:path ex:nmae ;
        sh:minCount 1
    ] .
`);
    assert.equal(ontology, undefined);
    const d = only(diagnostics, /not a declared property/);
    assert.equal(d.term, 'ex:nmae');
    assert.equal(d.location?.line, lineOf(text, 'sh:path ex:nmae'));
  });

  void it('reports contradictions inside the subset: minCount > maxCount, bad regex, datatype vs range, value facets on a relationship', () => {
    const { text, diagnostics } = compile(`
ex:ReferralShape a sh:NodeShape ;
    sh:targetClass ex:Referral ;
    sh:property [ sh:path ex:forPatient ; sh:minCount 2 ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:forPatient ; sh:pattern "^x" ] .
ex:PatientShape a sh:NodeShape ;
    sh:targetClass ex:Patient ;
    sh:property [ sh:path ex:name ; sh:pattern "([a-z" ] ;
    sh:property [ sh:path ex:name ; sh:datatype xsd:integer ] .
`);
    assert.equal(only(diagnostics, /greater than sh:maxCount/).location?.line, lineOf(text, 'sh:minCount 2'));
    assert.equal(only(diagnostics, /only sh:minCount\/sh:maxCount apply/).location?.line, lineOf(text, 'sh:pattern "^x"'));
    assert.equal(only(diagnostics, /not a valid regular expression/).location?.line, lineOf(text, 'sh:pattern "([a-z"'));
    assert.equal(only(diagnostics, /sh:datatype of name is integer/).location?.line, lineOf(text, 'sh:datatype xsd:integer'));
  });

  void it('reports a shape whose property does not apply to the target class', () => {
    const { text, diagnostics } = compile(`ex:RShape a sh:NodeShape ; sh:targetClass ex:Referral ;\n  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n`);
    const d = only(diagnostics, /does not apply to Referral/);
    assert.equal(d.location?.line, lineOf(text, 'sh:path ex:name ; sh:minCount 1 ]'));
  });

  void it('reports broken event type references at their lines', () => {
    const { text, diagnostics } = compile(`
ex:ReferralRequested a tg:EventType ;
    tg:creates ex:Referral ;
    tg:assertsProperty ex:forPatient , ex:priority ;
    tg:aggregate ex:Referral .
ex:Nothing a tg:EventType ; rdfs:label "does nothing" .
`);
    const d = only(diagnostics, /tg:assertsProperty ex:priority is not a declared property/);
    assert.equal(d.location?.line, lineOf(text, 'tg:assertsProperty ex:forPatient'));
    assert.equal(only(diagnostics, /could change nothing/).location?.line, lineOf(text, 'ex:Nothing a tg:EventType'));
  });
});

void describe('compileOntology: constructs outside the subset are located warnings and are dropped', () => {
  void it('warns about an owl:Restriction superclass at its line, keeps the class and its named superclass', () => {
    const { text, ontology, diagnostics } = compile(`
ex:Specialist a owl:Class ;
    rdfs:subClassOf ex:Practitioner ,
        [ a owl:Restriction ;
          owl:onProperty ex:name ;
          owl:minCardinality 1 ] .
ex:Practitioner a owl:Class .
`);
    assert.ok(ontology, diagnostics.map((d) => d.message).join('\n'));
    const d = only(diagnostics, /owl:Restriction/);
    assert.equal(d.severity, 'warning');
    assert.equal(d.term, 'ex:Specialist');
    assert.deepEqual(d.location, { file: 'clinic.ttl', line: lineOf(text, '[ a owl:Restriction') });
    assert.deepEqual(ontology.classes.get('Specialist')?.superClasses, ['Practitioner']);
    assert.deepEqual(ontology.diagnostics, diagnostics, 'warnings travel with the compiled ontology');
  });

  void it('warns about subPropertyOf, equivalentClass, disjointWith and unknown xsd ranges, each at its line', () => {
    const { text, ontology, diagnostics } = compile(`
ex:Person a owl:Class .
ex:Patient owl:equivalentClass ex:Person .
ex:Patient owl:disjointWith ex:Referral .
ex:fullName a owl:DatatypeProperty ; rdfs:subPropertyOf ex:name ; rdfs:range xsd:string .
ex:birthYear a owl:DatatypeProperty ; rdfs:domain ex:Patient ; rdfs:range xsd:gYear .
`);
    assert.ok(ontology);
    assert.equal(only(diagnostics, /owl:equivalentClass/).location?.line, lineOf(text, 'owl:equivalentClass'));
    assert.equal(only(diagnostics, /owl:disjointWith/).location?.line, lineOf(text, 'owl:disjointWith'));
    assert.equal(only(diagnostics, /rdfs:subPropertyOf/).term, 'ex:fullName');
    const gYear = only(diagnostics, /xsd:gYear/);
    assert.equal(gYear.location?.line, lineOf(text, 'xsd:gYear'));
    assert.equal(ontology.properties.get('birthYear')?.kind === 'datatype' && ontology.properties.get('birthYear')?.range, 'string');
  });

  void it('reads properties without rdfs:range: datatype → string (warned), object → any class', () => {
    const { text, ontology, diagnostics } = compile(`
ex:note a owl:DatatypeProperty ; rdfs:domain ex:Referral .
ex:relatedTo a owl:ObjectProperty ; rdfs:domain ex:Referral .
`);
    assert.ok(ontology);
    const note = ontology.properties.get('note');
    assert.equal(note?.kind === 'datatype' && note.range, 'string');
    assert.equal(only(diagnostics, /ex:note has no rdfs:range/).location?.line, lineOf(text, 'ex:note a owl:DatatypeProperty'));
    const rel = ontology.properties.get('relatedTo');
    assert.equal(rel?.kind === 'object' && rel.range, undefined);
  });

  void it('treats a class of an external vocabulary as declared, with a warning', () => {
    const { text, ontology, diagnostics } = compile(`
ex:Practitioner a owl:Class ; rdfs:subClassOf <http://www.w3.org/ns/prov#Agent> .
`);
    assert.ok(ontology);
    const d = only(diagnostics, /external vocabulary/);
    assert.equal(d.term, '<http://www.w3.org/ns/prov#Agent>');
    assert.equal(d.location?.line, lineOf(text, 'prov#Agent'));
    assert.deepEqual(ontology.classes.get('Practitioner')?.ancestors, ['Agent']);
    assert.equal(ontology.classes.get('Agent')?.iri, 'http://www.w3.org/ns/prov#Agent');
  });

  void it('warns about individuals and undeclared subjects', () => {
    const { text, diagnostics } = compile(`ex:alice a ex:Patient ; ex:name "Alice" .\nex:ghost rdfs:label "never declared" .\n`);
    assert.equal(only(diagnostics, /individual/).location?.line, lineOf(text, 'ex:alice a ex:Patient'));
    assert.equal(only(diagnostics, /do not declare/).term, 'ex:ghost');
  });

  void it('supports owl:unionOf domains, inverses, functional flags, deprecation and SHACL values', () => {
    const { ontology, diagnostics } = compile(`
ex:Practitioner a owl:Class .
ex:code a owl:DatatypeProperty ; rdfs:domain [ owl:unionOf ( ex:Patient ex:Practitioner ) ] ; rdfs:range xsd:string ;
    owl:deprecated true .
ex:referredBy a owl:ObjectProperty , owl:FunctionalProperty ; rdfs:domain ex:Referral ; rdfs:range ex:Practitioner ;
    owl:inverseOf ex:referralsMade .
ex:score a owl:DatatypeProperty ; rdfs:domain ex:Referral ; rdfs:range xsd:decimal .
ex:RShape a sh:NodeShape ; sh:targetClass ex:Referral ;
    sh:property [ sh:path ex:score ; sh:in ( 1 2.5 3 ) ; sh:minInclusive 0 ; sh:maxInclusive 10 ] .
`);
    assert.deepEqual(diagnostics, []);
    assert.ok(ontology);
    const code = ontology.properties.get('code');
    assert.deepEqual(code?.domain, ['Patient', 'Practitioner']);
    assert.equal(code?.deprecated, 'deprecated');
    const by = ontology.properties.get('referredBy');
    assert.equal(by?.kind === 'object' && by.inverseName, 'referralsMade');
    assert.equal(by?.functional, true);
    assert.equal(ontology.properties.get('forPatient')?.kind === 'object' && ontology.properties.get('forPatient')?.functional, false);
    assert.deepEqual(ontology.shapes.get('RShape')?.properties.score?.in, [1, 2.5, 3]);
    assert.equal(ontology.shapes.get('RShape')?.properties.score?.maxInclusive, 10);
    assert.equal(ontology.version, '2.1.0');
  });
});

void describe('compileOntology: several files and owl:imports', () => {
  const vocab = `${PREFIXES}<https://example.org/vocab> a owl:Ontology .\nex:Person a owl:Class .\n`;
  const main = `${PREFIXES}
<https://example.org/main> a owl:Ontology ;
    owl:versionInfo "1.0.0" ;
    owl:imports <https://example.org/vocab> , <https://example.org/missing> .
ex:Doctor a owl:Class ; rdfs:subClassOf ex:Person .
`;
  const events = `${PREFIXES}ex:DoctorJoined a tg:EventType ; tg:creates ex:Doctor ; tg:aggregate ex:Doctor .\n`;

  void it('compiles terms across files: references resolve in any file order; the root is the ontology nobody imports', () => {
    const r = compileOntology([
      { file: 'events.ttl', text: events },
      { file: 'main.ttl', text: main },
      { file: 'vocab.ttl', text: vocab },
    ]);
    assert.ok(r.ontology, r.diagnostics.map((d) => d.message).join('\n'));
    assert.equal(r.ontology.iri, 'https://example.org/main');
    assert.deepEqual(r.ontology.classes.get('Doctor')?.ancestors, ['Person']);
    assert.deepEqual(r.ontology.eventTypes.get('DoctorJoined')?.creates, ['Doctor']);
    assert.deepEqual(r.ontology.files, ['events.ttl', 'main.ttl', 'vocab.ttl']);
    const missing = only(r.diagnostics, /owl:imports/);
    assert.equal(missing.severity, 'warning');
    assert.deepEqual(missing.location, { file: 'main.ttl', line: lineOf(main, 'owl:imports') });
  });

  void it('without the imported file, its classes are broken references (errors in the importing file)', () => {
    const r = compileOntology([{ file: 'main.ttl', text: main.replace('ex:Person', 'ex:Persn') }]);
    assert.equal(r.ontology, undefined);
    const d = only(r.diagnostics, /superclass ex:Persn is not a declared class/);
    assert.deepEqual(d.location, { file: 'main.ttl', line: lineOf(main, 'rdfs:subClassOf ex:Person') });
  });

  void it('sorts diagnostics by file order and line', () => {
    const r = compileOntology([
      { file: 'a.ttl', text: `${PREFIXES}ex:X a owl:Class ; owl:disjointWith ex:Y .\nex:Y a owl:Class .\nex:Y owl:disjointWith ex:X .\n` },
      { file: 'b.ttl', text: `${PREFIXES}ex:Z a owl:Class ; owl:equivalentClass ex:X .\n` },
    ]);
    const places = r.diagnostics.filter((d) => d.location?.file !== 'a.ttl' || d.location.line > 1).map((d) => `${d.location?.file}:${d.location?.line}`);
    assert.deepEqual(places, [...places].sort((x, y) => x.localeCompare(y, 'en', { numeric: true })));
  });
});
