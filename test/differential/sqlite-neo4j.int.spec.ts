/**
 * Differential test: one seeded stream of referral events (every event type, retractions, deletes, class
 * refinements, duplicates, conflicts, invalid events) is published into SQLite and into Neo4j through the real
 * ingest path; marks and claims are played on both with the same clock; then every generated GraphQL question
 * (see query-kinds.ts) is asked of the real API built on each store and the answers must be identical — after
 * normalising only what compare.ts names as store-specific. A difference is a store bug, never a test tolerance.
 *
 * The other side is the run's Neo4j (test/support/neo4j-server.ts; in CI a Neo4j that cannot start fails the run);
 * TG_DIFF_AGAINST=sqlite runs SQLite against SQLite instead (a check of the test itself).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import type { PublishOutcome } from '../../src/app/publish/publisher.ts';
import type { CompiledOntology } from '../../src/core/ontology/model.ts';
import { firstDifference, normalise } from './compare.ts';
import { playMarksAndClaims } from './marks-script.ts';
import { type Question, questions, type Rows } from './query-kinds.ts';
import { referralStream, type Stream } from './referral-stream.ts';
import { classesOf } from './selections.ts';
import { neo4jForTests, resetNeo4j } from '../support/neo4j-server.ts';
import { openStoreApi, type StoreApi, type StoreSpec } from './store-api.ts';

const SEED = 20261206;
const REFERRALS = Number(process.env.TG_DIFF_REFERRALS ?? 700);
const BATCH = 200;

/** The store to compare SQLite with: the run's Neo4j (test/support/neo4j-server.ts), or a skip reason outside CI. */
async function otherSide(): Promise<StoreSpec | { skip: string }> {
  if (process.env.TG_DIFF_AGAINST === 'sqlite') return { kind: 'sqlite' };
  const neo = await neo4jForTests();
  if ('skip' in neo) return neo;
  await resetNeo4j(neo.connection);
  return { kind: 'neo4j', ...neo.connection };
}

const outcomeOf = (o: PublishOutcome): unknown => ({ status: o.status, seq: o.seq, error: o.error && { name: o.error.name, code: o.error.code, message: o.error.message } });

/** Asks one question; a cursor walk re-asks with each endCursor (bounded) and returns every page. */
async function ask(side: StoreApi, q: Question): Promise<unknown> {
  if (!q.pagePath) return side.gql(q.query, q.variables);
  const pages: unknown[] = [];
  let after: string | null = null;
  for (let i = 0; i < 6; i++) {
    const res = (await side.gql(q.query, { ...q.variables, after })) as { data?: unknown };
    pages.push(res);
    const conn = q.pagePath.reduce<unknown>((v, k) => (v as Record<string, unknown> | null | undefined)?.[k], res.data) as { pageInfo?: { hasNextPage: boolean; endCursor: string | null } } | null | undefined;
    if (!conn?.pageInfo?.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return pages;
}

const side = await otherSide();

void describe(`differential: SQLite vs ${'skip' in side ? 'Neo4j' : side.kind}`, { skip: 'skip' in side ? side.skip : false, timeout: 3_600_000 }, () => {
  let ontology: CompiledOntology;
  let stream: Stream;
  let left: StoreApi;
  let right: StoreApi;
  const aliases: Map<string, string>[] = [];

  before(async () => {
    if ('skip' in side) return;
    ontology = await loadOntology('ontology/referral');
    stream = referralStream(SEED, REFERRALS);
    left = await openStoreApi('sqlite', { kind: 'sqlite' }, ontology);
    right = await openStoreApi(side.kind === 'neo4j' ? 'neo4j' : 'sqlite-2', side, ontology);
  });
  after(async () => {
    await left?.close();
    await right?.close();
  });

  void it('the stream is big and covers every event type, duplicates, conflicts and invalid events', () => {
    assert.ok(stream.events.length >= 5000, `${stream.events.length} events`);
    const types = new Set(stream.events.map((e) => String(e.type)));
    for (const t of ontology.eventTypes.keys()) assert.ok(types.has(t), `event type ${t} is generated`);
    for (const k of ['duplicate', 'conflict', 'invalid'] as const) assert.ok(stream.intent.filter((i) => i === k).length >= 3, `some ${k} events`);
  });

  void it('both stores report the same outcome (status, seq, error) for every event', async () => {
    const diffs: string[] = [];
    const counts: Record<string, number> = {};
    for (let i = 0; i < stream.events.length; i += BATCH) {
      const batch = stream.events.slice(i, i + BATCH);
      const [a, b] = await Promise.all([left.publish(batch), right.publish(batch)]);
      for (let k = 0; k < batch.length; k++) {
        counts[a[k]!.status] = (counts[a[k]!.status] ?? 0) + 1;
        const d = firstDifference(outcomeOf(a[k]!), outcomeOf(b[k]!));
        if (d) diffs.push(`event ${String(batch[k]!.id)} (${String(batch[k]!.type)}): ${d}`);
      }
    }
    assert.deepEqual(diffs, [], `outcomes differ:\n${diffs.slice(0, 30).join('\n')}`);
    assert.ok((counts.applied ?? 0) > 4500 && (counts.duplicate ?? 0) > 50 && (counts.rejected ?? 0) > 50, JSON.stringify(counts));
  });

  void it('marks and claims played with the same clock give the same outcomes', async () => {
    const referrals = stream.events.filter((e) => e.type === 'ReferralRequested').map((e) => (e.data as { id: string }).id);
    const t0 = Date.now() - 3_600_000; // an hour ago: every operation is in the past when the API reads
    const a = await playMarksAndClaims(left.store, referrals, t0);
    const b = await playMarksAndClaims(right.store, referrals, t0);
    aliases.push(a.markAlias, b.markAlias);
    const d = firstDifference(normalise(a.outcomes, a.markAlias), normalise(b.outcomes, b.markAlias));
    assert.equal(d, undefined, d);
  });

  void it('every generated GraphQL question answers identically from both stores', async () => {
    const intro = (await left.gql(getIntrospectionQuery())) as { data: IntrospectionQuery };
    const schema: GraphQLSchema = buildClientSchema(intro.data);
    const classes = classesOf(schema);
    const rows = new Map<string, Record<string, unknown>[]>();
    for (const c of classes) {
      const pages = (await ask(left, { kind: 'rows', query: `query($after: String) { ${c.many}(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { id ${c.scalars.join(' ')} } } }`, variables: {}, pagePath: [c.many] })) as { data: Record<string, { nodes: Record<string, unknown>[] }> }[];
      rows.set(c.type, pages.flatMap((p) => p.data[c.many]!.nodes));
    }
    const qs = questions(schema, classes, rows as Rows, SEED);
    const divergences = new Map<string, string[]>();
    let errors = 0;
    const started = Date.now();
    for (const [i, q] of qs.entries()) {
      if (i % 250 === 0) process.stderr.write(`differential: question ${i}/${qs.length} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      const [a, b] = await Promise.all([ask(left, q), ask(right, q)]);
      if (JSON.stringify(a).includes('"errors"')) errors++;
      const d = firstDifference(normalise(a, aliases[0]!), normalise(b, aliases[1]!));
      if (d) divergences.set(q.kind, [...(divergences.get(q.kind) ?? []), `${JSON.stringify(q.variables).slice(0, 160)} → ${d}`]);
    }
    const report = [...divergences].map(([k, ds]) => `${k} (${ds.length}×): ${ds[0]}`).join('\n');
    assert.equal(divergences.size, 0, `${divergences.size} question kinds differ:\n${report}`);
    assert.ok(qs.length > 800, `${qs.length} questions`);
    assert.ok(errors < qs.length / 20, `${errors} answers carry GraphQL errors — the questions are malformed`);
  });
});
