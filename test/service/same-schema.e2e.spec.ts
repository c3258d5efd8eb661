/**
 * `trailgraph serve` (a real process) and the demo's in-process service serve one schema: both are assembled by
 * startService, so neither can lose a schema extension (the marks layer, the deprecated aliases of the last
 * migration) that the other has.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, printSchema } from 'graphql';
import { API_TYPE_NAMES } from '../../src/api/schema/names.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { startDemoService, type DemoService } from '../../src/demo/referral/service.ts';

const dir = mkdtempSync(join(tmpdir(), 'tg-same-schema-'));
let serve: ChildProcess;
let serveUrl: string;
let demo: DemoService;

async function servedSchema(url: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
  const body = (await res.json()) as { data?: IntrospectionQuery; errors?: unknown };
  assert.ok(body.data, `introspection failed at ${url}: ${JSON.stringify(body.errors)}`);
  return printSchema(buildClientSchema(body.data));
}

before(async () => {
  serve = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', '0', '--store', join(dir, 'serve.db'), '--ontology', 'ontology/referral'], {
    env: { ...process.env, TRAILGRAPH_MODE: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  serve.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  serve.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const url = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(output)?.[1];
    if (url) {
      serveUrl = url;
      break;
    }
    if (Date.now() > deadline || serve.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  demo = await startDemoService({ port: 0, storePath: join(dir, 'demo.db') });
});

after(async () => {
  await demo?.close();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve.once('exit', r));
    serve.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

void test('the demo serves exactly the schema `serve` serves', async () => {
  const [served, demoSchema] = await Promise.all([servedSchema(serveUrl), servedSchema(demo.url)]);
  assert.equal(demoSchema, served);
});

void test('that schema has the marks layer and the deprecated alias of the renamed field', async () => {
  const sdl = await servedSchema(demo.url);
  assert.match(sdl, /marks\(/, 'the marks layer');
  assert.match(sdl, /priority: String @deprecated\(reason: "renamed to triageLevel in 2\.0\.0"\)/, 'the renamed field as a deprecated alias');
});

void test('every type served is a class, a name made from one, or one of API_TYPE_NAMES (which the type-name escape relies on)', async () => {
  const sdl = await servedSchema(serveUrl);
  const classes = new Set(loadOntologySync('ontology/referral').classes.keys());
  const served = new Set([...sdl.matchAll(/^(?:type|interface|input|enum|scalar|union) (\w+)/gm)].map((m) => m[1]!));
  const own = new Set<string>();
  for (const name of served) {
    let base = name;
    for (let cut = true; cut; ) {
      cut = false;
      for (const suffix of ['Like', 'Where', 'SortField', 'OrderBy', 'Connection', 'Edge']) {
        if (base.endsWith(suffix) && base.length > suffix.length) { base = base.slice(0, -suffix.length); cut = true; }
      }
    }
    if (classes.has(base)) continue;
    if (base === name || !API_TYPE_NAMES.has(base)) own.add(name);
  }
  const missing = [...own].filter((n) => !API_TYPE_NAMES.has(n));
  assert.deepEqual(missing, [], 'types the API serves that API_TYPE_NAMES lacks: a class named like one would collide');
  const stale = [...API_TYPE_NAMES].filter((n) => !served.has(n) && !['Boolean', 'Float', 'ID', 'Int', 'String'].includes(n));
  assert.deepEqual(stale, [], 'names in API_TYPE_NAMES the API does not serve');
});

void test('both serve the live referral page', async () => {
  for (const url of [serveUrl, demo.url]) {
    const res = await fetch(`${url}/demo`);
    assert.equal(res.status, 200, url);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    await res.body?.cancel();
  }
});
