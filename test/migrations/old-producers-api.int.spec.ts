/**
 * Old producers and old API clients after the referral 2.0.0 release, through the real composition root
 * (startService on a SQLite file): a 1.0.0 event is upcast and projected in 2.0.0 form, and the
 * renamed field `priority` still answers, marked @deprecated.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/service/config.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { startService, type Service } from '../../src/service/start-service.ts';
import { V1_SCHEMA } from './referral-v1-events.ts';

const dir = mkdtempSync(join(tmpdir(), 'tg-evolve-'));
let service: Service;
let runtime: Runtime;
let gql: (query: string) => Promise<{ data?: any; errors?: { message: string }[] }>; // eslint-disable-line @typescript-eslint/no-explicit-any

before(async () => {
  service = await startService(loadConfig({ store: join(dir, 'graph.db'), ontology: 'ontology/referral', port: 0, queries: join(dir, 'no-queries') }, {}));
  runtime = service.runtime;
  const { api } = service;
  gql = async (query) => {
    const res = await api.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await res.json()) as never;
  };
});
after(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

const v1Event = (id: string, type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  payload: { specversion: '1.0', id, source: 'agent://v1-intake', type, subject: `Referral/${String(data.id)}`, data, ...extra },
});

void test('the service runs 2.0.0 and records it in the store', async () => {
  assert.equal(runtime.ontology.version, '2.0.0');
  assert.equal(await runtime.store.getMeta('ontology.version'), '2.0.0');
});

void test('a 1.0.0 event (with or without dataschema) is accepted and projected in 2.0.0 form', async () => {
  const referral = {
    '@type': 'Referral', id: 'r-1', reason: 'Chest pain on exertion', priority: 'urgent', status: 'requested', requestedAt: '2026-11-21T09:00:00Z',
    forPatient: 'p-1', referredBy: 'gp-7', requestedSpecialty: 'spec-CARD', insuranceStatus: 'pending',
  };
  const outcomes = await runtime.publisher.publish([
    v1Event('v1-a', 'ReferralRequested', referral, { dataschema: V1_SCHEMA }),
    v1Event('v1-b', 'InsuranceVerified', { '@type': 'Referral', id: 'r-1', insuranceStatus: 'verified', status: 'insurance-verified' }),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['applied', 'applied'], outcomes.map((o) => o.error?.message).join('; '));
  const node = await runtime.store.getNode('r-1');
  assert.equal(node?.properties.triageLevel, 'urgent');
  assert.equal(node?.properties.insuranceStatus, undefined);
  assert.equal((await runtime.store.getNode('r-1-insurance'))?.properties.status, 'verified');
  const res = await gql('{ referral(id: "r-1") { triageLevel hasInsuranceVerification { status } } }');
  assert.deepEqual(res.data?.referral, { triageLevel: 'urgent', hasInsuranceVerification: { status: 'verified' } });
});

void test('the renamed field still answers, marked @deprecated with the new name', async () => {
  const res = await gql('{ referral(id: "r-1") { priority triageLevel } }');
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  assert.deepEqual(res.data?.referral, { priority: 'urgent', triageLevel: 'urgent' });
  const intro = await gql('{ __type(name: "Referral") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
  const field = (intro.data?.__type.fields as { name: string; isDeprecated: boolean; deprecationReason: string | null }[]).find((f) => f.name === 'priority');
  assert.deepEqual(field, { name: 'priority', isDeprecated: true, deprecationReason: 'renamed to triageLevel in 2.0.0' });
});

void test('a 2.0.0 event with a value 1.0.0 never had is accepted as is', async () => {
  const [o] = await runtime.publisher.publish([
    { payload: { specversion: '1.0', id: 'v2-a', source: 'agent://triage', type: 'ReferralTriaged', subject: 'Referral/r-1', data: { '@type': 'Referral', id: 'r-1', triageLevel: 'soon' } } },
  ]);
  assert.equal(o?.status, 'applied', o?.error?.message);
  const entry = await runtime.store.findEvent('v2-a');
  assert.equal(entry?.event?.tgupcastfrom, undefined, 'a current event is not upcast');
});
