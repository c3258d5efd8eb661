import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { consumerConfig, verifyConsumerConfig } from '../../../src/adapters/nats/pull-consumer.ts';
import { escapeToken, eventSubject, parseEventSubject } from '../../../src/adapters/nats/subjects.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { pinnedNatsServerPath } from '../../support/nats-binary.ts';
import { natsServerBinary, PINNED_NATS_VERSION, startNatsServer, type NatsServer } from '../../support/nats-server.ts';

void describe('JetStream event bus', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  void before(async () => {
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 1000, maxDeliver: 3 });
  });
  void after(async () => {
    await bus?.close();
    await server?.stop();
  });

  void it('escapes subject tokens reversibly', () => {
    for (const raw of ['r-1', 'a.b', 'x*y>z', 'with space', '100%', 'tab\there', 'nbsp\u00a0x', '']) {
      const token = escapeToken(raw);
      assert.doesNotMatch(token, /[.*>\s]/u);
      const parsed = parseEventSubject(eventSubject('clinic', 'ReferralRequested', `Referral/${raw}`));
      assert.equal(parsed?.aggregateId, raw === '' ? undefined : raw);
    }
    assert.equal(eventSubject('clinic', 'PatientRegistered', 'Patient/p.1'), 'tg.events.clinic.PatientRegistered.p%2E1');
  });

  void it('stores an event once per msg id and delivers it with its stream sequence', async () => {
    const payload = JSON.stringify({ id: 'e-1', type: 'PatientRegistered', subject: 'Patient/p-1' });
    const first = await bus.publish({ type: 'PatientRegistered', subject: 'Patient/p-1' }, payload, { msgId: 'e-1' });
    const again = await bus.publish({ type: 'PatientRegistered', subject: 'Patient/p-1' }, payload, { msgId: 'e-1' });
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.streamSeq, first.streamSeq);
    assert.equal(await bus.lastSeq(), 1);
    const consumer = await bus.consumer();
    const [m] = await consumer.fetch(10, 2000);
    assert.ok(m);
    assert.equal(m.streamSeq, 1);
    assert.equal(m.subject, 'tg.events.clinic.PatientRegistered.p-1');
    assert.equal(m.headers['Nats-Msg-Id'], 'e-1');
    assert.equal(m.data, payload);
    m.ack();
  });

  void it('runs on the pinned release with the deployed JetStream settings (fsync before ack, limits)', async () => {
    // In CI always; elsewhere when the pinned build is the binary in use (a local PATH fallback says so at start).
    if (process.env.CI === 'true' || natsServerBinary() === pinnedNatsServerPath()) assert.equal(bus.nc.info?.version, PINNED_NATS_VERSION);
    const varz = (await (await fetch(`http://127.0.0.1:${server.monitorPort}/varz`)).json()) as {
      jetstream?: { config?: { sync_always?: boolean; max_storage?: number }; limits?: { max_ack_pending?: number } };
    };
    assert.equal(varz.jetstream?.config?.sync_always, true, 'sync_interval: always from deploy/nats/jetstream.conf');
    assert.equal(varz.jetstream?.config?.max_storage, 10 * 1024 ** 3);
    assert.equal(varz.jetstream?.limits?.max_ack_pending, 10_000);
  });

  void it('keeps every consumer setting it asked for (read back from the server)', async () => {
    const info = await bus.jsm.consumers.info(bus.streamName, bus.consumerSettings.durable);
    const wanted = consumerConfig(bus.consumerSettings);
    // bounded redelivery with a backoff schedule: ack_wait is its first step, one step per redelivery
    assert.equal(info.config.max_deliver, 3);
    assert.deepEqual(info.config.backoff, [1000, 2000].map((ms) => ms * 1e6));
    assert.equal(info.config.ack_wait, 1000 * 1e6);
    assert.equal(info.config.ack_policy, 'all');
    assert.equal(info.config.max_ack_pending, wanted.max_ack_pending);
    assert.equal(info.config.filter_subject, 'tg.events.>');
    // and the stream: file storage, limits retention, the dedupe window asked for
    const stream = await bus.jsm.streams.info(bus.streamName);
    assert.equal(stream.config.duplicate_window, 120_000 * 1e6);
    assert.equal(stream.config.num_replicas, 1);
  });

  void it('refuses to run when the server dropped a setting, naming the field', () => {
    const wanted = consumerConfig(bus.consumerSettings);
    const { backoff: _dropped, ...stored } = wanted;
    assert.throws(
      () => verifyConsumerConfig(wanted, stored as never),
      (err: unknown) => err instanceof ConfigError && err.setting === 'nats.consumer.backoff' && /dropped/u.test(err.message),
    );
  });

  void it('reads the stream back from a sequence', async () => {
    await bus.publish({ type: 'PatientRegistered', subject: 'Patient/p-2' }, '{"id":"e-2"}', { msgId: 'e-2' });
    await bus.publish({ type: 'PatientRegistered', subject: 'Patient/p-3' }, '{"id":"e-3"}', { msgId: 'e-3' });
    const seen: number[] = [];
    for await (const m of bus.read({ seq: 2 })) seen.push(m.streamSeq);
    assert.deepEqual(seen, [2, 3]);
  });

  void it('keeps dead letters with reason, pointer and original subject; replayed ones can be removed', async () => {
    const dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
    const letter = {
      eventId: 'bad-1',
      reason: 'invalid' as const,
      message: 'event bad-1: /data/priority: expected one of routine, urgent\nsecond line',
      issues: [{ pointer: '/data/priority', message: 'expected one of routine, urgent' }],
      subject: 'tg.events.clinic.ReferralRequested.r-1',
      headers: { 'Nats-Msg-Id': 'bad-1' },
      payload: '{"id":"bad-1","data":{"priority":"whenever"}}',
      deliveries: 1,
    };
    const put = await dlq.put(letter);
    const dup = await dlq.put(letter);
    assert.equal(dup.id, put.id, 'a re-filed letter is not stored twice');
    await dlq.put({ ...letter, eventId: 'bad-2', payload: '{"id":"bad-2"}' });
    assert.equal(await dlq.count(), 2);
    const got = await dlq.get(put.id);
    assert.equal(got?.message, letter.message);
    assert.deepEqual(got?.issues, letter.issues);
    assert.equal(got?.subject, letter.subject);
    assert.equal(got?.payload, letter.payload);
    assert.equal(got?.deliveries, 1);
    await dlq.remove(put.id);
    assert.equal(await dlq.count(), 1);
    const listed = await dlq.list();
    assert.deepEqual(listed.map((l) => l.eventId), ['bad-2']);
    assert.equal(await dlq.get(put.id), undefined);
  });
});
