/**
 * A projector as its own process, for crash tests: `node --import tsx test/support/projector-process.ts
 * <natsUrl> <sqlitePath | bolt://…>` (Neo4j: password from NEO4J_PASSWORD). Prints `position N` after each commit advance so the parent can follow it.
 * Uses the clinic fixture ontology.
 *
 * Test hooks (env): `TG_TEST_CRASH_ON=<event id>` makes the process exit abruptly (code 70, no cleanup) whenever
 * a batch holding that event is about to be applied — a message that crashes the process, not a thrown error;
 * `TG_TEST_MAX_DELIVER=<n>` sets the consumer's max_deliver.
 */
import { createJetStreamBus } from '../../src/adapters/nats/jetstream-bus.ts';
import { createNatsDeadLetters } from '../../src/adapters/nats/dead-letters.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { createProjector } from '../../src/app/ingest/projector.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { openStoreAt } from './stores.ts';

const [natsUrl, path] = process.argv.slice(2);
if (!natsUrl || !path) throw new Error('usage: projector-process.ts <natsUrl> <sqlitePath | bolt://…>');
const ontology = clinicOntology();
const store = openStoreAt(path, ontology);
// Start-up steps go to stderr, which the crash tests keep: a child that stalls says where.
const started = Date.now();
process.stderr.write(`[pid ${process.pid}] opening the store\n`);
await store.init(ontology);
process.stderr.write(`[pid ${process.pid}] store ready in ${Date.now() - started} ms\n`);
const maxDeliver = process.env.TG_TEST_MAX_DELIVER ? Number(process.env.TG_TEST_MAX_DELIVER) : undefined;
const bus = await createJetStreamBus({ url: natsUrl, domain: 'clinic', ackWaitMs: 2000, ...(maxDeliver !== undefined && { maxDeliver }) });
const deadLetters = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
const real = createIngestor({ ontology, store, deadLetters });
const crashOn = process.env.TG_TEST_CRASH_ON;
const ingestor: typeof real = crashOn
  ? {
      ...real,
      ingest(raws, options) {
        if (raws.some((r) => typeof r.payload === 'string' && r.payload.includes(`"id":"${crashOn}"`))) {
          process.stderr.write(`crashing on ${crashOn}\n`);
          process.exit(70);
        }
        return real.ingest(raws, options);
      },
    }
  : real;
const projector = createProjector({ bus, ingestor, store, deadLetters, batchSize: 200, checkpointName: 'nats:projector', log: (l) => process.stderr.write(`[pid ${process.pid}] ${l}\n`) });
await projector.start();
process.stderr.write(`[pid ${process.pid}] consuming from ${projector.position + 1}\n`);
// At once: the first line is the position it started from (the store's checkpoint), before any batch commits.
let last = projector.position;
process.stdout.write(`position ${last}\n`);
const timer = setInterval(() => {
  if (projector.position !== last) {
    last = projector.position;
    process.stdout.write(`position ${last}\n`);
  }
}, 20);
process.on('SIGTERM', () => {
  clearInterval(timer);
  void projector.stop().then(async () => {
    await bus.close();
    await store.close();
    process.exit(0);
  });
});
