/**
 * The contracts generated from the ontology, as a user fetches them: `serve` publishes them under /schemas/ and
 * `trailgraph ontology openapi|asyncapi|jsonschema` prints the same documents; the official tools accept them —
 * @readme/openapi-parser (OpenAPI 3.1), @asyncapi/parser (AsyncAPI 3, no error diagnostics), Ajv (JSON Schema
 * 2020-12, strict) — and an event the service accepts validates against the published schema of its type.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'trailgraph.js');
const env = { ...process.env, TRAILGRAPH_MODE: 'development', TRAILGRAPH_NATS_URL: '', TRAILGRAPH_URL: '', TRAILGRAPH_ONTOLOGY: '' };
/** The CLI's output as JSON. Asynchronous: a blocked event loop would miss the server closing idle sockets. */
const cli = (args: string[]): Promise<unknown> => new Promise((done, fail) => {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.on('error', fail);
  child.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`trailgraph ${args.join(' ')} exited ${String(code)}: ${err}`))));
});

void describe('OpenAPI, AsyncAPI and JSON Schema from the ontology', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-schemas-'));
  let serve: ChildProcess | undefined;
  let url = '';
  const get = async (path: string): Promise<unknown> => {
    // One retry of this idempotent GET: the parsers hold the event loop for seconds, long enough for the server to
    // close the idle keep-alive socket that fetch then tries to reuse.
    const res = await fetch(`${url}${path}`).catch(() => fetch(`${url}${path}`));
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return res.json();
  };
  before(async () => {
    serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--store', join(dir, 'graph.db'), '--ontology', 'ontology/referral'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    serve.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    serve.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!url) {
      url = /(http:\/\/[\d.:]+)\/graphql/.exec(output)?.[1] ?? '';
      if (Date.now() > deadline || serve.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(() => {
    serve?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  void test('OpenAPI: served = printed, and @readme/openapi-parser validates it', async () => {
    const served = await get('/schemas/openapi.json');
    assert.deepEqual(served, await cli(['ontology', 'openapi', 'ontology/referral']));
    const result = await validate(structuredClone(served) as never);
    assert.deepEqual({ valid: result.valid, errors: (result as { errors?: unknown }).errors ?? [] }, { valid: true, errors: [] });
    const doc = served as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/dead-letters', '/dead-letters/{id}', '/dead-letters/{id}/replay', '/events', '/healthz', '/readyz']);
    assert.ok(doc.components.schemas['ReferralRequested.event'], 'one CloudEvent schema per event type');
  });

  void test('AsyncAPI 3: served = printed, @asyncapi/parser parses it with no error, a channel per event type', async () => {
    const served = await get('/schemas/asyncapi.json');
    assert.deepEqual(served, await cli(['ontology', 'asyncapi', 'ontology/referral']));
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(served));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`), []);
    assert.ok(document);
    const addresses = document.channels().all().map((c) => c.address());
    assert.ok(addresses.includes('tg.events.referral.ReferralRequested.{aggregateId}'), addresses.join('\n'));
    assert.ok(addresses.includes('/events'));
    const message = document.messages().all().find((m) => m.id() === 'ReferralTriaged');
    assert.equal(message?.contentType(), 'application/cloudevents+json');
  });

  void test('JSON Schema: served per event type = printed; an event the service applies validates, a rejected one does not', async () => {
    const schema = (await get('/schemas/events/ReferralTriaged.json')) as Record<string, unknown>;
    assert.deepEqual(schema, await cli(['ontology', 'jsonschema', 'ontology/referral', '--type', 'ReferralTriaged']));
    const ajv = new Ajv2020({ strict: true });
    addFormats.default(ajv);
    const check = ajv.compile(schema);
    const publish = async (data: unknown): Promise<number> => (await fetch(`${url}/events`, {
      method: 'POST', headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: `t-${Math.random()}`, source: 'agent://test', type: 'ReferralTriaged', subject: 'Referral/r-1', data }),
    })).status;
    const good = { '@type': 'Referral', id: 'r-1', triageLevel: 'soon' };
    const bad = { '@type': 'Referral', id: 'r-1', triageLevel: 'whenever' };
    assert.equal(check(good), true);
    assert.equal(check(bad), false);
    assert.equal(await publish(bad), 422);
    const missing = await fetch(`${url}/schemas/events/NoSuchEvent.json`).catch(() => fetch(`${url}/schemas/events/NoSuchEvent.json`));
    assert.equal(missing.status, 404);
  });
});
