/**
 * A claims-race worker process (test/marks/claims-race.e2e.spec.ts): hammers claim / renew / release on a few
 * shared nodes of one store (a SQLite file or a Neo4j) with short TTLs. Prints one "." per attempt so the parent can count progress
 * (and pick up where a kill -9 left off).
 *
 * Usage: node --import tsx test/support/claims-worker.ts <db path | bolt://…> <agent> <attempts> <node ids comma-separated>
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../../src/core/errors.ts';
import { openStoreAt } from './stores.ts';

const [path, agent, attemptsArg, nodesArg] = process.argv.slice(2);
if (!path || !agent || !attemptsArg || !nodesArg) {
  process.stderr.write('usage: claims-worker.ts <db> <agent> <attempts> <nodes>\n');
  process.exit(2);
}
const nodes = nodesArg.split(',');
const store = openStoreAt(path);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

for (let i = 0; i < Number(attemptsArg); i++) {
  const on = pick(nodes);
  const ttlMs = 20 + Math.floor(Math.random() * 100);
  const r = await store.claim({ on, purpose: 'triage', agent, ttlMs });
  if (r.granted) {
    await sleep(Math.random() * 15);
    let token = r.claim.token;
    if (Math.random() < 0.5) {
      // On a busy machine the lease may run out before the renewal and be taken over and released by another
      // worker: then there is no claim to renew (NotFoundError), which a real agent handles by claiming again.
      const renewed = await store.renewClaim({ on, purpose: 'triage', agent, ttlMs, token }).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      if (renewed?.granted) token = renewed.claim.token;
    }
    if (Math.random() < 0.7) await store.releaseClaim({ on, purpose: 'triage', agent, token });
    // else: let it expire; another worker's claim() records the expiry.
  } else {
    await sleep(Math.random() * 3);
  }
  process.stdout.write('.');
}
await store.close();
