/**
 * The `trailgraph` command as a user meets it, in real processes (stdout/stderr are pipes, not a terminal):
 * usage errors, store URLs, a port in use, help texts, replay exit codes and progress output.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSqliteDeadLetters, createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { loadVersionChain } from '../../src/app/ontology/ontology-versions.ts';
import { VERSION_META_KEY } from '../../src/core/migrations/plan.ts';
import { ingestAll, referralV1Events } from '../migrations/referral-v1-events.ts';
import { type CliRun, runTrailgraph } from '../support/cli-process.ts';

const trailgraph = (args: string[], timeoutMs?: number): Promise<CliRun> => runTrailgraph(args, timeoutMs === undefined ? {} : { timeoutMs });

void describe('trailgraph CLI edges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('`demo nothing` prints the usage and exits 2', async () => {
    const r = await trailgraph(['demo', 'nothing']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /unknown demo "nothing"; the one demo is: referral/);
    assert.match(r.stderr, /Usage: trailgraph demo/);
  });

  void test('`--store sqlite:/abs/path` and `file:` URLs are the file they name; unknown schemes are refused', async () => {
    const file = join(dir, 'url.db');
    const event = join(dir, 'e.json');
    writeFileSync(event, JSON.stringify({ specversion: '1.0', id: 'u-1', source: 'agent://cli', type: 'PatientRegistered', subject: 'Patient/p-1', data: { '@type': 'Patient', id: 'p-1', name: 'Ann', birthDate: '1970-01-01', mrn: 'MRN-000001' } }));
    const r = await trailgraph(['publish', event, '--store', `sqlite:${file}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(file), 'the store is the absolute path of the URL');
    assert.ok(!existsSync('sqlite:'), 'no relative ./sqlite: folder');
    const again = await trailgraph(['publish', event, '--store', `file://${file}`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /duplicate/, 'the same file: the event is already there');
    const bad = await trailgraph(['publish', event, '--store', 'postgres://db/g']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--store \/ TRAILGRAPH_STORE: unsupported store postgres:\/\/db\/g/);
  });

  void describe('with a port in use', () => {
    let blocker: Server;
    let port = 0;
    before(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      port = (blocker.address() as { port: number }).port;
    });
    after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    void test('`serve` on a port in use says so in one line and exits 1 (no Node stack)', async () => {
      const r = await trailgraph(['serve', '--port', String(port), '--store', join(dir, 'serve.db')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port} is in use — stop the other process or pass --port`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  void test('`ontology diff --help` lists every level the command prints, NONE included', async () => {
    const r = await trailgraph(['ontology', 'diff', '--help']);
    assert.equal(r.code, 0);
    for (const level of ['FULL', 'BACKWARD', 'FORWARD', 'NONE', 'BREAKING']) assert.match(r.stdout, new RegExp(`^ {2}${level} `, 'm'), level);
  });

  void test('`dlq replay <id>` exits non-zero when the letter is still rejected', async () => {
    const store = join(dir, 'dlq.db');
    const event = join(dir, 'bad.json');
    writeFileSync(event, JSON.stringify({ specversion: '1.0', id: 'bad-1', source: 'agent://cli', type: 'PatientRegistered', subject: 'Patient/p-2', data: { '@type': 'Patient', id: 'p-2' } }));
    const pub = await trailgraph(['publish', event, '--store', store]);
    assert.equal(pub.code, 1, 'the invalid event is rejected');
    const list = await trailgraph(['dlq', 'list', '--store', store]);
    const id = list.stdout.split('\n')[1]?.split('\t')[0];
    assert.ok(id, list.stdout);
    const replay = await trailgraph(['dlq', 'replay', id, '--store', store]);
    assert.match(replay.stdout, /still rejected/);
    assert.equal(replay.code, 1);
  });

  void test('`migrate` with output to a pipe prints plain progress lines, no bar templates', async () => {
    const chain = await loadVersionChain('ontology/referral');
    const v1 = chain.ontologies[0]!;
    const path = join(dir, 'migrate.db');
    const store = createSqliteStore({ path });
    await store.init(v1);
    await ingestAll(referralV1Events(300), { ontology: v1, store, deadLetters: createSqliteDeadLetters({ db: store.db }) });
    await store.setMeta(VERSION_META_KEY, v1.version);
    await store.close();
    const r = await trailgraph(['migrate', '--store', path, '--ontology', 'ontology/referral']);
    assert.equal(r.code, 0, r.stderr);
    const all = r.stdout + r.stderr;
  // eslint-disable-next-line no-control-regex -- asserting the absence of terminal escape codes
    assert.doesNotMatch(all, /\{step\}|\{bar\}|\{value\}|\u001b\[/, 'no template placeholders or control codes');
    assert.match(r.stderr, /^migrate: .+ \d+\/\d+ \(100%\)$/m);
  });
});
