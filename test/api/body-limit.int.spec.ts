import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { listen, type RunningServer } from '../../src/api/http/node-server.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { type Harness, createHarness } from './harness.ts';

/** POSTs `chunks` to /graphql over a real socket: chunked unless `contentLength` is given. */
function post(url: string, chunks: readonly string[], contentLength?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (contentLength !== undefined) headers['content-length'] = contentLength;
    const req = request(`${url}/graphql`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

void describe('GraphQL request body limit (maxBodyBytes) over a real socket', () => {
  let h: Harness;
  let server: RunningServer;
  before(async () => {
    h = await createHarness(clinicOntology(), { limits: { maxBodyBytes: 2048 } });
    server = await listen(h.api, { host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.stop(1000);
    await h.close();
  });

  void test('a body within the limit runs, with or without Content-Length', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const sized = await post(server.url, [body], String(Buffer.byteLength(body)));
    assert.equal(sized.status, 200);
    assert.deepEqual(JSON.parse(sized.body), { data: { __typename: 'Query' } });
    const chunked = await post(server.url, [body.slice(0, 5), body.slice(5)]);
    assert.equal(chunked.status, 200);
    assert.deepEqual(JSON.parse(chunked.body), { data: { __typename: 'Query' } });
  });

  void test('a larger body is refused with 413, whether its Content-Length says so or it streams in chunks', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(3000) } });
    const sized = await post(server.url, [big], String(Buffer.byteLength(big)));
    assert.equal(sized.status, 413);
    const chunked = await post(server.url, [big.slice(0, 1000), big.slice(1000, 2000), big.slice(2000)]);
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, /larger than 2048 bytes/);
  });
});
