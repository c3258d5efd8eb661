/**
 * A full disk, for real: the store lives on a small tmpfs that the test fills. `/readyz` turns 503 saying "disk full"
 * and where once writes fail (reads still work, so a read-only check would stay 200), and turns 200 again when space
 * is freed, with no traffic needed; starting on a full disk says "disk full" and the path, not an SQLite code.
 *
 * Mounting a tmpfs needs root (CAP_SYS_ADMIN); without it the test skips, saying so.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startServe, type ServeProcess } from '../support/serve-process.ts';

const root = mkdtempSync(join(tmpdir(), 'tg-disk-full-'));
const mounts: string[] = [];

/** A fresh tmpfs of `mb` MiB, or the reason none can be mounted here. */
function tmpfs(name: string, mb: number): string {
  const dir = join(root, name);
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  mounts.push(dir);
  return dir;
}

const mountRefused = ((): string | false => {
  try {
    tmpfs('probe', 1);
    return false;
  } catch (err) {
    return `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()}): needs root`;
  }
})();

/** Fills the disk holding `dir` to the last byte; returns the filler file. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = chunk.length; size >= 1; ) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch {
        size = Math.floor(size / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

after(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
});

void describe('a full disk under the store', { skip: mountRefused }, () => {
  let serve: ServeProcess | undefined;
  after(async () => {
    await serve?.stop();
  });

  void test('/readyz is 503 "disk full" while writes fail, and 200 again once space is freed', { timeout: 180_000 }, async () => {
    const disk = tmpfs('store', 8);
    const storePath = join(disk, 'graph.db');
    serve = await startServe(['--store', storePath, '--ontology', 'ontology/referral']);
    const base = serve.url;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const post = (i: number): Promise<Response> => fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0', id: `full-${i}`, source: 'agent://intake', type: 'PatientRegistered', subject: `Patient/p-${i}`,
        data: { '@type': 'Patient', id: `p-${i}`, name: `Patient ${i}`, allergy: ['x'.repeat(200)], birthDate: '1970-02-03', mrn: `MRN-${String(i).padStart(6, '0')}` },
      }),
    });
    const first = await post(0);
    assert.equal(first.status, 201, await first.text());
    const filler = fill(disk);

    let refused: Response | undefined;
    for (let i = 1; i <= 500 && !refused; i++) {
      const res = await post(i);
      if (res.status >= 400) refused = res;
    }
    assert.ok(refused, 'a write failed once the disk was full');
    const refusedBody = await refused.text();
    assert.doesNotMatch(refusedBody, /at .+\.(ts|js):\d+/, 'no stack trace in the answer');

    // Past a few sweeps (every 500 ms): one that finds nothing to do succeeds without space and must not make the
    // service look writable again.
    await new Promise((r) => setTimeout(r, 1_600));
    const notReady = await fetch(`${base}/readyz`);
    assert.equal(notReady.status, 503);
    const reason = ((await notReady.json()) as { reason: string }).reason;
    assert.match(reason, /^disk full: /);
    assert.ok(reason.includes(storePath), reason);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'alive: only readiness changes');

    rmSync(filler);
    assert.equal((await fetch(`${base}/readyz`)).status, 200, 'ready again with no event needed to notice');
    assert.equal((await post(10_000)).status, 201, 'and writes apply again');
  });

  void test('starting on a full disk says "disk full" and where', { timeout: 120_000 }, async () => {
    const disk = tmpfs('full', 1);
    fill(disk);
    const storePath = join(disk, 'graph.db');
    const run = spawnSync(process.execPath, ['bin/trailgraph.js', 'serve', '--port', '0', '--store', storePath, '--ontology', 'ontology/referral'], { encoding: 'utf8', timeout: 90_000 });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /disk full/);
    assert.ok(run.stderr.includes(storePath), run.stderr);
    assert.doesNotMatch(run.stderr, /at .+\.(ts|js):\d+/, 'a message, not a stack trace');
  });
});
