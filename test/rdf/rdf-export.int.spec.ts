/**
 * RDF export on both stores: a small referral world is published through the real ingest path, then exported as
 * Turtle, N-Triples, N-Quads and JSON-LD (whole graph, paged small so paging is exercised) and node by node over
 * GET /rdf/{id}. The Turtle parses with n3 and conforms to the ontology's SHACL shapes under rdf-validate-shacl (an
 * independent validator); every format carries the same triples; provenance is PROV-O.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Parser, type Quad } from 'n3';
import { JsonLdParser } from 'jsonld-streaming-parser';
import rdf from '@zazuko/env';
import SHACLValidator from 'rdf-validate-shacl';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { exportGraph } from '../../src/app/rdf/export-graph.ts';
import type { RdfFormat } from '../../src/app/rdf/rdf-writer.ts';
import { nodeIri } from '../../src/core/rdf/node-quads.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { PROV } from '../../src/core/rdf/vocabulary.ts';
import { useRdfEndpoint } from '../../src/api/http/rdf-endpoint.ts';
import { createHarness, type Harness } from '../api/harness.ts';
import { storesUnderTest } from '../support/stores.ts';
import { ALL_IDS, worldEvents } from '../support/referral-world.ts';

const ontology = loadOntologySync('ontology/referral');
const REF = 'https://trailgraph.dev/ontology/referral#';

/** A triple as one comparable string (blank nodes do not occur in exports). */
const key = (q: Quad): string => `${q.subject.value} ${q.predicate.value} ${q.object.termType === 'Literal' ? JSON.stringify([q.object.value, q.object.datatype.value]) : `<${q.object.value}>`}`;
const keys = (qs: readonly Quad[]): Set<string> => new Set(qs.map(key));

function parseN3(text: string, format: string): Quad[] {
  return new Parser({ format }).parse(text);
}

async function parseJsonLd(text: string): Promise<Quad[]> {
  const quads: Quad[] = [];
  const parser = new JsonLdParser();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('data', (q: Quad) => quads.push(q));
    parser.on('error', reject);
    parser.on('end', resolve);
  });
  parser.write(text);
  parser.end();
  await done;
  return quads;
}

async function exported(h: Harness, format: RdfFormat): Promise<string> {
  const chunks: string[] = [];
  // Page size 3: the world spans several pages of every root class.
  await exportGraph(h.store, ontology, { write: (t) => void chunks.push(t) }, format, { pageSize: 3 });
  return chunks.join('');
}

/**
 * The ontology's shapes: every file it was compiled from (the validator reads only the shapes), without the
 * owl:imports the validator would otherwise try to fetch — the imported files are among them already.
 */
function shapesDataset(): ReturnType<typeof rdf.dataset> {
  const quads = ontology.files.flatMap((f) => new Parser({ format: 'Turtle', baseIRI: `file://${f}` }).parse(readFileSync(f, 'utf8')));
  return rdf.dataset(quads.filter((q) => q.predicate.value !== 'http://www.w3.org/2002/07/owl#imports'));
}

async function validate(quads: readonly Quad[]): Promise<{ conforms: boolean; messages: string[] }> {
  const validator = new SHACLValidator(shapesDataset(), { factory: rdf });
  const report = await validator.validate(rdf.dataset([...quads]));
  return { conforms: report.conforms, messages: report.results.map((r) => `${r.focusNode?.value} ${r.path?.value}: ${r.message.map((m) => m.value).join('; ')}`) };
}

for (const s of await storesUnderTest()) {
  void describe(`RDF export (${s.kind})`, { skip: s.skip }, () => {
    let h: Harness;
    let turtle: string;
    before(async () => {
      const fresh = await s.fresh();
      let store: GraphStore | undefined;
      // The endpoint is mounted as `serve` mounts it (a plugin over the served store and ontology).
      h = await createHarness(ontology, { openStore: (o) => (store = fresh.open(o)), plugins: [useRdfEndpoint({ get store() { return store as GraphStore; }, ontology })] });
      await h.publish(...worldEvents());
      turtle = await exported(h, 'turtle');
    });
    after(async () => h?.close());

    void it('writes every node once, parses with n3 and conforms to the SHACL shapes', async () => {
      const quads = parseN3(turtle, 'Turtle');
      const subjects = new Set(quads.filter((q) => q.predicate.value === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' && q.object.value.startsWith(REF)).map((q) => q.subject.value));
      assert.deepEqual([...subjects].sort(), ALL_IDS.map((id) => nodeIri(id)).sort());
      const report = await validate(quads);
      assert.ok(report.conforms, report.messages.join('\n'));
    });

    void it('is checked for real: a referral without its patient fails the shapes', async () => {
      const quads = parseN3(turtle, 'Turtle').filter((q) => !(q.subject.value === nodeIri('r-1') && q.predicate.value === `${REF}forPatient`));
      const report = await validate(quads);
      assert.equal(report.conforms, false);
      assert.ok(report.messages.some((m) => m.startsWith(`${nodeIri('r-1')} ${REF}forPatient`)), report.messages.join('\n'));
    });

    void it('carries the same triples in N-Triples, N-Quads and JSON-LD (JSON-LD round-trips)', async () => {
      const expected = keys(parseN3(turtle, 'Turtle'));
      assert.deepEqual(keys(parseN3(await exported(h, 'ntriples'), 'N-Triples')), expected);
      assert.deepEqual(keys(parseN3(await exported(h, 'nquads'), 'N-Quads')), expected);
      assert.deepEqual(keys(await parseJsonLd(await exported(h, 'jsonld'))), expected);
    });

    void it('uses the ontology IRIs, typed literals, relationships and PROV-O provenance', async () => {
      const quads = parseN3(turtle, 'Turtle');
      const about = (id: string): Quad[] => quads.filter((q) => q.subject.value === nodeIri(id));
      const patient = about('p-1');
      const birth = patient.find((q) => q.predicate.value === `${REF}birthDate`);
      assert.equal(birth?.object.value, '1970-02-03');
      assert.equal(birth?.object.termType === 'Literal' && birth.object.datatype.value, 'http://www.w3.org/2001/XMLSchema#date');
      // A Specialist is typed with its superclass too, and points at its specialty.
      const spec = about('s-1');
      assert.ok(spec.some((q) => q.object.value === `${REF}Practitioner`));
      assert.ok(spec.some((q) => q.predicate.value === `${REF}hasSpecialty` && q.object.value === nodeIri('spec-card')));
      const generatedBy = patient.find((q) => q.predicate.value === PROV.wasGeneratedBy)?.object.value;
      assert.ok(generatedBy);
      assert.equal(patient.find((q) => q.predicate.value === PROV.wasAttributedTo)?.object.value, 'agent://admin');
      const event = quads.filter((q) => q.subject.value === generatedBy);
      assert.ok(event.some((q) => q.object.value === PROV.Activity));
      assert.ok(event.some((q) => q.predicate.value === PROV.wasAssociatedWith && q.object.value === 'agent://admin'));
    });

    void it('GET /rdf/{id} negotiates Turtle, JSON-LD and N-Triples; 404 for an unknown node, 406 for nothing it serves', async () => {
      const get = (path: string, accept?: string): Promise<Response> => Promise.resolve(h.api.fetch(`http://yoga${path}`, { headers: accept ? { accept } : {} }));
      const ttl = await get('/rdf/r-1', 'text/turtle');
      assert.equal(ttl.status, 200);
      assert.match(ttl.headers.get('content-type') ?? '', /^text\/turtle/);
      const one = keys(parseN3(await ttl.text(), 'Turtle'));
      const whole = keys(parseN3(turtle, 'Turtle'));
      assert.ok([...one].some((k) => k.startsWith(`${nodeIri('r-1')} ${REF}forPatient`)));
      for (const k of one) assert.ok(whole.has(k), `${k} is in the whole export too`);
      const ld = await get('/rdf/r-1', 'application/ld+json;q=0.9, text/turtle;q=0.5');
      assert.equal(ld.headers.get('content-type'), 'application/ld+json');
      assert.deepEqual(keys(await parseJsonLd(await ld.text())), one);
      const nt = await get('/rdf/r-1', 'application/n-triples');
      assert.deepEqual(keys(parseN3(await nt.text(), 'N-Triples')), one);
      assert.match((await get('/rdf/r-1')).headers.get('content-type') ?? '', /^text\/turtle/);
      assert.equal((await get('/rdf/nope')).status, 404);
      const refused = await get('/rdf/r-1', 'image/png');
      assert.equal(refused.status, 406);
      assert.ok(((await refused.json()) as { error: { available: string[] } }).error.available.includes('text/turtle'));
      assert.equal((await get('/rdf/r-1?format=xml')).status, 400);
    });
  });
}
