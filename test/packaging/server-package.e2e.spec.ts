/**
 * The `trailgraph` tarball as a user gets it: only compiled output, installs into an empty project without a
 * warning, the bin serves, and both entry points import from plain JS and type-check from TypeScript.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { borrowSqliteBinary, installConsumer, npmWarnings, pack, type Packed, type Ran, ROOT, run, typecheck } from './packing.ts';

const SLOW = { timeout: 900_000 };

void describe('the trailgraph package, packed and installed', SLOW, () => {
  const work = mkdtempSync(join(tmpdir(), 'tg-pack-'));
  const consumer = join(work, 'consumer');
  const bin = join(consumer, 'node_modules', '.bin', 'trailgraph');
  let packed: Packed;
  let install: Ran;
  before(async () => {
    packed = await pack(ROOT, work);
    install = await installConsumer(consumer, [packed.tarball]);
  }, SLOW);
  after(() => rmSync(work, { recursive: true, force: true }));

  void test('holds compiled JS with declarations and the bin, and none of tests, sources, bench or CI files', () => {
    for (const f of ['bin/trailgraph.js', 'dist/cli/commands/init.js', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/client/index.js', 'dist/client/index.d.ts', 'dist/cli/main.js', 'dist/demo/referral/page/index.html', 'package.json', 'README.md']) {
      assert.ok(packed.files.includes(f), `${f} is in the tarball`);
    }
    const stray = packed.files.filter((f) => !/^(dist\/|bin\/trailgraph\.js$|package\.json$|README\.md$)/.test(f) || /\.spec\.|\.ts$/.test(f.replace(/\.d\.ts$/, '')));
    assert.deepEqual(stray, []);
  });

  void test('installs into an empty project with no npm warning (no EBADENGINE on this Node)', () => {
    assert.deepEqual(npmWarnings(install), []);
  });

  void test('the bin runs from JS: --help and ontology check', async () => {
    const help = await run(bin, ['--help'], { cwd: consumer });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: trailgraph/);
    const check = await run(bin, ['ontology', 'check', join(ROOT, 'ontology', 'referral')], { cwd: consumer });
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  void test('plain JS: both entry points import', async () => {
    writeFileSync(join(consumer, 'entry.mjs'), `
import * as server from 'trailgraph';
import { createClient, TrailgraphClientError } from 'trailgraph/client';
for (const name of ['loadOntology', 'compileOntology', 'createRuntime', 'createApi', 'createSqliteStore', 'createIngestor', 'createClient', 'InvalidEventError']) {
  if (typeof server[name] !== 'function') throw new Error('trailgraph lacks ' + name);
}
const tg = createClient({ url: 'http://127.0.0.1:9', agent: 'agent://probe' });
if (typeof tg.publish !== 'function' || typeof TrailgraphClientError !== 'function') throw new Error('client incomplete');
console.log('ok');
`);
    const res = await run(process.execPath, ['entry.mjs'], { cwd: consumer });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim(), 'ok');
  });

  void test('TypeScript: a consumer type-checks against the declarations (and they are real types, not any)', async () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['ES2023', 'DOM'] },
      files: ['consumer.ts'],
    }));
    writeFileSync(join(consumer, 'consumer.ts'), `
import { compileOntology, type CompiledOntology } from 'trailgraph';
import { createClient, type Mark, type PublishResult } from 'trailgraph/client';
const tg = createClient({ url: 'http://localhost:4000', agent: 'agent://ts' });
export async function go(): Promise<PublishResult> {
  const head: number = await tg.headSeq();
  // @ts-expect-error headSeq resolves to a number, not a string
  const wrong: string = await tg.headSeq();
  void wrong;
  for await (const m of tg.subscribe({ classes: ['Referral'] })) { const seq: number = (m satisfies Mark).seq; void seq; break; }
  return tg.publish({ specversion: '1.0', id: String(head), source: 'agent://ts', type: 'T', data: {} });
}
export type Compiled = CompiledOntology;
export const compile = compileOntology;
`);
    const res = await typecheck(consumer);
    assert.equal(res.code, 0, res.stdout + res.stderr);
  });

  void test('trailgraph init scaffolds a domain whose own test passes against the installed package', async () => {
    const project = join(consumer, 'project');
    const env: NodeJS.ProcessEnv = { ...process.env, TRAILGRAPH_URL: '', TRAILGRAPH_ONTOLOGY: '', TRAILGRAPH_STORE: '' };
    const init = await run(bin, ['init', 'clinic-ops', '--dir', project], { cwd: consumer, env });
    assert.equal(init.code, 0, init.stderr);
    const check = await run(bin, ['ontology', 'check'], { cwd: project, env });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    borrowSqliteBinary(consumer);
    // Not as a child of this test run (NODE_TEST_CONTEXT would route its report to us): as a user runs it.
    const { NODE_TEST_CONTEXT: _, ...standalone } = env;
    const own = await run(process.execPath, ['--test', '--test-reporter=tap', join(project, 'test', 'clinic-ops.test.mjs')], { cwd: project, env: standalone });
    assert.equal(own.code, 0, own.stdout + own.stderr);
    assert.match(own.stdout, /# pass 2/);
  });

  void test('serve runs from the installed package; the installed client publishes to it and reads back', async () => {
    borrowSqliteBinary(consumer);
    const proc: ChildProcess = spawn(bin, ['serve', '--port', '0', '--store', join(work, 'graph.db'), '--ontology', join(ROOT, 'ontology', 'referral'), '--queries', join(ROOT, 'queries')], {
      cwd: consumer,
      env: { ...process.env, TRAILGRAPH_MODE: 'development', TRAILGRAPH_NATS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      let url: string | undefined;
      while (!url) {
        url = /(http:\/\/[\d.:]+)\/graphql/.exec(output)?.[1];
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      writeFileSync(join(consumer, 'agent.mjs'), `
import { createClient } from 'trailgraph/client';
const tg = createClient({ url: process.argv[2], agent: 'agent://intake' });
const r = await tg.publish({ specversion: '1.0', id: 'pack-1', source: 'agent://intake', type: 'PatientRegistered', subject: 'Patient/p-1',
  data: { '@type': 'Patient', id: 'p-1', name: 'Ann Lee', birthDate: '1970-02-03', mrn: 'MRN-000001' } });
const d = await tg.query('query($s: Int) { patient(id: "p-1", atLeastSeq: $s) { name } }', { s: r.seq });
console.log(JSON.stringify({ status: r.status, name: d.patient.name }));
`);
      const res = await run(process.execPath, ['agent.mjs', url], { cwd: consumer, timeoutMs: 60_000 });
      assert.equal(res.code, 0, res.stderr + output);
      assert.deepEqual(JSON.parse(res.stdout), { status: 'applied', name: 'Ann Lee' });
    } finally {
      proc.kill('SIGKILL');
    }
  });
});
