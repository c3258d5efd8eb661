/**
 * A subscription's context lives as long as the subscription; each delivered mark must still select the CURRENT
 * state of the nodes it touched, relationship fields included (regression: they were answered from the first
 * mark's cached reads).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-sse';
import { PUBLISH, referralEvent, startTestApi, type TestApi } from '../marks/api-server.ts';

const MARKS = /* GraphQL */ `
  subscription($where: MarkWhere) {
    marks(where: $where) { seq nodes { id ... on Patient { referralsCount referrals { totalCount } } } }
  }`;

type Delivered = { data?: { marks: { seq: number; nodes: { id: string; referralsCount?: number; referrals?: { totalCount: number } }[] } } };

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(async () => {
  await api.close();
});

void it('relationship fields under ChangeMark.nodes are read fresh for every mark', async () => {
  const client = createClient({ url: `${api.url}/graphql`, retryAttempts: 0 });
  const sub = client.iterate({ query: MARKS, variables: { where: { ids: ['p-fresh'] } } }) as AsyncIterableIterator<Delivered>;
  const first = sub.next();
  await sleep(150);
  for (const r of ['r-fresh-1', 'r-fresh-2', 'r-fresh-3']) {
    const res = await api.gql(PUBLISH, { e: referralEvent(r, 'p-fresh') });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  }
  const counts: number[] = [];
  let next = await first;
  for (;;) {
    const delivered = next.value as Delivered | undefined;
    const patient = delivered?.data?.marks.nodes.find((n) => n.id === 'p-fresh');
    assert.ok(patient, JSON.stringify(next.value));
    assert.equal(patient.referralsCount, patient.referrals?.totalCount);
    counts.push(patient.referralsCount ?? -1);
    if (counts.length === 3) break;
    next = await sub.next();
  }
  await sub.return?.();
  // Marks are delivered after their commit, so each sees at least its own referral; the last sees all three.
  assert.equal(counts.at(-1), 3, `counts per mark: ${counts.join(', ')}`);
  assert.ok(counts.every((c, i) => i === 0 || c >= (counts[i - 1] ?? 0)), `counts never go back: ${counts.join(', ')}`);
});
