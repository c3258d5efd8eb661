/**
 * The marks benchmark's projecting replica as its own process: NATS mode (JetStream pull consumer → projector →
 * the shared SQLite file) plus the mark fan-out of its commits over core NATS — what `serve --nats` runs, minus
 * HTTP. The subscribers live on another replica (the bench's process) with their own store handle.
 *
 *   node --import tsx bench/support/marks-replica.ts <natsUrl> <sqlite path>
 *
 * Prints `ready` once consuming; stops cleanly when stdin closes.
 */
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { connectNats } from '../../src/adapters/nats/jetstream-bus.ts';
import { createNatsMarkSource } from '../../src/adapters/nats/mark-fanout.ts';
import { startNatsMode } from '../../src/service/nats-mode.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';

const [url, path] = process.argv.slice(2);
if (!url || !path) throw new Error('usage: marks-replica.ts <natsUrl> <sqlite path>');
const ontology = await loadOntology('ontology/referral');
const store = createSqliteStore({ path, ontology });
await store.init(ontology);
const mode = await startNatsMode({ url, ontology, store, ontologyDir: 'ontology/referral' });
const fanout = createNatsMarkSource({ nc: await connectNats(url, 'bench-replica-p'), store, ownsConnection: true });
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void (async () => {
    await fanout.close();
    await mode.close();
    await store.close();
    process.exit(0);
  })();
});
