/**
 * The JetStream durability promise rests on `sync_interval: always` (fsync before ack) on every node, on every node
 * knowing every route, and on the tests running what is deployed: one pinned server version and one shared
 * JetStream/cluster config that the compose nodes and the test servers both include. A config edit that breaks
 * any of that must fail here, not in production.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const dir = 'deploy/nats';
const nodeFiles = readdirSync(dir).filter((f) => /^nats-\d+\.conf$/.test(f)).sort();
const version = readFileSync(join(dir, 'VERSION'), 'utf8').trim();

/** The body of the top-level `name { ... }` block (no nested braces in our configs' blocks of interest). */
function block(text: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*${name}\\s*[:=]?\\s*\\{([^}]*)\\}`, 'm').exec(text);
  return m?.[1];
}
const uncomment = (text: string): string => text.replace(/#.*$/gm, '');
const read = (file: string): string => uncomment(readFileSync(join(dir, file), 'utf8'));

void test('one pinned nats-server release, 2.12 or newer', () => {
  assert.match(version, /^\d+\.\d+\.\d+$/);
  const [major, minor] = version.split('.').map(Number) as [number, number];
  assert.ok(major > 2 || minor >= 12, `${version} is older than 2.12`);
});

void test('docker-compose.yml deploys the pinned release', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');
  const images = [...compose.matchAll(/image:\s*nats:(\S+)/g)].map((m) => m[1]);
  assert.ok(images.length > 0, 'no nats image in docker-compose.yml');
  for (const tag of images) assert.match(tag ?? '', new RegExp(`^${version.replaceAll('.', '\\.')}(-alpine)?$`), `image nats:${tag} is not the pinned ${version}`);
});

void test('.ci/run builds the pinned release from deploy/nats/VERSION (not a distribution package)', () => {
  const ci = readFileSync('.ci/run', 'utf8');
  assert.match(ci, /deploy\/nats\/VERSION/);
  assert.match(ci, /go install "github\.com\/nats-io\/nats-server\/v2@v\$\{nats_version\}"/);
  assert.doesNotMatch(ci, /need_apt\+=\(nats-server\)/);
});

void test('the shared JetStream config fsyncs every write and sets limits', () => {
  const js = read('jetstream.conf');
  assert.match(js, /^\s*sync_interval\s*[:=]\s*always\s*$/m);
  assert.match(js, /^\s*max_file_store\s*[:=]/m);
  assert.match(js, /^\s*max_memory_store\s*[:=]/m);
  assert.doesNotMatch(js, /store_dir/, 'store_dir is per node, not shared');
});

void test('the shared cluster config names the cluster', () => {
  assert.match(read('cluster.conf'), /^\s*name\s*[:=]\s*trailgraph\s*$/m);
});

void test('there is one config per cluster node', () => {
  assert.deepEqual(nodeFiles, ['nats-1.conf', 'nats-2.conf', 'nats-3.conf']);
});

for (const file of nodeFiles) {
  const text = read(file);
  void test(`${file}: includes the shared JetStream settings in its jetstream block`, () => {
    const js = block(text, 'jetstream');
    assert.ok(js, 'no jetstream block');
    assert.match(js, /^\s*include\s+"jetstream\.conf"\s*$/m);
    assert.match(js, /^\s*store_dir\s*[:=]/m);
  });
  void test(`${file}: routes to all three nodes in one cluster (shared settings included), with a unique server name`, () => {
    const cluster = block(text, 'cluster');
    assert.ok(cluster, 'no cluster block');
    assert.match(cluster, /^\s*include\s+"cluster\.conf"\s*$/m);
    for (const n of [1, 2, 3]) assert.match(cluster, new RegExp(`nats-route://nats-${n}:6222`));
    assert.match(text, new RegExp(`^server_name:\\s*${file.replace('.conf', '')}$`, 'm'));
  });
}

void test('the test servers include the same shared files', () => {
  const helper = readFileSync('test/support/nats-server.ts', 'utf8');
  assert.match(helper, /'deploy', 'nats', 'jetstream\.conf'/);
  assert.match(helper, /'deploy', 'nats', 'cluster\.conf'/);
});
