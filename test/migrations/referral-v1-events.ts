/**
 * A deterministic stream of referral 1.0.0 events (synthetic data) for migration tests and the benchmark:
 * practitioners, specialists with specialties, patients, referrals with priority and insurance status,
 * insurance verifications / denials and acceptances. About `nodes` nodes in the v1 graph.
 */
import type { RawEvent } from '../../src/app/ingest/ingest.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import type { CloudEvent } from '../../src/core/events/cloud-event.ts';
import type { CompiledOntology } from '../../src/core/ontology/model.ts';
import type { DeadLetterStore } from '../../src/ports/dead-letters.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import type { SqliteDatabase } from '../../src/adapters/sqlite/open.ts';

export const V1_SCHEMA = 'https://trailgraph.dev/ontology/referral/1.0.0';

const PRIORITIES = ['routine', 'urgent', 'emergency'] as const;
const pad = (n: number, w = 6): string => String(n).padStart(w, '0');

/** Events for a v1 graph of about `nodes` nodes; `dataschema` is set on every event when asked. */
export function* referralV1Events(nodes: number, options: { dataschema?: boolean } = {}): Generator<CloudEvent> {
  let seq = 0;
  const ev = (type: string, subject: string, data: Record<string, unknown>): CloudEvent => ({
    specversion: '1.0',
    id: `evt-${pad(++seq, 8)}`,
    source: 'agent://test',
    type,
    subject,
    time: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    ...(options.dataschema && { dataschema: V1_SCHEMA }),
    data,
  });
  const specialties = ['CARD', 'DERM', 'ORTH', 'NEURO', 'ENDO'];
  for (let i = 0; i < 20; i++) {
    const code = specialties[i % specialties.length] as string;
    yield ev('SpecialistRegistered', `Specialist/sp-${i}`, {
      '@type': 'Specialist', id: `sp-${i}`, name: `Dr Spec ${i}`, maxActiveReferrals: 10 + i,
      hasSpecialty: [{ '@type': 'Specialty', id: `spec-${code}`, code, name: code.toLowerCase() }],
    });
  }
  for (let i = 0; i < 20; i++) {
    yield ev('PractitionerRegistered', `Practitioner/gp-${i}`, { '@type': 'GeneralPractitioner', id: `gp-${i}`, name: `Dr GP ${i}` });
  }
  const patients = Math.max(1, Math.floor((nodes - 45) * 0.3));
  const referrals = Math.max(1, nodes - 45 - patients);
  for (let i = 0; i < patients; i++) {
    yield ev('PatientRegistered', `Patient/p-${i}`, {
      '@type': 'Patient', id: `p-${i}`, name: `Patient ${i}`, birthDate: '1970-01-01', mrn: `MRN-${pad(i % 1_000_000)}`,
      ...(i % 7 === 0 && { allergy: ['penicillin', 'latex'] }),
    });
  }
  for (let i = 0; i < referrals; i++) {
    const id = `r-${pad(i, 7)}`;
    yield ev('ReferralRequested', `Referral/${id}`, {
      '@type': 'Referral', id, reason: `Reason number ${i}`, priority: PRIORITIES[i % 3], status: 'requested',
      requestedAt: '2026-01-02T09:00:00Z', forPatient: `p-${i % patients}`, referredBy: `gp-${i % 20}`,
      requestedSpecialty: `spec-${specialties[i % specialties.length]}`,
      ...(i % 2 === 0 && { insuranceStatus: 'pending' }),
    });
    if (i % 10 < 4) {
      yield ev('InsuranceVerified', `Referral/${id}`, { '@type': 'Referral', id, insuranceStatus: 'verified', status: 'insurance-verified' });
    } else if (i % 10 === 4) {
      yield ev('InsuranceDenied', `Referral/${id}`, { '@type': 'Referral', id, insuranceStatus: 'denied', insuranceNote: 'not covered', status: 'insurance-denied' });
    }
    if (i % 5 === 0) yield ev('ReferralAccepted', `Referral/${id}`, { '@type': 'Referral', id, status: 'accepted', referredTo: `sp-${i % 20}` });
  }
}

/** Ingests events in batches; throws when any is rejected (the test data must be valid). */
export async function ingestAll(
  events: Iterable<CloudEvent>,
  setup: { ontology: CompiledOntology; store: GraphStore; deadLetters: DeadLetterStore; upcast?: (e: CloudEvent) => CloudEvent },
  batch = 1000,
): Promise<number> {
  const ingestor = createIngestor(setup);
  let pending: RawEvent[] = [];
  let count = 0;
  const flush = async (): Promise<void> => {
    const results = await ingestor.ingest(pending);
    const bad = results.find((r) => r.status === 'rejected');
    if (bad && bad.status === 'rejected') throw bad.error;
    count += pending.length;
    pending = [];
  };
  for (const e of events) {
    pending.push({ payload: e });
    if (pending.length >= batch) await flush();
  }
  if (pending.length) await flush();
  return count;
}

/** The graph as comparable text: nodes (class, labels, properties with sorted keys) and relationships. */
export function dumpGraph(db: SqliteDatabase): { nodes: string[]; rels: string[] } {
  const sortKeys = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const nodes = (db.prepare('SELECT id, class, labels, props FROM nodes ORDER BY id').all() as { id: string; class: string; labels: string; props: string }[])
    .map((n) => `${n.id} ${n.class} ${n.labels} ${JSON.stringify(sortKeys(JSON.parse(n.props) as Record<string, unknown>))}`);
  const rels = (db.prepare('SELECT type, from_id, to_id FROM rels ORDER BY type, from_id, to_id').all() as { type: string; from_id: string; to_id: string }[])
    .map((r) => `${r.from_id} -${r.type}-> ${r.to_id}`);
  return { nodes, rels };
}

/**
 * The graph as comparable text, read through the GraphStore port (so the same dump works on every store): nodes
 * (class, labels, properties with sorted keys) and relationships of every object property.
 */
export async function dumpStore(store: GraphStore, ontology: CompiledOntology): Promise<{ nodes: string[]; rels: string[] }> {
  const sortKeys = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const nodes = new Map<string, string>();
  for (const [cls, def] of ontology.classes) {
    if (def.ancestors.some((a) => ontology.classes.has(a))) continue; // a root class lists its subclasses too
    for (let after: string | undefined; ; ) {
      const page = await store.listNodes({ class: cls, first: 1000, ...(after !== undefined && { after }) });
      for (const { node } of page.items) nodes.set(node.id, `${node.id} ${node.class} ${JSON.stringify([...node.labels].sort())} ${JSON.stringify(sortKeys(node.properties))}`);
      if (!page.hasNextPage || !page.endCursor) break;
      after = page.endCursor;
    }
  }
  const ids = [...nodes.keys()].sort();
  const rels: string[] = [];
  for (const [name, def] of ontology.properties) {
    if (def.kind !== 'object') continue;
    for (let i = 0; i < ids.length; i += 500) {
      const related = await store.related({ ids: ids.slice(i, i + 500), type: name, direction: 'out', first: 1000 });
      for (const [from, page] of related) for (const { node } of page.items) rels.push(`${from} -${name}-> ${node.id}`);
    }
  }
  return { nodes: ids.map((id) => nodes.get(id)!), rels: rels.sort() };
}
