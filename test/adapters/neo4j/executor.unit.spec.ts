/**
 * The executor's two boundaries without a server: driver errors → trailgraph errors (with real Neo4jError objects
 * carrying the codes Neo4j 5 sends), and values both ways (records built with the driver's own Record, Node and
 * int(), exactly what a result holds when lossless integers are on, as they are).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Neo4jError, Node, Record, Relationship, int, isInt } from 'neo4j-driver';
import { ConfigError, ProjectionConflictError, StoreUnavailableError } from '../../../src/core/errors.ts';
import { fromNeo4jValue, mapError, recordToRow, toNeo4jValue, withoutStackCapture } from '../../../src/adapters/neo4j/executor.ts';
import { createNode } from '../../../src/adapters/neo4j/cypher/apply.ts';
import { createMark } from '../../../src/adapters/neo4j/cypher/marks.ts';
import { toNodeRecord } from '../../../src/adapters/neo4j/records.ts';
import { ontology } from './catalogue.ts';

const options = { uri: 'neo4j://graph.internal:7687', user: 'trailgraph', password: 's3cret-pw' };
const neoError = (code: string, message = 'server said no'): Neo4jError => new Neo4jError(message, code, '50N42', 'error: general processing exception');

void test('bad credentials become a ConfigError naming TRAILGRAPH_NEO4J_USER/PASSWORD, never the password', () => {
  for (const code of ['Neo.ClientError.Security.Unauthorized', 'Neo.ClientError.Security.AuthenticationRateLimit', 'Neo.ClientError.Security.CredentialsExpired']) {
    const cause = neoError(code, 'The client is unauthorized due to authentication failure.');
    const err = mapError(cause, options);
    assert.ok(err instanceof ConfigError, code);
    assert.equal(err.setting, 'TRAILGRAPH_NEO4J_USER/TRAILGRAPH_NEO4J_PASSWORD');
    assert.match(err.message, /check TRAILGRAPH_NEO4J_USER\/TRAILGRAPH_NEO4J_PASSWORD/);
    assert.match(err.message, /neo4j:\/\/graph\.internal:7687/);
    assert.match(err.message, /"trailgraph"/);
    assert.ok(err.message.includes(code));
    assert.ok(!err.message.includes(options.password), 'the password never reaches a message');
    assert.equal(err.retryable, false);
    assert.equal(err.cause, cause);
  }
});

void test('a forbidden operation is a ConfigError about privileges, still naming the user settings', () => {
  const err = mapError(neoError('Neo.ClientError.Security.Forbidden', 'Schema operations are not allowed for user.'), options);
  assert.ok(err instanceof ConfigError);
  assert.match(err.message, /does not allow user "trailgraph"/);
  assert.match(err.message, /grant the user the privilege/);
  assert.match(err.message, /TRAILGRAPH_NEO4J_USER\/TRAILGRAPH_NEO4J_PASSWORD/);
});

void test('a missing database is a ConfigError on TRAILGRAPH_NEO4J_DATABASE', () => {
  const err = mapError(neoError('Neo.ClientError.Database.DatabaseNotFound'), { ...options, database: 'graphs' });
  assert.ok(err instanceof ConfigError);
  assert.equal(err.setting, 'TRAILGRAPH_NEO4J_DATABASE');
  assert.match(err.message, /database "graphs" does not exist/);
});

void test('unreachable, expired sessions, transient errors and expired authorization are retryable StoreUnavailableErrors', () => {
  for (const code of ['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.Transaction.DeadlockDetected', 'Neo.TransientError.General.DatabaseUnavailable', 'Neo.ClientError.Security.AuthorizationExpired']) {
    const cause = neoError(code, 'Failed to connect to server.');
    const err = mapError(cause, options);
    assert.ok(err instanceof StoreUnavailableError, code);
    assert.equal(err.retryable, true);
    assert.match(err.message, /retry later/);
    assert.equal(err.cause, cause);
  }
});

void test('other driver errors and every non-driver error pass through untouched', () => {
  const syntax = neoError('Neo.ClientError.Statement.SyntaxError');
  assert.equal(mapError(syntax, options), syntax);
  const constraint = neoError('Neo.ClientError.Schema.ConstraintValidationFailed');
  assert.equal(mapError(constraint, options), constraint);
  // A conflict thrown inside the write transaction has its own `code`; it must reach the ingest loop as itself.
  const conflict = new ProjectionConflictError('e-3', '/data', 'p-9 is a Patient');
  assert.equal(mapError(conflict, options), conflict);
  const lookalike = Object.assign(new Error('not from the driver'), { code: 'ServiceUnavailable' });
  assert.equal(mapError(lookalike, options), lookalike);
});

void test('records: Integers become numbers, floats stay floats, in lists, maps and node properties', () => {
  const node = new Node(int(11), ['TrailgraphNode', 'Specialist', 'Practitioner'], {
    id: 'd-1', name: 'Dr Who', capacity: int(3), rating: 4.5, _class: 'Specialist', _eventId: 'e-3', _source: 'agent://x', _time: 't', _seq: int(7), _createdSeq: int(2),
  }, 'el-11');
  const rel = new Relationship(int(5), int(1), int(2), 'forPatient', { _seq: int(9) }, 'el-5', 'el-1', 'el-2');
  const record = new Record(
    ['seq', 'score', 'whole', 'list', 'map', 'n', 'r', 'none'],
    [int(42), 0.5, 1.0, [int(1), int(2)], { token: int(3), strength: 0.25, nested: [{ at: int(1_800_000_000_000) }] }, node, rel, null],
  );
  const row = recordToRow(record);
  assert.deepEqual(row, {
    seq: 42,
    score: 0.5,
    whole: 1,
    list: [1, 2],
    map: { token: 3, strength: 0.25, nested: [{ at: 1_800_000_000_000 }] },
    n: { labels: ['TrailgraphNode', 'Specialist', 'Practitioner'], properties: { id: 'd-1', name: 'Dr Who', capacity: 3, rating: 4.5, _class: 'Specialist', _eventId: 'e-3', _source: 'agent://x', _time: 't', _seq: 7, _createdSeq: 2 } },
    r: { type: 'forPatient', properties: { _seq: 9 } },
    none: null,
  });
  assert.equal(typeof row.seq, 'number');
  const rec = toNodeRecord(ontology, row.n);
  assert.deepEqual(rec.properties, { name: 'Dr Who', capacity: 3, rating: 4.5 });
  assert.deepEqual(rec.provenance, { eventId: 'e-3', source: 'agent://x', time: 't', seq: 7, createdSeq: 2 });
});

void test('an integer beyond the safe range is refused, not rounded', () => {
  assert.throws(() => fromNeo4jValue(int('9007199254740993')), /beyond JavaScript's safe range/);
  assert.equal(fromNeo4jValue(int(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
});

void test('params: integral numbers go as INTEGER, float-ranged properties and mark strengths as FLOAT even when integral', () => {
  const s = createNode(ontology, 'd-1', 'Referral', ['Referral'], { score: 1, reason: 'x' }, { eventId: 'e', source: 's', time: 't', seq: 7 });
  const p = toNeo4jValue(s.params) as { seq: unknown; props: { score: unknown; reason: unknown } };
  assert.ok(isInt(p.seq), 'seq is an INTEGER');
  assert.equal(p.props.score, 1);
  assert.ok(!isInt(p.props.score), 'a float-ranged score of 1 is sent as a JS number (FLOAT), not an Integer');
  const cap = toNeo4jValue(createNode(ontology, 's-1', 'Specialist', ['Specialist', 'Practitioner'], { capacity: 3 }, { eventId: 'e', source: 's', time: 't', seq: 1 }).params) as { props: { capacity: unknown } };
  assert.ok(isInt(cap.props.capacity), 'an integer-ranged property is an INTEGER');
  const m = toNeo4jValue(createMark({ id: 'm', on: 'r', kind: 'k', strength: 1, firstStrength: 1, halfLifeMs: 1000, ttlMs: null, agent: 'a', note: null, createdAt: 5, createdSeq: 2, reinforcedAt: 5, expiresAt: 9 }).params) as { props: { [k: string]: unknown } };
  assert.ok(!isInt(m.props['strength']) && m.props['strength'] === 1);
  assert.ok(isInt(m.props['halfLifeMs']) && isInt(m.props['expiresAt']));
  assert.equal(m.props['ttlMs'], null);
  // Neo4j lists are homogeneous: one non-integral number keeps the whole list as floats.
  assert.deepEqual(toNeo4jValue([1, 0.5]), [1, 0.5]);
  assert.ok((toNeo4jValue([1, 2]) as unknown[]).every(isInt));
  assert.deepEqual(toNeo4jValue({ a: undefined, b: 'x' }), { b: 'x' });
});

void test('a statement starts without stack capture, and the limit is back afterwards, also when starting throws', () => {
  const before = Error.stackTraceLimit;
  const stack = withoutStackCapture(() => new Error('inside').stack);
  assert.equal(stack, 'Error: inside', 'no frames are formatted inside the window');
  assert.equal(Error.stackTraceLimit, before);
  assert.throws(() => withoutStackCapture(() => { throw new TypeError('driver refused the parameters'); }), /driver refused the parameters/);
  assert.equal(Error.stackTraceLimit, before);
  assert.match(new Error('outside').stack ?? '', /\n\s+at /, 'stacks outside the window keep their frames');
});
