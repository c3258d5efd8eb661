/** Cross-site access and introspection are settings: no CORS unless origins are allowed; introspection off in production. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/service/config.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { type Harness, createHarness } from '../api/harness.ts';

const ontology = clinicOntology();
const ask = (h: Harness, origin: string, query = '{ headSeq }') =>
  h.api.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', origin, cookie: 'session=1' }, body: JSON.stringify({ query }) });

void describe('CORS and introspection', () => {
  let prod: Harness;
  let allowed: Harness;
  let dev: Harness;
  before(async () => {
    prod = await createHarness(ontology, { mode: 'production' });
    allowed = await createHarness(ontology, { mode: 'production', corsOrigins: ['https://app.example.com'], introspection: true });
    dev = await createHarness(ontology, { mode: 'development' });
  });
  after(async () => {
    await prod.close();
    await allowed.close();
    await dev.close();
  });

  void test('production by default: a foreign Origin gets no CORS headers (no echo, no credentials)', async () => {
    const res = await ask(prod, 'https://evil.example');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    const pre = await prod.api.fetch('http://yoga/graphql', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
  });

  void test('an allow-list: listed origins are echoed with credentials, others get nothing', async () => {
    const ok = await ask(allowed, 'https://app.example.com');
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    const other = await ask(allowed, 'https://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('access-control-allow-credentials'), null);
  });

  void test('introspection: off in production by default, on when configured and in development', async () => {
    const q = '{ __schema { queryType { name } } }';
    const off = (await (await ask(prod, 'x', q)).json()) as { errors?: { message: string }[] };
    assert.match(off.errors?.[0]?.message ?? '', /introspection/i);
    const typeQ = (await (await ask(prod, 'x', '{ __type(name: "Patient") { name } }')).json()) as { errors?: unknown[] };
    assert.ok(typeQ.errors?.length, '__type is refused too');
    const on = (await (await ask(allowed, 'x', q)).json()) as { data?: { __schema: { queryType: { name: string } } } };
    assert.equal(on.data?.__schema.queryType.name, 'Query');
    const d = (await (await ask(dev, 'x', q)).json()) as { data?: unknown };
    assert.ok(d.data);
  });

  void test('config: TRAILGRAPH_CORS_ORIGINS and TRAILGRAPH_INTROSPECTION, with mode-dependent defaults', () => {
    assert.deepEqual(loadConfig({}, { TRAILGRAPH_MODE: 'production', TRAILGRAPH_INSECURE: '1' }).corsOrigins, []);
    assert.equal(loadConfig({}, { TRAILGRAPH_MODE: 'production', TRAILGRAPH_INSECURE: '1' }).introspection, false);
    assert.equal(loadConfig({}, {}).introspection, true);
    const c = loadConfig({}, { TRAILGRAPH_CORS_ORIGINS: 'https://a.example, http://localhost:3000', TRAILGRAPH_INTROSPECTION: '1', TRAILGRAPH_MODE: 'production', TRAILGRAPH_INSECURE: '1' });
    assert.deepEqual(c.corsOrigins, ['https://a.example', 'http://localhost:3000']);
    assert.equal(c.introspection, true);
    assert.throws(() => loadConfig({}, { TRAILGRAPH_CORS_ORIGINS: '*' }), /TRAILGRAPH_CORS_ORIGINS/);
    for (const url of ['sqlite:/tmp/x.db', 'sqlite:///tmp/x.db', 'file:/tmp/x.db', 'file:///tmp/x.db', '/tmp/x.db']) {
      assert.deepEqual(loadConfig({}, { TRAILGRAPH_STORE: url }).store, { kind: 'sqlite', path: '/tmp/x.db' }, url);
    }
    assert.throws(() => loadConfig({}, { TRAILGRAPH_STORE: 'mysql:x' }), /unsupported store/);
  });
});
