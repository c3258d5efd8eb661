import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { parseWrkOutput, processCpuSeconds, runWrk } from '../../bench/support/wrk.ts';

// The query benchmarks read everything they report from wrk through bench/support/wrk-graphql.lua: if the script
// stops running or its output stops parsing, every bench figure goes with it. A short real wrk run against a local
// server checks the chain (CI installs wrk; outside CI the file skips without it).
const wrkMissing = spawnSync('wrk', ['--version']).error !== undefined;
const skip = wrkMissing && process.env.CI !== 'true' ? 'wrk not on PATH (apt-get install wrk)' : false;

void describe('bench wrk driver (wrk-graphql.lua + bench/support/wrk.ts)', { skip }, () => {
  let server: Server;
  let url = '';
  const seen = new Set<string>();
  const events: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { variables?: { id?: string; e?: { id: string; forPatient: string } } };
        if (parsed.variables?.id) seen.add(parsed.variables.id);
        if (parsed.variables?.e) events.push(`${parsed.variables.e.id} ${parsed.variables.e.forPatient}`);
        res.setHeader('content-type', 'application/json');
        res.end(parsed.variables?.id === 'p-3' ? '{"errors":[{"message":"no"}]}' : '{"data":{"ok":true}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  void test('a run reports requests, percentiles, both CPU times, and counts GraphQL errors', async () => {
    const template = JSON.stringify({ query: 'query($id: ID!) { x(id: $id) }', variables: { id: '$ID' } });
    const r = await runWrk({ url, body: { template, idPrefix: 'p-', ids: 4 }, seconds: 1, connections: 2, threads: 1, serverCpu: () => processCpuSeconds(process.pid) });
    assert.ok(r.requests > 0, 'requests made');
    assert.ok(r.p50 > 0 && r.p99 >= r.p50, `percentiles ${r.p50} ≤ ${r.p99}`);
    assert.ok(Number.isFinite(r.generatorCpu) && r.generatorCpu >= 0, `generator CPU ${r.generatorCpu}`);
    assert.ok(Number.isFinite(r.serverCpu) && r.serverCpu > 0, `server CPU ${r.serverCpu}`);
    // Ids are drawn from p-0 … p-3; the answers for p-3 carry GraphQL errors and are counted as such.
    assert.deepEqual([...seen].filter((id) => !/^p-[0-3]$/.test(id)), []);
    assert.ok(seen.size > 1, `several ids sent: ${[...seen].join(' ')}`);
    assert.ok(seen.has('p-3') ? r.errors > 0 && r.errors < r.requests : r.errors === 0, `errors ${r.errors} of ${r.requests}`);
  });

  void test('a $SEQ template sends every request with an id of its own (events to publish), $ID still drawn', async () => {
    const template = JSON.stringify({ query: 'mutation($e: JSON!) { publishEvent(event: $e) { seq } }', variables: { e: { id: 'ev-$SEQ', forPatient: '$ID' } } });
    const r = await runWrk({ url, body: { template, idPrefix: 'p-', ids: 2 }, seconds: 1, connections: 2, threads: 1 });
    assert.ok(r.requests > 1 && events.length >= r.requests, `requests made: ${r.requests}, seen: ${events.length}`);
    const ids = events.map((e) => e.split(' ')[0] as string);
    assert.equal(new Set(ids).size, ids.length, 'no event id repeats');
    assert.ok(ids.every((id) => /^ev-\d+-\d+-\d+-\d+$/.test(id)), ids.slice(0, 3).join(' '));
    assert.ok(events.every((e) => / p-[01]$/.test(e)), events.slice(0, 3).join(', '));
  });

  void test('output without the summary line is a clear error', () => {
    assert.throws(() => parseWrkOutput('Running 1s test\n'), /wrk printed no WRK_JSON line/);
  });
});
