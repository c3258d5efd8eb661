/**
 * `@trailgraph/client` as an agent installs it: a small tarball of compiled ESM + declarations, a handful of
 * dependencies (none native, no server), imported from plain JS and type-checked from TypeScript — then used
 * against a live trailgraph service.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { patientEvent, startTestApi, type TestApi } from '../marks/api-server.ts';
import { tempDbPath } from '../marks/fixtures.ts';
import { installConsumer, npmWarnings, pack, type Packed, type Ran, ROOT, run, typecheck } from './packing.ts';

const SLOW = { timeout: 600_000 };

/** Every package directory under node_modules (scoped ones as `@scope/name`). */
function installedPackages(dir: string): string[] {
  const nm = join(dir, 'node_modules');
  return readdirSync(nm).filter((n) => !n.startsWith('.')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(nm, n)).map((m) => `${n}/${m}`) : [n])).sort();
}

void describe('the @trailgraph/client package, packed and installed', SLOW, () => {
  const work = mkdtempSync(join(tmpdir(), 'tg-client-pack-'));
  const consumer = join(work, 'consumer');
  const db = tempDbPath();
  let packed: Packed;
  let install: Ran;
  let api: TestApi;
  before(async () => {
    packed = await pack(join(ROOT, 'packages', 'client'), work);
    install = await installConsumer(consumer, [packed.tarball]);
    api = await startTestApi({ path: db.path });
  }, SLOW);
  after(async () => {
    await api?.close();
    db.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  void test('holds only compiled JS, declarations, maps and the README', () => {
    assert.ok(packed.files.includes('dist/index.js') && packed.files.includes('dist/index.d.ts'), packed.files.join('\n'));
    assert.deepEqual(packed.files.filter((f) => !/^(dist\/[\w-]+\.(js|js\.map|d\.ts)|package\.json|README\.md)$/.test(f)), []);
  });

  void test('installs without warnings and without the server: no trailgraph, no native module, three packages', () => {
    assert.deepEqual(npmWarnings(install), []);
    assert.deepEqual(installedPackages(consumer), ['@trailgraph/client', 'graphql', 'graphql-sse']);
  });

  void test('plain JS: publishes to a live server and reads the event back', async () => {
    writeFileSync(join(consumer, 'agent.mjs'), `
import { createClient, TrailgraphClientError } from '@trailgraph/client';
const tg = createClient({ url: process.argv[2], agent: 'agent://intake' });
const r = await tg.publish(JSON.parse(process.argv[3]));
const d = await tg.query('query($s: Int) { patient(id: "p-l1", atLeastSeq: $s) { name } }', { s: r.seq });
let code = '';
try { await tg.publish({ specversion: '1.0', id: 'light-2', source: 'agent://intake', type: 'NoSuchEvent', data: {} }); }
catch (err) { if (err instanceof TrailgraphClientError) code = err.code; else throw err; }
console.log(JSON.stringify({ status: r.status, name: d.patient.name, code }));
`);
    const res = await run(process.execPath, ['agent.mjs', api.url, JSON.stringify(patientEvent('p-l1', 'Ann Lee'))], { cwd: consumer, timeoutMs: 60_000 });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { status: string; name: string; code: string };
    assert.equal(out.status, 'applied');
    assert.equal(out.name, 'Ann Lee');
    assert.notEqual(out.code, '', 'an unknown event type is rejected with a coded TrailgraphClientError');
  });

  void test('TypeScript (no Node types, no skipLibCheck): the declarations type-check and are real types', async () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ['ES2022', 'DOM', 'DOM.Iterable'] },
      files: ['consumer.ts'],
    }));
    writeFileSync(join(consumer, 'consumer.ts'), `
import { createClient, TrailgraphClientError, type Mark, type MarkChange } from '@trailgraph/client';
const tg = createClient({ url: 'http://localhost:4000', agent: 'agent://ts' });
export async function go(): Promise<string[]> {
  // @ts-expect-error claim needs a ttl
  await tg.claim('r-1', 'triage');
  const seen: string[] = [];
  for await (const m of tg.subscribe({ classes: ['Referral'] })) {
    const mark: Mark = m;
    for (const c of mark.changes satisfies readonly MarkChange[]) if (c.kind === 'claim') seen.push(c.purpose);
    break;
  }
  return seen;
}
export const isClientError = (e: unknown): boolean => e instanceof TrailgraphClientError;
`);
    const res = await typecheck(consumer);
    assert.equal(res.code, 0, res.stdout + res.stderr);
  });
});
