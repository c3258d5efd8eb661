/**
 * Claims under a real race: 8 processes × 500 claim attempts on 3 shared nodes of one store — a SQLite file
 * (serialised by its write lock) and a real Neo4j (serialised by the head-node lock taken first in every write
 * transaction) — short TTLs, random kill -9s. Verified from the ledger alone: per (node, purpose) grants, renewals,
 * releases and expiries never overlap (never two holders), an expiry never precedes the lease's end, and tokens
 * strictly increase.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerEntry } from '../../src/ports/graph-store.ts';
import { ontology, patientUpdated } from './fixtures.ts';
import { storesUnderTest, type FreshStore } from '../support/stores.ts';

const WORKER = fileURLToPath(new URL('../support/claims-worker.ts', import.meta.url));
const WORKERS = 8;
const ATTEMPTS = 500;
const NODES = ['n-1', 'n-2', 'n-3'];

interface Worker {
  agent: string;
  done: number;
  child?: ChildProcess;
  exited: Promise<number | null>;
}

function run(path: string, w: Worker): void {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, path, w.agent, String(ATTEMPTS - w.done), NODES.join(',')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (b: Buffer) => (w.done += b.length));
  w.child = child;
  w.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Checks the claim rows of the ledger; returns how many grants it saw. */
function verify(entries: readonly LedgerEntry[]): { grants: number; expiries: number; releases: number } {
  const held = new Map<string, { token: number; agent: string; expiresAt: number } | null>();
  const lastToken = new Map<string, number>();
  let grants = 0, expiries = 0, releases = 0;
  for (const e of entries) {
    for (const c of e.changes) {
      if (c.kind !== 'claim') continue;
      const key = `${c.on.id}/${c.purpose}`;
      const cur = held.get(key) ?? null;
      const at = Date.parse(e.time);
      const where = `seq ${e.seq} (${c.change} ${key} token ${c.token} by ${c.agent})`;
      switch (c.change) {
        case 'granted':
          assert.equal(cur, null, `${where}: granted while ${JSON.stringify(cur)} holds it — two holders`);
          assert.ok(c.token > (lastToken.get(key) ?? 0), `${where}: token did not increase`);
          lastToken.set(key, c.token);
          held.set(key, { token: c.token, agent: c.agent, expiresAt: Date.parse(c.expiresAt) });
          grants++;
          break;
        case 'renewed':
          // The store lets a holder renew a lease that ran out while nobody took it over (core's rule,
          // src/core/claims/rules.ts): no other token was issued in between, so fencing holds — which is
          // what `cur` still being this holder's claim proves here.
          assert.ok(cur && cur.token === c.token && cur.agent === c.agent, `${where}: renewed a claim it does not hold`);
          held.set(key, { ...cur, expiresAt: Date.parse(c.expiresAt) });
          break;
        case 'released':
          assert.ok(cur && cur.token === c.token, `${where}: released a claim it does not hold`);
          held.set(key, null);
          releases++;
          break;
        case 'expired':
          assert.ok(cur && cur.token === c.token, `${where}: expired a claim that was not held`);
          assert.ok(at >= cur.expiresAt, `${where}: expired ${cur.expiresAt - at} ms before the lease ended`);
          held.set(key, null);
          expiries++;
          break;
      }
    }
  }
  return { grants, expiries, releases };
}

for (const s of await storesUnderTest()) void describe(`claims race across processes (${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
  let db: FreshStore | undefined;
  const workers: Worker[] = [];
  after(() => {
    for (const w of workers) w.child?.kill('SIGKILL');
    db?.cleanup();
  });

  void it(`${WORKERS} processes × ${ATTEMPTS} claims with random kill -9s: never two holders, tokens increase`, { timeout: 900_000 }, async () => {
    db = await s.fresh();
    const setup = db.open(ontology);
    await setup.init(ontology);
    await setup.applyBatch(NODES.map((id) => patientUpdated(id, `evt-${id}`)));
    for (let i = 0; i < WORKERS; i++) {
      const w: Worker = { agent: `agent://w${i}`, done: 0, exited: Promise.resolve(null) };
      workers.push(w);
      run(db.locator, w);
    }
    // kill -9s at random points of progress (not of time: a fast machine would finish before a timer fires); each
    // killed worker is restarted for its remaining attempts. Six victims, each at a random attempt in 50..450.
    const plan = Array.from({ length: 6 }, (_, i) => ({ worker: workers[(i * 3) % WORKERS] as Worker, at: 50 + Math.floor(Math.random() * 400) }))
      .sort((a, b) => a.at - b.at);
    let kills = 0;
    while (plan.length > 0) {
      await sleep(5);
      const due = plan.findIndex((k) => k.worker.done >= k.at && k.worker.child?.exitCode === null && k.worker.done < ATTEMPTS);
      if (due === -1) {
        // A victim that already finished can no longer be killed mid-race: drop its kill.
        for (let i = plan.length - 1; i >= 0; i--) if ((plan[i] as (typeof plan)[number]).worker.done >= ATTEMPTS) plan.splice(i, 1);
        continue;
      }
      const [{ worker: victim }] = plan.splice(due, 1) as [(typeof plan)[number]];
      victim.child?.kill('SIGKILL');
      await victim.exited;
      kills++;
      run(db.locator, victim);
    }
    const codes = await Promise.all(workers.map((w) => w.exited));
    assert.deepEqual(codes, workers.map(() => 0), 'every worker finished its attempts');
    assert.ok(kills >= 3, `only ${kills} kill -9s happened`);

    const entries: LedgerEntry[] = [];
    for (let after = 0; ; ) {
      const page = await setup.ledger(after, 1000);
      if (page.length === 0) break;
      entries.push(...page);
      after = page.at(-1)?.seq ?? after;
    }
    await setup.close();
    const seqs = entries.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the ledger is gap-free');
    const { grants, expiries, releases } = verify(entries);
    assert.ok(grants > 100, `only ${grants} grants: the race did not happen`);
    assert.ok(expiries > 0 && releases > 0, `expiries ${expiries}, releases ${releases}`);
  });
});
