/**
 * Agents that publish straight to JetStream are held to the policy by nats-server itself, with the users and
 * permissions `trailgraph nats permissions` generates: an agent publishes only its roles' event types, only on
 * subjects carrying its own identity; and the projector dead-letters an event whose `source` is not the agent
 * its subject names. A real nats-server (test/support/nats-server.ts) with the generated config.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { natsAuthorization, passwordVariable, publishSubjects } from '../../src/adapters/nats/permissions.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { loadPolicy } from '../../src/app/auth/load-policy.ts';
import { startNatsMode, type NatsMode } from '../../src/service/nats-mode.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

const ontology = loadOntologySync('ontology/referral');
const policy = loadPolicy('ontology/referral/policy', ontology);
const AGENTS = [
  { agent: 'agent://intake', roles: ['intake'] },
  { agent: 'agent://lab', roles: ['lab'] },
];
const PASSWORDS: Record<string, string> = { service: 'svc-pw-0123456789', 'agent://intake': 'intake-pw-0123456789', 'agent://lab': 'lab-pw-0123456789' };

let n = 0;
function patientEvent(source: string): { id: string; text: string; aggregate: string } {
  const id = `nats-auth-${process.pid}-${++n}`;
  const aggregate = `p-n${n}`;
  const text = JSON.stringify({
    specversion: '1.0', id, source, type: 'PatientRegistered', subject: `Patient/${aggregate}`, time: '2026-11-21T09:00:00Z',
    data: { '@type': 'Patient', id: aggregate, name: 'Ann Lee', birthDate: '1970-02-03', mrn: `MRN-${String(100000 + n)}` },
  });
  return { id, text, aggregate };
}

void describe('NATS permissions generated from the policy', () => {
  let server: NatsServer;
  let store: SqliteGraphStore;
  let mode: NatsMode;
  let dir: string;
  const conns: NatsConnection[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-nats-auth-'));
    const variables = [
      `${passwordVariable('service')} = ${JSON.stringify(PASSWORDS.service)}`,
      ...AGENTS.map((a) => `${passwordVariable(a.agent)} = ${JSON.stringify(PASSWORDS[a.agent])}`),
    ].join('\n');
    server = await startNatsServer({ jetstream: true, extraConfig: `${variables}\n${natsAuthorization(policy, { domain: 'referral', agents: AGENTS })}` });
    store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
    await store.init(ontology);
    const serviceUrl = server.url.replace('nats://', `nats://trailgraph:${PASSWORDS.service}@`);
    mode = await startNatsMode({ url: serviceUrl, ontology, store, ontologyDir: 'ontology/referral', agentSubjects: true });
  });
  after(async () => {
    for (const c of conns) await c.close();
    await mode?.close();
    await store?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = async (agent: string): Promise<NatsConnection> => {
    const c = await connect({ servers: server.url, user: agent, pass: PASSWORDS[agent] as string });
    conns.push(c);
    return c;
  };
  const subjectOf = (type: string, aggregate: string, agent: string): string => `tg.events.referral.${type}.${aggregate}.${agent}`;
  const applied = async (id: string, ms = 10_000): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await store.findEvent(id)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  /** JetStream publish; resolves false when nats-server refuses it (no ack for a publish it dropped). */
  const publishes = async (c: NatsConnection, subject: string, text: string): Promise<boolean> => {
    try {
      await jetstream(c).publish(subject, text, { timeout: 1500 });
      return true;
    } catch {
      return false;
    }
  };

  void it('generates one publish subject per permitted type, under the agent\'s own token', () => {
    assert.deepEqual(publishSubjects(policy, 'referral', AGENTS[1] as (typeof AGENTS)[number]), [
      'tg.events.referral.LabOrdered.*.agent://lab',
      'tg.events.referral.LabResulted.*.agent://lab',
    ]);
  });

  void it('an agent publishes its own event type on its own subject: projected', async () => {
    const intake = await as('agent://intake');
    const e = patientEvent('agent://intake');
    assert.equal(await publishes(intake, subjectOf('PatientRegistered', e.aggregate, 'agent://intake'), e.text), true);
    assert.equal(await applied(e.id), true);
    assert.equal((await store.findEvent(e.id))?.source, 'agent://intake');
  });

  void it('another role\'s event type, another agent\'s subject, or a subject without agent: refused by nats-server', async () => {
    const lab = await as('agent://lab');
    const intake = await as('agent://intake');
    const e1 = patientEvent('agent://lab');
    assert.equal(await publishes(lab, subjectOf('PatientRegistered', e1.aggregate, 'agent://lab'), e1.text), false, 'lab published PatientRegistered');
    const e2 = patientEvent('agent://lab');
    assert.equal(await publishes(lab, subjectOf('PatientRegistered', e2.aggregate, 'agent://intake'), e2.text), false, 'lab published as intake');
    const e3 = patientEvent('agent://intake');
    assert.equal(await publishes(intake, `tg.events.referral.PatientRegistered.${e3.aggregate}`, e3.text), false, 'intake published without its agent token');
    for (const e of [e1, e2, e3]) assert.equal(await applied(e.id, 500), false);
  });

  void it('a spoofed source on the agent\'s own subject: dead-lettered by the projector', async () => {
    const intake = await as('agent://intake');
    const e = patientEvent('agent://lab');
    assert.equal(await publishes(intake, subjectOf('PatientRegistered', e.aggregate, 'agent://intake'), e.text), true);
    let letter;
    for (let i = 0; i < 200 && !letter; i++) {
      letter = (await mode.deadLetters.list({ limit: 100 })).find((l) => l.eventId === e.id);
      if (!letter) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(letter, 'no dead letter for the spoofed event');
    assert.match(letter.message, /source does not match the subject's agent/);
    assert.equal(await store.findEvent(e.id), undefined);
  });

  void it('without credentials nobody connects', async () => {
    await assert.rejects(connect({ servers: server.url, reconnect: false }));
    await assert.rejects(connect({ servers: server.url, user: 'agent://intake', pass: 'wrong', reconnect: false }));
  });
});
