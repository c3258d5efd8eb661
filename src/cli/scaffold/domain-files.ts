/**
 * The files `trailgraph init <domain>` writes: a first released version with one class and one event type, a
 * persisted query, a config file so no command needs --ontology/--store, and a test that publishes through the
 * real CLI. Pure: names in, `{ path, text }` out.
 */

/** One file to write, relative to the project folder. */
export interface ScaffoldFile {
  readonly path: string;
  readonly text: string;
}

/** `clinic-ops` → `ClinicOps` (for IRIs' local names and the GraphQL type). */
const pascal = (s: string): string => s.split(/[-_]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** The files for domain `domain` (already checked: lower-case letters, digits and dashes). */
export function domainFiles(domain: string): ScaffoldFile[] {
  const ns = `https://example.org/${domain}#`;
  const name = pascal(domain);
  const ontology = `# ${name} ontology 1.0.0 — one class and one event type to start from. Add classes, properties
# (owl:DatatypeProperty / owl:ObjectProperty), SHACL shapes and event types, then: trailgraph ontology check
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix tg:   <https://trailgraph.dev/ns/tg#> .
@prefix d:    <${ns}> .

<https://example.org/${domain}> a owl:Ontology ;
  rdfs:label "${name}" ;
  owl:versionInfo "1.0.0" ;
  owl:versionIRI <https://example.org/${domain}/1.0.0> .

d:Task a owl:Class ; rdfs:label "Task" ; rdfs:comment "A piece of work agents pick up." .
d:title a owl:DatatypeProperty, owl:FunctionalProperty ; rdfs:domain d:Task ; rdfs:range xsd:string .
d:status a owl:DatatypeProperty, owl:FunctionalProperty ; rdfs:domain d:Task ; rdfs:range xsd:string .

d:TaskShape a sh:NodeShape ; sh:targetClass d:Task ;
  sh:property [ sh:path d:title ; sh:minCount 1 ] .

d:TaskOpened a tg:EventType ; rdfs:label "Task opened" ; tg:creates d:Task ; tg:aggregate d:Task .
`;
  const event = {
    specversion: '1.0', id: 'task-1-opened', source: 'agent://planner', type: 'TaskOpened', subject: 'Task/task-1',
    data: { '@type': 'Task', id: 'task-1', title: 'Write the first agent', status: 'open' },
  };
  const test = `// The ${domain} domain end to end through the trailgraph command: the ontology compiles, a valid event is
// applied, an invalid one is rejected with its JSON pointer. Run: node --test test/*.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(dirname(fileURLToPath(import.meta.resolve('trailgraph/package.json'))), 'bin', 'trailgraph.js');
const trailgraph = (args, input) => spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8' });

test('the ontology compiles', () => {
  const r = trailgraph(['ontology', 'check', 'ontology/${domain}']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('TaskOpened is applied; a task without a title is rejected at /data/title', () => {
  const dir = mkdtempSync(join(tmpdir(), '${domain}-'));
  try {
    const store = ['--store', join(dir, 'graph.db')];
    const ok = trailgraph(['publish', ...store, 'events/task-opened.json']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /1 published, 0 rejected/);
    const bad = trailgraph(['publish', ...store, '-'], JSON.stringify({ ...${JSON.stringify(event)}, id: 'task-2-opened', data: { '@type': 'Task', id: 'task-2' } }));
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /title/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
`;
  return [
    { path: `ontology/${domain}/v1/${domain}.ttl`, text: ontology },
    { path: `queries/task.graphql`, text: `# A persisted query agents can run by name. Try it in GraphiQL: trailgraph serve, then open /graphql.\nquery Task($id: ID!) {\n  task(id: $id) {\n    id\n    title\n    status\n  }\n}\n` },
    { path: 'events/task-opened.json', text: `${JSON.stringify(event, null, 2)}\n` },
    { path: `test/${domain}.test.mjs`, text: test },
    { path: 'trailgraph.config.json', text: `${JSON.stringify({ ontology: `ontology/${domain}`, store: `.trailgraph/${domain}.db`, queries: 'queries', url: 'http://127.0.0.1:4000' }, null, 2)}\n` },
  ];
}
