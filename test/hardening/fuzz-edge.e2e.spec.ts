/**
 * Property-based fuzzing of the event edge, against the real service in NATS mode (real nats-server, real HTTP):
 * random mutations of valid events — any JSON value in any field, fields dropped, lone surrogates, huge and deep
 * values, truncated JSON — sent as `POST /events`, as GraphQL `publishEvent`, and as plain NATS publishes onto the
 * event stream. Whatever arrives: no 5xx and no internal error; every rejection is a 4xx (or GraphQL error) that
 * says where (a JSON pointer) and is dead-lettered; the process stays up; valid events keep applying.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import { loadConfig } from '../../src/service/config.ts';
import { startService, type Service } from '../../src/service/start-service.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

const RUNS = Number(process.env.TRAILGRAPH_FUZZ_RUNS ?? 120);
const SEED = Number(process.env.TRAILGRAPH_FUZZ_SEED ?? 20261207);

let counter = 0;
const nextId = (): string => `fz-${++counter}`;

function validEvent(kind: 'patient' | 'referral', id: string): Record<string, unknown> {
  const n = id.replace(/\W/g, '');
  return kind === 'patient'
    ? { specversion: '1.0', id, source: 'agent://fuzz', type: 'PatientRegistered', subject: `Patient/p-${n}`,
      data: { '@type': 'Patient', id: `p-${n}`, name: `Patient ${n}`, birthDate: '1970-02-03', mrn: 'MRN-000001' } }
    : { specversion: '1.0', id, source: 'agent://fuzz', type: 'ReferralRequested', subject: `Referral/r-${n}`,
      data: { '@type': 'Referral', id: `r-${n}`, reason: 'fuzz', triageLevel: 'routine', status: 'requested', requestedAt: '2026-11-21T09:00:00Z', forPatient: `p-${n}` } };
}

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\ud800', 'a\udfffb', '', ' ', '../../etc/passwd', 'x'.repeat(200_000), '{"@type":"Patient"}', 'Patient/', '1e308'),
  fc.constantFrom(1e308, -1, 0, Number.MAX_SAFE_INTEGER + 2, -0, 0.5),
  fc.constant(JSON.parse('{"a":'.repeat(60) + '1' + '}'.repeat(60)) as unknown),
);

/** A payload (text) built from a valid event by one random mutation. */
const mutatedPayload = fc.record({
  kind: fc.constantFrom('patient' as const, 'referral' as const),
  how: fc.constantFrom('top', 'data', 'drop-top', 'drop-data', 'whole', 'truncate'),
  key: fc.constantFrom('specversion', 'id', 'source', 'type', 'subject', 'time', 'data', '@type', 'name', 'mrn', 'forPatient', 'triageLevel', 'requestedAt', 'x'),
  value: weird,
  cut: fc.nat(),
}).map(({ kind, how, key, value, cut }) => {
  const e = validEvent(kind, nextId());
  const data = e.data as Record<string, unknown>;
  if (how === 'top') e[key] = value;
  else if (how === 'data') data[key] = value;
  else if (how === 'drop-top') delete e[key];
  else if (how === 'drop-data') delete data[key];
  const text = how === 'whole' ? JSON.stringify(value) ?? 'null' : JSON.stringify(e);
  return how === 'truncate' ? text.slice(0, cut % text.length) : text;
});

void describe('fuzzing the event edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-fuzz-'));
  let nats: NatsServer;
  let service: Service;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNatsServer({ jetstream: true });
    service = await startService(loadConfig({ store: join(dir, 'graph.db'), ontology: 'ontology/referral', nats: nats.url, port: '0' }, {}));
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await nc?.close();
    await service?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends one valid event over HTTP and waits until it is in the graph: the service still applies events. */
  async function stillApplies(): Promise<void> {
    const e = validEvent('patient', nextId());
    const res = await fetch(`${service.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(e) });
    assert.ok(res.status === 201 || res.status === 202, `a valid event is accepted: ${res.status} ${await res.text()}`);
    const id = (e.data as { id: string }).id;
    for (let i = 0; !(await service.runtime.store.getNode(id)); i++) {
      assert.ok(i < 600, `the valid event ${e.id as string} applied`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  void test('POST /events: no 5xx; every rejection a 4xx with a pointer, dead-lettered', { timeout: 600_000 }, async () => {
    const before = await service.runtime.deadLetters.count();
    let rejected = 0;
    await fc.assert(fc.asyncProperty(mutatedPayload, async (payload) => {
      const res = await fetch(`${service.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: payload });
      const text = await res.text();
      assert.ok(res.status < 500, `${res.status} for ${payload.slice(0, 300)}: ${text.slice(0, 500)}`);
      if (res.status >= 400) {
        rejected++;
        const body = JSON.parse(text) as { error?: { code?: string; pointer?: string; issues?: { pointer: string }[] }; deadLetterId?: string };
        const pointers = [body.error?.pointer, ...(body.error?.issues ?? []).map((i) => i.pointer)].filter((p) => typeof p === 'string');
        assert.ok(pointers.length > 0, `a rejection says where: ${text.slice(0, 500)}`);
        if (res.status !== 413) assert.ok(body.deadLetterId, `a rejection is dead-lettered: ${text.slice(0, 500)}`);
      }
    }), { numRuns: RUNS, seed: SEED });
    assert.ok(rejected > RUNS / 2, `most mutations are rejected (${rejected} of ${RUNS})`);
    assert.ok((await service.runtime.deadLetters.count()) >= before + 1);
    await stillApplies();
  });

  void test('GraphQL publishEvent: no internal error; every rejection says where', { timeout: 600_000 }, async () => {
    await fc.assert(fc.asyncProperty(mutatedPayload, async (payload) => {
      let event: unknown;
      try {
        event = JSON.parse(payload);
      } catch {
        event = payload;
      }
      const res = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($e: JSON!) { publishEvent(event: $e) { seq status } }', variables: { e: event } }),
      });
      const text = await res.text();
      assert.ok(res.status < 500, `${res.status}: ${text.slice(0, 500)}`);
      const body = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string; pointer?: string; issues?: unknown[] } }[] };
      for (const err of body.errors ?? []) {
        assert.notEqual(err.extensions?.code, 'INTERNAL_SERVER_ERROR', text.slice(0, 500));
        assert.doesNotMatch(err.message, /Unexpected error/, text.slice(0, 500));
        assert.ok(err.extensions?.pointer !== undefined || err.extensions?.issues !== undefined || err.extensions?.code === 'BAD_USER_INPUT', `says where: ${text.slice(0, 500)}`);
      }
    }), { numRuns: RUNS, seed: SEED + 1 });
    await stillApplies();
  });

  void test('plain NATS publishes onto the stream: each mutated event is applied or dead-lettered, none lost', { timeout: 600_000 }, async () => {
    const sent: string[] = [];
    fc.assert(fc.property(mutatedPayload, (payload) => {
      sent.push(payload);
    }), { numRuns: RUNS, seed: SEED + 2 });
    for (const [i, payload] of sent.entries()) nc.publish(`tg.events.referral.PatientRegistered.fz${i}`, payload);
    await nc.flush();
    // Published after the fuzz on the same stream: once it is applied, everything before it was decided.
    await stillApplies();
    const applied = new Set((await service.runtime.store.ledger(0, 10_000)).map((e) => e.eventId));
    // Letters are kept once per (reason, payload): the same bytes rejected twice are one letter.
    const lettered = new Set((await service.runtime.deadLetters.list({ limit: 10_000 })).map((l) => l.payload));
    const isApplied = (p: string): boolean => {
      try {
        const id = (JSON.parse(p) as { id?: unknown } | null)?.id;
        return typeof id === 'string' && applied.has(id);
      } catch {
        return false;
      }
    };
    const lost = sent.filter((p) => !isApplied(p) && !lettered.has(p));
    assert.deepEqual(lost.map((p) => p.slice(0, 200)), [], 'every message not applied is a dead letter, payload kept exactly');
    const health = await fetch(`${service.url}/healthz`);
    assert.equal(health.status, 200);
  });
});
