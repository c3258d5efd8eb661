/**
 * Locked-down mode (`serve --persisted-only`, TRAILGRAPH_PERSISTED_ONLY=1) on every transport: an ad-hoc document
 * is refused over HTTP, SSE and graphql-ws alike; the persisted subscription from queries/ runs on both
 * subscription transports, by file name or by sha256. Official clients, real server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadPersistedOperations } from '../../src/api/persisted-operations.ts';
import { referralEvent, startTestApi, type TestApi } from './api-server.ts';
import { take } from './fixtures.ts';

const AD_HOC = /* GraphQL */ `subscription { marks { seq eventId } }`;

interface MarkResult {
  data?: { marks: { seq: number; type: string; nodes: { id: string; status?: string }[] } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

void describe('persisted-only mode covers the subscription transports', () => {
  let api: TestApi;
  const referralMarks = loadPersistedOperations('queries').find((op) => op.name === 'referral-marks');
  before(async () => {
    api = await startTestApi({ persistedOnly: true });
  });
  after(async () => {
    await api.close();
  });

  const wsClient = () => createWsClient({ url: api.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazyCloseTimeout: 0 });
  const sseClient = () => createSseClient({ url: `${api.url}/graphql`, retryAttempts: 0 });

  /** The first thing a subscription yields: a result, or the errors it failed with (clients differ in how). */
  const first = async (it: AsyncIterator<unknown>): Promise<MarkResult> => {
    try {
      const r = await take(it, 1, 5000);
      return r[0] as MarkResult;
    } catch (err) {
      return { errors: (Array.isArray(err) ? err : [err]) as MarkResult['errors'] };
    }
  };

  void it('queries/ holds a persisted marks subscription', () => {
    assert.ok(referralMarks, 'queries/referral-marks.graphql');
    assert.match(referralMarks.document, /subscription ReferralMarks/);
  });

  void it('HTTP: an ad-hoc query is refused (the rule yoga enforces)', async () => {
    const res = await api.gql('{ headSeq }');
    assert.equal(res.errors?.[0]?.extensions?.code, 'CANNOT_SEND_PQ_ID_AND_BODY');
  });

  void it('graphql-ws: an ad-hoc subscription is refused with the same code as HTTP', async () => {
    const client = wsClient();
    const r = await first(client.iterate({ query: AD_HOC }));
    await client.dispose();
    assert.equal(r.data, undefined);
    assert.equal(r.errors?.[0]?.extensions?.code, 'CANNOT_SEND_PQ_ID_AND_BODY', JSON.stringify(r));
    assert.match(r.errors?.[0]?.message ?? '', /queries\/ folder/);
    assert.equal(api.marks.feed.stats().subscribers, 0, 'no feed subscription was opened');
  });

  void it('graphql-ws: an unknown persisted id is refused, not run', async () => {
    const client = wsClient();
    const r = await first(client.iterate({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }));
    await client.dispose();
    assert.equal(r.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_IN_LIST', JSON.stringify(r));
  });

  void it('SSE: an ad-hoc subscription is refused', async () => {
    const client = sseClient();
    const r = await first(client.iterate({ query: AD_HOC }));
    client.dispose();
    assert.equal(r.data ?? undefined, undefined);
    assert.equal(r.errors?.[0]?.extensions?.code, 'CANNOT_SEND_PQ_ID_AND_BODY', JSON.stringify(r));
  });

  for (const [transport, how] of [['graphql-ws', 'sha256'], ['graphql-ws', 'name'], ['SSE', 'sha256']] as const) {
    void it(`${transport}: the persisted referral-marks subscription (by ${how}) delivers marks`, async () => {
      assert.ok(referralMarks);
      const extensions = { persistedQuery: { version: 1, sha256Hash: how === 'sha256' ? referralMarks.sha256 : referralMarks.name } };
      const ref = `r-pq-${transport}-${how}`;
      const payload = { query: '', variables: { where: { ids: [ref] } }, extensions };
      const ws = transport === 'graphql-ws' ? wsClient() : undefined;
      const sse = transport === 'SSE' ? sseClient() : undefined;
      const sub = (ws ? ws.iterate(payload) : sse!.iterate(payload)) as AsyncIterableIterator<MarkResult>;
      const got = take(sub, 1);
      await sleep(150);
      const res = await fetch(`${api.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(referralEvent(ref)) });
      assert.ok(res.ok, await res.text());
      const [r] = await got;
      await sub.return?.();
      await ws?.dispose();
      sse?.dispose();
      assert.equal(r?.errors, undefined, JSON.stringify(r));
      assert.equal(r?.data?.marks.type, 'ReferralRequested');
      assert.equal(r?.data?.marks.nodes.find((n) => n.id === ref)?.status, 'requested');
    });
  }
});
