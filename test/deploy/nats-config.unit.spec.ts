/**
 * The JetStream durability promise rests on `sync_interval: always` (fsync before ack) on every node, and on
 * every node knowing every route. A config edit that drops either must fail here, not in production.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const dir = 'deploy/nats';
const files = readdirSync(dir).filter((f) => f.endsWith('.conf')).sort();

/** The body of the top-level `name { ... }` block (no nested braces in our configs' blocks of interest). */
function block(text: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*${name}\\s*[:=]?\\s*\\{([^}]*)\\}`, 'm').exec(text);
  return m?.[1];
}
const uncomment = (text: string): string => text.replace(/#.*$/gm, '');

void test('there is one config per cluster node', () => {
  assert.deepEqual(files, ['nats-1.conf', 'nats-2.conf', 'nats-3.conf']);
});

for (const file of files) {
  const text = uncomment(readFileSync(join(dir, file), 'utf8'));
  void test(`${file}: JetStream fsyncs every write (sync_interval: always)`, () => {
    const js = block(text, 'jetstream');
    assert.ok(js, 'no jetstream block');
    assert.match(js, /^\s*sync_interval\s*[:=]\s*always\s*$/m);
  });
  void test(`${file}: routes to all three nodes in one named cluster, with a unique server name`, () => {
    const cluster = block(text, 'cluster');
    assert.ok(cluster, 'no cluster block');
    assert.match(cluster, /name\s*[:=]\s*trailgraph/);
    for (const n of [1, 2, 3]) assert.match(cluster, new RegExp(`nats-route://nats-${n}:6222`));
    assert.match(text, new RegExp(`^server_name:\\s*${file.replace('.conf', '')}$`, 'm'));
  });
}
