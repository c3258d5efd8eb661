/**
 * A new project from nothing, as a user types it: `trailgraph init`, then every command without --ontology/--store
 * (trailgraph.config.json carries them), `serve`, and the CLI talking to that running service over HTTP
 * (`status`, `publish --url`) instead of opening its store file.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'trailgraph.js');
const dir = mkdtempSync(join(tmpdir(), 'tg-init-'));
const env = { ...process.env, TRAILGRAPH_MODE: 'development', TRAILGRAPH_NATS_URL: '', TRAILGRAPH_URL: '', TRAILGRAPH_ONTOLOGY: '', TRAILGRAPH_STORE: '', TRAILGRAPH_QUERIES: '' };
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, input, encoding: 'utf8', timeout: 120_000 });

void describe('trailgraph init, config file and the CLI against a running service', { timeout: 300_000 }, () => {
  let serve: ChildProcess | undefined;
  let url = '';
  before(async () => {
    const init = cli(['init', 'clinic-ops']);
    assert.equal(init.status, 0, init.stderr);
    serve = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

  void test('init wrote a domain, a query, an example event, a test and the config file; serve used them', () => {
    for (const f of ['ontology/clinic-ops/v1/clinic-ops.ttl', 'queries/task.graphql', 'events/task-opened.json', 'test/clinic-ops.test.mjs', 'trailgraph.config.json']) {
      assert.ok(existsSync(join(dir, f)), f);
    }
    assert.ok(existsSync(join(dir, '.trailgraph', 'clinic-ops.db')), 'serve opened the store the config file names');
  });

  void test('ontology check needs no argument and passes at once', () => {
    const r = cli(['ontology', 'check']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /TaskOpened/);
    assert.match(r.stdout, /0 error\(s\)/);
  });

  void test('status asks the running service: ready, ontology 1.0.0, head seq', () => {
    const r = cli(['status', '--url', url, '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const s = JSON.parse(r.stdout) as { ok: boolean; ready: string; ontology: string; headSeq: number };
    assert.deepEqual({ ok: s.ok, ready: s.ready, ontology: s.ontology }, { ok: true, ready: 'ready', ontology: '1.0.0' });
    assert.equal(typeof s.headSeq, 'number');
  });

  void test('publish --url goes through the service: applied, then duplicate; an invalid event is rejected with its pointer', () => {
    const ok = cli(['publish', '--url', url, 'events/task-opened.json']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✓ task-1-opened applied seq \d+/);
    const again = cli(['publish', '--url', url, 'events/task-opened.json']);
    assert.match(again.stdout, /✓ task-1-opened duplicate/);
    const bad = cli(['publish', '--url', url, '-'], JSON.stringify({ specversion: '1.0', id: 't-2', source: 'agent://a', type: 'TaskOpened', subject: 'Task/t-2', data: { '@type': 'Task', id: 't-2' } }));
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /✗ t-2 rejected: .*\/data\/title/);
  });

  void test('the url in trailgraph.config.json is used when no --store is given', () => {
    writeFileSync(join(dir, 'trailgraph.config.json'), JSON.stringify({ ontology: 'ontology/clinic-ops', store: '.trailgraph/clinic-ops.db', queries: 'queries', url }));
    const r = cli(['status']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`${url.replace(/[.]/g, '\\.')}\\n\\s+health\\s+ok`));
  });

  void test('a bad config file is a located error; init never overwrites', () => {
    writeFileSync(join(dir, 'trailgraph.config.json'), JSON.stringify({ ontology: 'ontology/clinic-ops', stroe: 'x.db' }));
    const bad = cli(['status']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /trailgraph\.config\.json: .*stroe/);
    writeFileSync(join(dir, 'trailgraph.config.json'), '{}');
    const again = cli(['init', 'clinic-ops']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /would overwrite ontology\/clinic-ops\/v1\/clinic-ops\.ttl/);
  });
});
