/** The loader on real folders: version selection, local owl:imports, located problems, thrown errors. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadOntology, loadOntologyResult, resolveOntologyDir } from '../../../src/app/ontology/ontology-loader.ts';
import { ConfigError, OntologyError } from '../../../src/core/errors.ts';
import { PREFIXES, lineOf } from './helpers.ts';

let root: string;
const broken = `${PREFIXES}ex:Thing2 a owl:Class ;\n    rdfs:subClassOf ex:Missing .\n`;
const v2Main = `${PREFIXES}
<https://example.org/clinic> a owl:Ontology ;
    owl:versionInfo "2.0.0" ;
    owl:imports <https://example.org/common> ,
        <https://example.org/nowhere> .
ex:Nurse a owl:Class ; rdfs:subClassOf ex:Person .
`;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'tg-ontology-'));
  const ont = join(root, 'ontology');
  mkdirSync(join(ont, 'shared'), { recursive: true });
  mkdirSync(join(ont, 'clinic', 'v1'), { recursive: true });
  mkdirSync(join(ont, 'clinic', 'v2'), { recursive: true });
  mkdirSync(join(ont, 'broken', 'v1'), { recursive: true });
  copyFileSync('ontology/trailgraph.ttl', join(ont, 'trailgraph.ttl'));
  writeFileSync(join(ont, 'shared', 'common.ttl'), `${PREFIXES}<https://example.org/common/> a owl:Ontology .\nex:Person a owl:Class ; rdfs:label "Person" .\n`);
  writeFileSync(join(ont, 'clinic', 'v1', 'main.ttl'), `${PREFIXES}
<https://example.org/clinic> a owl:Ontology ;
    owl:versionInfo "1.0.0" ;
    owl:imports <https://example.org/common> , <https://trailgraph.dev/ns/tg> .
ex:Doctor a owl:Class ; rdfs:subClassOf ex:Person .
`);
  writeFileSync(join(ont, 'clinic', 'v1', 'events.ttl'), `${PREFIXES}ex:DoctorJoined a tg:EventType ; tg:creates ex:Doctor ; tg:aggregate ex:Doctor .\n`);
  writeFileSync(join(ont, 'clinic', 'v2', 'main.ttl'), v2Main);
  writeFileSync(join(ont, 'broken', 'v1', 'main.ttl'), broken);
});
after(() => rmSync(root, { recursive: true, force: true }));

void describe('loadOntology', () => {
  void it('picks the highest vN of a domain folder', async () => {
    const loc = resolveOntologyDir(join(root, 'ontology', 'clinic'));
    assert.equal(loc.version, 2);
    assert.equal(loc.root, join(root, 'ontology'));
    const o = await loadOntology(join(root, 'ontology', 'clinic'));
    assert.equal(o.version, '2.0.0');
    assert.deepEqual(o.classes.get('Nurse')?.ancestors, ['Person']);
  });

  void it('loads every file of a version folder plus its imports resolved to local files (common, trailgraph.ttl)', async () => {
    const o = await loadOntology(join(root, 'ontology', 'clinic', 'v1'));
    assert.equal(o.version, '1.0.0');
    assert.deepEqual(o.files.map((f) => f.slice(root.length + 1)).sort(), [
      'ontology/clinic/v1/events.ttl',
      'ontology/clinic/v1/main.ttl',
      'ontology/shared/common.ttl',
      'ontology/trailgraph.ttl',
    ]);
    assert.equal(o.classes.get('Person')?.label, 'Person');
    assert.deepEqual(o.eventTypes.get('DoctorJoined')?.creates, ['Doctor']);
    assert.deepEqual(o.diagnostics, []);
  });

  void it('an import that resolves nowhere is a located warning, not a crash', () => {
    const r = loadOntologyResult(join(root, 'ontology', 'clinic', 'v2'));
    assert.ok(r.ontology);
    const w = r.diagnostics.find((d) => /nowhere/.test(d.message));
    assert.equal(w?.severity, 'warning');
    assert.equal(w?.location?.file, join(root, 'ontology', 'clinic', 'v2', 'main.ttl'));
    assert.equal(w?.location?.line, lineOf(v2Main, '<https://example.org/nowhere>'));
  });

  void it('throws OntologyError carrying located errors', async () => {
    await assert.rejects(loadOntology(join(root, 'ontology', 'broken')), (err: unknown) => {
      assert.ok(err instanceof OntologyError);
      const line = lineOf(broken, 'rdfs:subClassOf ex:Missing');
      assert.ok(err.message.includes(`broken/v1/main.ttl:${line}: error: superclass ex:Missing is not a declared class`), err.message);
      assert.equal(err.diagnostics.find((d) => d.severity === 'error')?.location?.line, line);
      return true;
    });
  });

  void it('throws ConfigError for a path that does not exist or holds no ontology', async () => {
    await assert.rejects(loadOntology(join(root, 'nope')), ConfigError);
    await assert.rejects(loadOntology(join(root, 'ontology', 'shared', '..', 'clinic', 'v3')), /does not exist/);
  });

  void it('loads the shipped referral ontology v1, with the tg vocabulary', async () => {
    const o = await loadOntology('ontology/referral/v1');
    assert.equal(o.version, '1.0.0');
    assert.ok(o.files.includes('ontology/trailgraph.ttl'));
    assert.ok(o.files.includes('ontology/referral/v1/events.ttl'));
    assert.deepEqual(o.diagnostics, []);
  });
});
