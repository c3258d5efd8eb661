/** Event generators and graph dumps for the NATS integration tests (clinic fixture ontology). */
import type { GraphStore } from '../../../src/ports/graph-store.ts';

export interface TestEvent {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly payload: string;
}

const ev = (id: string, type: string, subject: string, data: Record<string, unknown>): TestEvent => ({
  id,
  type,
  subject,
  payload: JSON.stringify({ specversion: '1.0', id, source: 'agent://test', type, subject, time: '2026-11-21T09:00:00Z', data }),
});

export const STATUSES = ['accepted', 'scheduled', 'completed'] as const;

/**
 * Waves whose events touch distinct aggregates (so each wave can be published concurrently); waves go in order.
 * `total` events: patients, then referrals, then status updates cycling through STATUSES.
 */
export function clinicWaves(total: number, prefix = 'e'): TestEvent[][] {
  const patients = Math.floor(total / 10);
  const referrals = Math.floor(total * 3 / 10);
  const updates = total - patients - referrals;
  const waves: TestEvent[][] = [[], []];
  for (let i = 0; i < patients; i++) {
    waves[0]!.push(ev(`${prefix}-p-${i}`, 'PatientRegistered', `Patient/p-${i}`, { '@type': 'Patient', id: `p-${i}`, name: `Patient ${i}` }));
  }
  for (let i = 0; i < referrals; i++) {
    waves[1]!.push(ev(`${prefix}-r-${i}`, 'ReferralRequested', `Referral/r-${i}`, {
      '@type': 'Referral', id: `r-${i}`, reason: `reason ${i}`, priority: i % 2 ? 'urgent' : 'routine', forPatient: `p-${i % patients}`,
    }));
  }
  for (let k = 0; k < updates; k++) {
    const wave = 2 + Math.floor(k / referrals);
    const r = k % referrals;
    waves[wave] ??= [];
    waves[wave]!.push(ev(`${prefix}-u-${k}`, 'ReferralAccepted', `Referral/r-${r}`, {
      '@type': 'Referral', id: `r-${r}`, status: STATUSES[(wave - 2) % STATUSES.length],
    }));
  }
  return waves;
}

/** Publishes with bounded concurrency. */
export async function publishAll<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

/** Every event id in the ledger, in ledger order. */
export async function ledgerEventIds(store: GraphStore): Promise<string[]> {
  const ids: string[] = [];
  for (let after = 0; ; ) {
    const page = await store.ledger(after, 5000);
    if (page.length === 0) return ids;
    for (const e of page) {
      after = e.seq;
      if (e.kind === 'event') ids.push(e.eventId);
    }
  }
}

/** A comparable dump of nodes (id, class, properties, last event) and relationships of the clinic classes. */
export async function dumpGraph(store: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for (const cls of ['Patient', 'Referral', 'Practitioner', 'Specialty']) {
    const ids: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await store.listNodes({ class: cls, first: 1000, ...(after !== undefined && { after }) });
      for (const { node } of page.items) {
        ids.push(node.id);
        // Keys sorted: stores need not keep property order.
        const props = Object.fromEntries(Object.entries(node.properties).sort(([x], [y]) => (x < y ? -1 : 1)));
        lines.push(`node ${node.id} ${node.class} ${JSON.stringify(props)} ${node.provenance.eventId}`);
      }
      if (!page.hasNextPage || !page.endCursor) break;
      after = page.endCursor;
    }
    if (cls === 'Referral') {
      for (let i = 0; i < ids.length; i += 500) {
        const rel = await store.related({ ids: ids.slice(i, i + 500), type: 'forPatient', direction: 'out', first: 10 });
        for (const [from, page] of rel) for (const { node } of page.items) lines.push(`rel ${from} forPatient ${node.id}`);
      }
    }
  }
  return lines.sort();
}
