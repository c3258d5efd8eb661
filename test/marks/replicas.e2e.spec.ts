/**
 * Two `trailgraph serve` processes sharing one nats-server and one SQLite file: a subscriber on replica A sees
 * the marks of events published through replica B and of signal marks left on B — every one, in seq order.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Mark } from '../../src/client/index.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { take, tempDbPath } from './fixtures.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Replica {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

async function startReplica(store: string, natsUrl: string, projector: boolean): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--store', store, '--nats-url', natsUrl, '--projector', projector ? '1' : '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The store poll slowed to a minute: within this test, any mark that arrives came over the NATS fan-out.
    env: { ...process.env, TRAILGRAPH_MODE: 'production', TRAILGRAPH_INSECURE: '1', TRAILGRAPH_MARKS_POLL_MS: '60000' },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /GraphQL\s+(http:\/\/[^\s/]+)\/graphql/.exec(out);
    if (m?.[1]) return { url: m[1], child, output: () => out };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start:\n${out}`);
    await sleep(100);
  }
}

let n = 0;
const patientRegistered = (id: string): Record<string, unknown> => ({
  specversion: '1.0', id: `evt-${id}-${++n}`, source: 'agent://registry', type: 'PatientRegistered', subject: `Patient/${id}`,
  time: new Date().toISOString(),
  data: { '@type': 'Patient', id, name: 'Ada Replica', birthDate: '1980-01-01', mrn: `MRN-${String(100000 + n)}` },
});

void describe('mark fan-out across two serve replicas over NATS', () => {
  const db = tempDbPath();
  let nats: NatsServer;
  let a: Replica;
  let b: Replica;
  before(async () => {
    nats = await startNatsServer({ jetstream: true });
    // The production shape: one projector (B); A only serves, and sees B's commits through the NATS fan-out.
    a = await startReplica(db.path, nats.url, false);
    b = await startReplica(db.path, nats.url, true);
  });
  after(async () => {
    for (const r of [a, b]) {
      if (!r || r.child.exitCode !== null) continue;
      r.child.kill('SIGTERM');
      await new Promise((resolve) => r.child.once('exit', resolve));
    }
    await nats?.stop();
    db.cleanup();
  });

  void it('a subscriber on A receives the marks of events and signal marks committed through B', { timeout: 60_000 }, async () => {
    assert.match(a.output(), /\(nats\)/, 'replica A fans marks out over NATS');
    const onA = createClient({ url: a.url, agent: 'agent://watcher' });
    const onB = createClient({ url: b.url, agent: 'agent://intake' });
    const stream = onA.subscribe({ classes: ['Patient'] }, { nodes: 'id ... on Patient { name }' });
    const it = stream[Symbol.asyncIterator]();
    const expected = take(it, 20, 30_000);
    await sleep(300);

    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await onB.publish(patientRegistered(`pat-${i}`));
      assert.ok(r.seq !== null, `published with a seq (${r.status})`);
      seqs.push(r.seq);
    }
    // Signal marks are committed by B's own process: they can reach A only through the fan-out (or the store).
    for (let i = 0; i < 10; i++) {
      const left = await onB.leaveMark({ on: `pat-${i}`, kind: 'needs-review', ttlMs: 60_000 });
      seqs.push(left.seq);
    }
    const got = (await expected) as Mark[];
    assert.deepEqual(got.map((m) => m.seq), [...seqs].sort((x, y) => x - y));
    assert.equal(got[0]?.nodes[0]?.name, 'Ada Replica');
    stream.close();
  });

  void it('B → A delivery is pushed over NATS, not found by the store poll', { timeout: 60_000 }, async () => {
    const onA = createClient({ url: a.url, agent: 'agent://watcher' });
    const onB = createClient({ url: b.url, agent: 'agent://triage' });
    // Resume from the current head: a mark committed before the subscription is established is replayed, not
    // missed (a missed mark would leave the loop below waiting for a tenth).
    const stream = onA.subscribe({ kinds: ['fast'] }, { after: await onA.headSeq() });
    const it = stream[Symbol.asyncIterator]();
    await sleep(300);
    const latencies: number[] = [];
    for (let i = 0; i < 9; i++) {
      const next = it.next();
      const t0 = performance.now();
      await onB.leaveMark({ on: 'pat-0', kind: 'fast', ttlMs: 60_000 });
      await next;
      latencies.push(performance.now() - t0);
    }
    // The poll runs once a minute here, so nine marks each arriving within seconds were pushed. (Timings are not
    // asserted tighter: on a loaded machine a push can take a few hundred ms.)
    latencies.sort((x, y) => x - y);
    assert.ok((latencies[8] ?? Infinity) < 15_000, `B→A latencies ${latencies.map((l) => l.toFixed(0)).join(', ')} ms: not pushed`);
    stream.close();
  });
});
