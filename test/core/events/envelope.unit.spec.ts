import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventError } from '../../../src/core/errors.ts';
import { DEFAULT_ENVELOPE_LIMITS, parseEnvelope } from '../../../src/core/events/envelope.ts';

const valid = {
  specversion: '1.0',
  id: 'evt-42',
  source: 'agent://intake',
  type: 'ReferralRequested',
  subject: 'Referral/r-1001',
  time: '2026-11-21T09:00:00Z',
  data: { '@type': 'Referral', id: 'r-1001', reason: 'Chest pain' },
};

/** Parses and returns the InvalidEventError, failing the test when parsing succeeds. */
function rejection(input: unknown, limits?: Parameters<typeof parseEnvelope>[1]): InvalidEventError {
  try {
    parseEnvelope(input, limits);
  } catch (err) {
    assert.ok(err instanceof InvalidEventError, `expected InvalidEventError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the event to be rejected');
}

void describe('parseEnvelope: valid events', () => {
  void it('accepts a structured-mode event given as text or as a parsed object', () => {
    assert.deepEqual(parseEnvelope(JSON.stringify(valid)), valid);
    assert.deepEqual(parseEnvelope(valid), valid);
  });

  void it('returns a frozen copy detached from the caller', () => {
    const input = structuredClone(valid);
    const event = parseEnvelope(input);
    input.data.reason = 'changed later';
    assert.equal((event.data as { reason: string }).reason, 'Chest pain');
    assert.ok(Object.isFrozen(event) && Object.isFrozen(event.data));
  });

  void it('accepts the optional attributes and extensions', () => {
    const event = parseEnvelope({
      ...valid,
      dataschema: 'https://example.org/clinic/1.0.0',
      datacontenttype: 'application/json; charset=utf-8',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      correlationid: 'corr-1',
      causationid: 'evt-41',
      priority: 3,
      replayed: false,
      tenant: 'north',
    });
    assert.equal(event.priority, 3);
    assert.equal(event.tenant, 'north');
  });

  void it('accepts time with an offset and fractional seconds, and application/*+json', () => {
    assert.doesNotThrow(() => parseEnvelope({ ...valid, time: '2026-11-21T10:00:00.123+01:00', datacontenttype: 'application/cloudevents+json' }));
  });
});

void describe('parseEnvelope: rejections', () => {
  const { specversion: _s, ...noSpec } = valid;
  const { id: _i, ...noId } = valid;
  const { source: _src, ...noSource } = valid;
  const { type: _t, ...noType } = valid;
  const { data: _d, ...noData } = valid;
  const cases: [string, unknown, string, RegExp][] = [
    ['missing specversion', noSpec, '/specversion', /expected "1.0"/],
    ['old specversion', { ...valid, specversion: '0.3' }, '/specversion', /expected "1.0", got "0.3"/],
    ['missing id', noId, '/id', /missing required attribute id/],
    ['empty id', { ...valid, id: '' }, '/id', /non-empty string/],
    ['numeric id', { ...valid, id: 42 }, '/id', /expected a string, got 42/],
    ['missing source', noSource, '/source', /missing required attribute source/],
    ['source not a URI', { ...valid, source: 'intake agent' }, '/source', /expected a URI-reference/],
    ['missing type', noType, '/type', /missing required attribute type/],
    ['missing data', noData, '/data', /missing required attribute data/],
    ['data_base64', { ...noData, data_base64: 'e30=' }, '/data_base64', /binary data is not supported.*"data"/],
    ['time without zone', { ...valid, time: '2026-11-21T09:00:00' }, '/time', /expected an RFC 3339 timestamp/],
    ['time not in calendar', { ...valid, time: '2026-02-30T09:00:00Z' }, '/time', /RFC 3339/],
    ['empty subject', { ...valid, subject: '' }, '/subject', /non-empty string/],
    ['relative dataschema', { ...valid, dataschema: 'clinic/1.0.0' }, '/dataschema', /expected an absolute URI/],
    ['xml content type', { ...valid, datacontenttype: 'application/xml' }, '/datacontenttype', /expected a JSON media type/],
    ['bad traceparent', { ...valid, traceparent: '00-abc-def-01' }, '/traceparent', /expected a W3C traceparent/],
    ['all-zero trace id', { ...valid, traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }, '/traceparent', /W3C traceparent/],
    ['empty correlationid', { ...valid, correlationid: '' }, '/correlationid', /non-empty/],
    ['upper-case extension name', { ...valid, TenantId: 'x' }, '/TenantId', /1-20 lower-case letters or digits/],
    ['long extension name', { ...valid, abcdefghijklmnopqrstu: 'x' }, '/abcdefghijklmnopqrstu', /1-20/],
    ['extension name with a slash', { ...valid, 'a/b': 'x' }, '/a~1b', /extension attribute name/],
    ['object extension value', { ...valid, tenant: { id: 1 } }, '/tenant', /string, number or boolean, got an object/],
    ['array instead of an event', [valid], '', /expected a JSON object \(a CloudEvent\), got an array/],
    ['claimtoken without claimpurpose', { ...valid, claimtoken: 3 }, '/claimpurpose', /name the purpose of the claim/],
    ['claimpurpose without claimtoken', { ...valid, claimpurpose: 'match' }, '/claimtoken', /give the fencing token/],
    ['claimtoken not an integer', { ...valid, claimpurpose: 'match', claimtoken: '3' }, '/claimtoken', /positive integer\), got "3"/],
    ['claimtoken zero', { ...valid, claimpurpose: 'match', claimtoken: 0 }, '/claimtoken', /positive integer/],
    ['empty claimpurpose', { ...valid, claimpurpose: '', claimtoken: 1 }, '/claimpurpose', /non-empty/],
    ['fenced event without a node subject', { ...valid, subject: 'r-1001', claimpurpose: 'match', claimtoken: 1 }, '/subject', /needs a subject naming the claimed node/],
  ];
  for (const [name, input, pointer, message] of cases) {
    void it(`${name} → ${pointer || '/'}`, () => {
      const err = rejection(input);
      const issue = err.issues.find((i) => i.pointer === pointer);
      assert.ok(issue, `no issue at ${pointer}; got ${JSON.stringify(err.issues)}`);
      assert.match(issue.message, message);
    });
  }

  void it('names the event id in the error even when other attributes are wrong', () => {
    const err = rejection({ ...valid, source: '' });
    assert.equal(err.eventId, 'evt-42');
    assert.match(err.message, /^event evt-42: \/source: expected a URI-reference/);
  });

  void it('reports every problem at once, not just the first', () => {
    const err = rejection({ ...valid, specversion: '2.0', time: 'yesterday', traceparent: 'x' });
    assert.deepEqual(err.issues.map((i) => i.pointer).sort(), ['/specversion', '/time', '/traceparent']);
  });

  void it('rejects text that is not JSON, saying so', () => {
    const err = rejection('{"specversion": "1.0", ');
    assert.equal(err.pointer, '');
    assert.match(err.issues[0]?.message ?? '', /not valid JSON/);
  });
});

void describe('parseEnvelope: size limits', () => {
  void it('has sensible exported defaults', () => {
    assert.equal(DEFAULT_ENVELOPE_LIMITS.maxBytes, 256 * 1024);
    assert.equal(DEFAULT_ENVELOPE_LIMITS.maxStringLength, 16 * 1024);
    assert.equal(DEFAULT_ENVELOPE_LIMITS.maxDepth, 16);
  });

  void it('rejects an event over the byte limit, as text and as an object', () => {
    const big = { ...valid, data: { ...valid.data, notes: Array.from({ length: 40 }, () => 'x'.repeat(10_000)) } };
    for (const input of [JSON.stringify(big), big]) {
      const err = rejection(input);
      assert.match(err.issues[0]?.message ?? '', /event too large: expected at most 262144 bytes/);
    }
  });

  void it('counts bytes, not characters', () => {
    const text = JSON.stringify({ ...valid, data: { ...valid.data, reason: 'é'.repeat(600) } });
    assert.ok(text.length < 1000);
    assert.match(rejection(text, { maxBytes: 1000 }).issues[0]?.message ?? '', /too large/);
  });

  void it('rejects a long string with its pointer', () => {
    const err = rejection({ ...valid, data: { ...valid.data, reason: 'x'.repeat(16 * 1024 + 1) } });
    assert.equal(err.pointer, '/data/reason');
    assert.match(err.issues[0]?.message ?? '', /string too long: expected at most 16384 characters, got 16385/);
  });

  void it('rejects deep nesting', () => {
    let nested: unknown = { id: 'leaf' };
    for (let i = 0; i < 20; i++) nested = { child: nested };
    const err = rejection({ ...valid, data: nested });
    assert.match(err.pointer, /^\/data(\/child)+$/);
    assert.match(err.issues[0]?.message ?? '', /nested too deep: expected at most 16 levels/);
  });

  void it('rejects long arrays and objects with too many keys', () => {
    assert.match(rejection({ ...valid, data: { allergy: new Array(1001).fill('a') } }).issues[0]?.message ?? '', /array too long: expected at most 1000 items, got 1001/);
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const err = rejection({ ...valid, data: wide });
    assert.equal(err.pointer, '/data');
    assert.match(err.issues[0]?.message ?? '', /too many keys: expected at most 256, got 300/);
  });

  void it('rejects an over-long id', () => {
    assert.match(rejection({ ...valid, id: 'e'.repeat(300) }).issues[0]?.message ?? '', /at most 256 characters/);
  });

  void it('rejects values that are not JSON when given an object', () => {
    const err = rejection({ ...valid, data: { when: new Date(0), n: Number.NaN } });
    assert.deepEqual(err.issues.map((i) => i.pointer), ['/data/when', '/data/n']);
  });

  void it('honours caller limits', () => {
    assert.throws(() => parseEnvelope(valid, { maxDepth: 1 }), InvalidEventError);
  });
});

void describe('parseEnvelope: prototype pollution', () => {
  const attempts: [string, string, string][] = [
    ['__proto__ in data', `{"specversion":"1.0","id":"e1","source":"a://b","type":"T","data":{"__proto__":{"polluted":true}}}`, '/data/__proto__'],
    ['__proto__ in the envelope', `{"specversion":"1.0","id":"e1","source":"a://b","type":"T","data":{},"__proto__":{"polluted":true}}`, '/__proto__'],
    ['constructor.prototype in data', `{"specversion":"1.0","id":"e1","source":"a://b","type":"T","data":{"constructor":{"prototype":{"polluted":true}}}}`, '/data/constructor'],
    ['prototype deep inside', `{"specversion":"1.0","id":"e1","source":"a://b","type":"T","data":{"a":[{"prototype":{"polluted":true}}]}}`, '/data/a/0/prototype'],
  ];
  for (const [name, text, pointer] of attempts) {
    void it(`rejects ${name} and pollutes nothing`, () => {
      const err = rejection(text);
      assert.equal(err.pointer, pointer);
      assert.match(err.issues[0]?.message ?? '', /forbidden key/);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    });
  }

  void it('rejects an own __proto__ key on a parsed object too', () => {
    const input = JSON.parse(attempts[0]![1]) as unknown;
    assert.equal(rejection(input).pointer, '/data/__proto__');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
