/**
 * The event-bus contract on the JetStream adapter, deployed both ways it runs: a single nats-server (one replica)
 * and a real 3-node cluster with an R3 stream (an ack means stored on a majority).
 */
import { after, before, describe } from 'node:test';
import { createJetStreamBus, type JetStreamBus } from '../../src/adapters/nats/jetstream-bus.ts';
import { eventBusContract, type MakeEventBus } from '../contract/event-bus.contract.ts';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

/**
 * A fresh event stream per test on the server(s) at `url`: the admin connection deletes the previous one (a stream
 * owns `tg.events.>`, so a second one beside it is refused), then the bus under test creates it anew. Short ack
 * wait and backoff keep the redelivery tests to seconds.
 */
function freshBus(url: () => string, admin: () => JetStreamBus, replicas: number, redeliverWithinMs: number): MakeEventBus {
  return async () => {
    await admin().jsm.streams.delete(admin().streamName).catch(() => false);
    const bus = await createJetStreamBus({ url: url(), domain: 'clinic', replicas, ackWaitMs: 500, backoffMs: [500, 500], maxDeliver: 3, name: 'contract' });
    return { bus, redeliverWithinMs, cleanup: () => bus.close() };
  };
}

void describe('event bus contract (nats, single server)', () => {
  let server: NatsServer;
  let admin: JetStreamBus;
  void before(async () => {
    server = await startNatsServer({ jetstream: true });
    admin = await createJetStreamBus({ url: server.url, name: 'contract-admin' });
  });
  void after(async () => {
    await admin?.close();
    await server?.stop();
  });
  eventBusContract(freshBus(() => server.url, () => admin, 1, 2000));
});

void describe('event bus contract (nats, 3-node cluster, R3 stream)', () => {
  let cluster: NatsCluster;
  let admin: JetStreamBus;
  void before(async () => {
    cluster = await startNatsCluster({ name: `tg-bus-contract-${process.pid}` });
    admin = await createJetStreamBus({ url: cluster.urls, replicas: 3, name: 'contract-admin' });
  });
  void after(async () => {
    await admin?.close();
    await cluster?.stop();
  });
  eventBusContract(freshBus(() => cluster.urls, () => admin, 3, 3000));
});
