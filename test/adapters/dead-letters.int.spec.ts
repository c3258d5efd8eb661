/** The dead-letter contract on both adapters: the SQLite table (a real file) and the JetStream stream (a real nats-server). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { createNatsDeadLetters } from '../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteDeadLetters } from '../../src/adapters/sqlite/dead-letters.ts';
import { deadLetterContract } from '../contract/dead-letters.contract.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

void describe('dead letters contract (sqlite)', () => {
  deadLetterContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-dlq-'));
    const store = createSqliteDeadLetters({ path: join(dir, 'graph.db') });
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

void describe('dead letters contract (nats)', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  void before(async () => {
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic' });
  });
  void after(async () => {
    await bus?.close();
    await server?.stop();
  });
  deadLetterContract(async () => {
    // The stream owns the dead-letter subjects, so each test gets a new stream rather than a second one beside it.
    const stream = 'TG_DEADLETTERS';
    await bus.jsm.streams.delete(stream).catch(() => false);
    const store = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm, stream });
    return { store, cleanup: async () => void (await bus.jsm.streams.delete(stream).catch(() => false)) };
  });
});
