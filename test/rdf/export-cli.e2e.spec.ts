/**
 * `trailgraph export` as a user runs it: a real process over a SQLite store the real ingest path filled, writing
 * N-Quads to a file and Turtle to stdout, progress lines on stderr (a pipe, not a terminal), the graph as of a past
 * seq, and a bad --format or --as-of refused with the option named.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Parser } from 'n3';
import { createSqliteDeadLetters, createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { nodeIri } from '../../src/core/rdf/node-quads.ts';
import { ALL_IDS, worldEvents } from '../support/referral-world.ts';
import { type CliRun, runTrailgraph } from '../support/cli-process.ts';

const trailgraph = (args: string[], timeoutMs?: number): Promise<CliRun> => runTrailgraph(args, timeoutMs === undefined ? {} : { timeoutMs });

void describe('trailgraph export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-export-'));
  const db = join(dir, 'graph.db');
  before(async () => {
    const ontology = loadOntologySync('ontology/referral');
    const store = createSqliteStore({ path: db, ontology });
    await store.init(ontology);
    const deadLetters = createSqliteDeadLetters({ db: store.db });
    const ingestor = createIngestor({ ontology, store, deadLetters });
    const results = await ingestor.ingest(worldEvents().map((payload) => ({ payload: JSON.stringify(payload) })));
    assert.ok(results.every((r) => r.status === 'applied'), JSON.stringify(results.filter((r) => r.status !== 'applied')));
    await ingestor.close();
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('writes N-Quads to a file with progress on stderr, and Turtle to stdout', async () => {
    const out = join(dir, 'graph.nq');
    const r = await trailgraph(['export', '--store', db, '--format', 'nquads', '--output', out, '--page-size', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^export: nodes 0\/15 \(0%\)$/m);
    assert.match(r.stderr, /^export: nodes 15\/15 \(100%\)$/m);
    assert.match(r.stderr, /15 nodes written to/);
    const quads = new Parser({ format: 'N-Quads' }).parse(readFileSync(out, 'utf8'));
    const subjects = new Set(quads.map((q) => q.subject.value));
    for (const id of ALL_IDS) assert.ok(subjects.has(nodeIri(id)), id);
    const ttl = await trailgraph(['export', '--store', db, '--node-base', 'https://clinic.example/id/']);
    assert.equal(ttl.code, 0, ttl.stderr);
    const triples = new Parser({ format: 'Turtle' }).parse(ttl.stdout);
    assert.ok(triples.some((q) => q.subject.value === 'https://clinic.example/id/r-1'));
    assert.equal(triples.length, quads.length);
  });

  void test('--as-of exports the graph as it was at a seq; a point it cannot answer is refused with the option named', async () => {
    // The world's first six events register the specialists (with their specialty), the GP and the patients (with
    // their coverages): no referral and no lab data yet.
    const r = await trailgraph(['export', '--store', db, '--format', 'ntriples', '--as-of', '6']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^export: nodes 10\/10 \(100%\)$/m);
    const subjects = new Set(new Parser({ format: 'N-Triples' }).parse(r.stdout).map((q) => q.subject.value));
    for (const id of ['s-1', 'gp-1', 'p-3', 'cov-p-2', 'spec-card']) assert.ok(subjects.has(nodeIri(id)), `${id} existed at seq 6`);
    for (const id of ['r-1', 'lab-r-1', 'result-r-1']) assert.ok(!subjects.has(nodeIri(id)), `${id} came later`);
    const future = await trailgraph(['export', '--store', db, '--as-of', '999']);
    assert.notEqual(future.code, 0);
    assert.match(future.stderr, /--as-of: is at seq 999, after the head of the ledger \(13\)/);
  });

  void test('a format it does not write is refused with the option named', async () => {
    const r = await trailgraph(['export', '--store', db, '--format', 'rdfxml']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--format/);
    assert.match(r.stderr, /turtle, ntriples, nquads, jsonld/);
  });
});
