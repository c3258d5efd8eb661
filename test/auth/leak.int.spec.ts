/**
 * No route leaks a node outside the caller's row rule. A specialist token for s-1 may read specialists and
 * specialties, the referrals referred to s-1 and their patients — nothing else — and the insurance role never
 * sees lab results. Every answer of every read route (get, list with filters/sort/cursors/counts, relationship
 * fields both ways, neighbourhood, paths, history, ledger, event, marks and claims on nodes, full-text search, as-of
 * reads, the marks subscription over SSE and graphql-ws) is scanned for any id outside what the rule allows — on
 * SQLite and on Neo4j, whose adapters each compile the rule into their own queries. Relationship filters count only
 * readable far ends; reinforcing or removing a mark needs the role's mark kind and a readable node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startAuthServer, type AuthServer } from '../support/auth-server.ts';
import { storesUnderTest } from '../support/stores.ts';
import { tokenFor } from '../support/auth.ts';
import { ALL_IDS, WORLD, publishWorld } from '../support/referral-world.ts';

const SPECIALIST_SEES = new Set(['s-1', 's-2', 'spec-card', 'r-1', 'p-1']);

/** Every world id mentioned anywhere in a JSON answer (values only, also inside strings like `Referral/r-2`). */
function mentioned(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const id of ALL_IDS) if (value === id || value.endsWith(`/${id}`) || value.includes(`:${id}:`)) out.add(id);
  } else if (Array.isArray(value)) for (const v of value) mentioned(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) mentioned(v, out);
  return out;
}

function assertOnly(answer: unknown, allowed: ReadonlySet<string>, route: string): void {
  const leaked = [...mentioned(answer)].filter((id) => !allowed.has(id));
  assert.deepEqual(leaked, [], `${route} leaked ${leaked.join(', ')}: ${JSON.stringify(answer).slice(0, 400)}`);
}

for (const store of await storesUnderTest()) void describe(`row rules leak nothing (${store.kind})`, { skip: store.skip }, () => {
  let s: AuthServer;
  let admin: string;
  let specialist: string;
  let head = 0;
  before(async () => {
    s = await startAuthServer({ store: await store.fresh() });
    admin = await tokenFor('agent://admin', ['admin']);
    specialist = await tokenFor('agent://spec-1', ['specialist'], { attributes: { node: 's-1' } });
    head = await publishWorld(s, admin);
    // Marks and claims on visible and invisible nodes, by an agent allowed everything.
    for (const id of ['r-1', 'r-2', 'p-2']) {
      const r = await s.gql(admin, 'mutation M($n: ID!) { leaveMark(on: $n, kind: "needs-review", ttlMs: 600000) { seq } }', { n: id });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    }
    await s.gql(admin, 'mutation { claim(node: "r-2", purpose: "match", ttlMs: 600000) { granted } }');
  });
  after(() => s.close());

  const routes: Record<string, string> = {
    'get by id': '{ a: referral(id: "r-1") { id } b: referral(id: "r-2") { id } c: patient(id: "p-2") { id } d: node(id: "result-r-1") { id } e: nodes(ids: ["r-3", "p-1", "gp-1", "cov-p-1"]) { id } }',
    'list with filter, sort, cursor, count': '{ referrals(first: 1, orderBy: { field: id }) { totalCount edges { cursor node { id } } pageInfo { endCursor hasNextPage } } patients(where: { name: { prefix: "Patient" } }) { totalCount nodes { id } } labResults { totalCount nodes { id } } insuranceCoverages { totalCount nodes { id } } practitioners { totalCount nodes { id } } }',
    'relationship fields both ways': '{ specialist(id: "s-2") { id referralsReceived { totalCount nodes { id } } referralsReceivedCount } s1: specialist(id: "s-1") { referralsReceived { nodes { id forPatient { id coverages { nodes { id } } } referredBy { id } hasCondition { nodes { id } } } } } specialty(id: "spec-card") { referralsRequested { totalCount nodes { id } } specialists { nodes { id } } } referral(id: "r-1") { id forPatient { id referrals { totalCount nodes { id } } } coveredBy { id } } }',
    neighbourhood: '{ a: neighbourhood(id: "s-1", hops: 4, limit: 1000) { nodes { node { id } } relationships { fromId toId } } b: neighbourhood(id: "r-2", hops: 2) { nodes { node { id } } } c: neighbourhood(id: "spec-card", hops: 3) { nodes { node { id } } relationships { fromId toId } } }',
    paths: '{ a: paths(from: "s-1", to: "s-2", maxHops: 4) { nodes { id } relationships { fromId toId } } b: paths(from: "p-1", to: "p-2", maxHops: 6) { nodes { id } } c: paths(from: "r-1", to: "result-r-1", maxHops: 3) { nodes { id } } }',
    'history, ledger, event': '{ referral(id: "r-1") { history { seq type subject changes event } } specialist(id: "s-2") { history { seq subject changes event } } patient(id: "p-2") { id } ledger(first: 1000) { seq type subject eventId changes event } }',
    'marks and claims on nodes': '{ referral(id: "r-1") { marks { id kind nodeId node { id } } claims { nodeId } } referrals(where: { marks: [{ kind: "needs-review" }] }) { totalCount nodes { id } } specialist(id: "s-2") { id } }',
    'full-text search': '{ a: search(text: "patient") { nodes { id } edges { cursor } } b: search(text: "chest pain", classes: ["Referral"]) { nodes { id } } c: search(text: "glucose") { nodes { id } } d: search(text: "acme") { nodes { id } } }',
  };

  for (const [route, query] of Object.entries(routes)) {
    void it(`${route}: only what the rule allows`, async () => {
      const r = await s.gql(specialist, query);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assertOnly(r.data, SPECIALIST_SEES, route);
    });
  }

  void it('the rule still shows what it should (a test that could not fail would prove nothing)', async () => {
    const r = await s.gql(specialist, '{ referrals { totalCount nodes { id forPatient { id } } } specialist(id: "s-1") { referralsReceived { totalCount } } neighbourhood(id: "s-1", hops: 2) { nodes { node { id } } } }');
    assert.deepEqual(r.data?.referrals, { totalCount: 1, nodes: [{ id: 'r-1', forPatient: { id: 'p-1' } }] });
    assert.deepEqual(r.data?.specialist, { referralsReceived: { totalCount: 1 } });
    const near = (r.data?.neighbourhood as { nodes: { node: { id: string } }[] }).nodes.map((n) => n.node.id).sort();
    assert.deepEqual(near, ['p-1', 'r-1', 's-1', 's-2', 'spec-card']);
    const all = await s.gql(admin, '{ referrals { totalCount } ledger(first: 1000) { seq } }');
    assert.equal((all.data?.referrals as { totalCount: number }).totalCount, 3);
    // The ledger as the specialist sees it is a proper, non-empty subset.
    const mine = await s.gql(specialist, '{ ledger(first: 1000) { seq } }');
    const n = (mine.data?.ledger as unknown[]).length;
    assert.ok(n > 0 && n < (all.data?.ledger as unknown[]).length, `specialist ledger has ${n} entries`);
    assert.ok(head > 0);
  });

  void it('search and relationship filters answer from readable nodes only (a hidden far end does not count)', async () => {
    const ids = (v: unknown): string[] => (v as { nodes: { id: string }[] }).nodes.map((n) => n.id).sort();
    const query = '{ found: search(text: "patient") { nodes { id } } has: specialists(where: { referralsReceived: { exists: true } }) { nodes { id } } hasNot: specialists(where: { referralsReceived: { exists: false } }) { nodes { id } } }';
    const all = await s.gql(admin, query);
    assert.equal(all.errors, undefined, JSON.stringify(all.errors));
    assert.deepEqual([ids(all.data?.found), ids(all.data?.has), ids(all.data?.hasNot)], [['p-1', 'p-2', 'p-3'], ['s-1', 's-2'], []], 'the premise, as the admin sees it');
    const mine = await s.gql(specialist, query);
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    // s-2 has a referral, but not one referred to s-1: to this caller s-2 has none, as its referralsReceived field says.
    assert.deepEqual([ids(mine.data?.found), ids(mine.data?.has), ids(mine.data?.hasNot)], [['p-1'], ['s-1'], ['s-2']]);
    // A class rule too: insurance reads referrals but not lab orders, so no referral "has follow-ups" to it.
    const insurance = await tokenFor('agent://insurance', ['insurance']);
    const followUps = '{ has: referrals(where: { followUps: { exists: true } }) { totalCount nodes { id } } hasNot: referrals(where: { followUps: { exists: false } }) { nodes { id } } r1: referral(id: "r-1") { followUps { totalCount } } }';
    assert.deepEqual(ids((await s.gql(admin, followUps)).data?.has), ['r-1'], 'the premise: r-1 has a lab order');
    const seen = await s.gql(insurance, followUps);
    assert.equal(seen.errors, undefined, JSON.stringify(seen.errors));
    assert.deepEqual([ids(seen.data?.has), (seen.data?.has as { totalCount: number }).totalCount, ids(seen.data?.hasNot)], [[], 0, ['r-1', 'r-2', 'r-3']]);
    assert.deepEqual(seen.data?.r1, { followUps: { totalCount: 0 } });
  });

  void it('reinforceMark and removeMark: only marks of the role\'s kinds, only on readable nodes', async () => {
    const leave = async (on: string, kind: string): Promise<string> => {
      const r = await s.gql(admin, 'mutation M($on: ID!, $kind: String!) { leaveMark(on: $on, kind: $kind, ttlMs: 600000) { mark { id } } }', { on, kind });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return (r.data?.leaveMark as { mark: { id: string } }).mark.id;
    };
    const reinforce = (token: string, id: string) => s.gql(token, 'mutation R($id: ID!) { reinforceMark(id: $id, by: 0.5) { seq mark { id kind } } }', { id });
    const remove = (token: string, id: string) => s.gql(token, 'mutation D($id: ID!) { removeMark(id: $id) }', { id });
    const marksOn = async (node: string): Promise<string[]> => {
      const r = await s.gql(admin, 'query Q($id: ID!) { node(id: $id) { ... on Referral { marks { id } } } }', { id: node });
      return (r.data?.node as { marks: { id: string }[] }).marks.map((m) => m.id);
    };
    const otherKind = await leave('r-1', 'needs-insurance-check');
    const hidden = await leave('r-2', 'needs-review');
    const mine = await leave('r-1', 'needs-review');

    // A kind the specialist role may not mark: refused, and the mark is untouched.
    for (const r of [await reinforce(specialist, otherKind), await remove(specialist, otherKind)]) {
      assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(r));
      assert.match(r.errors?.[0]?.message ?? '', /may not leave marks of kind needs-insurance-check/);
    }
    // A mark on a node the caller cannot read does not exist for it: not found, nothing about the node, untouched.
    const hiddenReinforced = await reinforce(specialist, hidden);
    assert.equal(hiddenReinforced.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(hiddenReinforced));
    assertOnly(hiddenReinforced, SPECIALIST_SEES, 'reinforceMark on a hidden node');
    const hiddenRemoved = await remove(specialist, hidden);
    assert.deepEqual([hiddenRemoved.errors, hiddenRemoved.data?.removeMark], [undefined, null]);
    assert.ok((await marksOn('r-1')).includes(otherKind) && (await marksOn('r-2')).includes(hidden), 'refused marks are still there');

    // Its own kind on a readable node: allowed — reinforcing another agent's mark is how stigmergy works.
    const ok = await reinforce(specialist, mine);
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.equal((ok.data?.reinforceMark as { mark: { kind: string } }).mark.kind, 'needs-review');
    const gone = await remove(specialist, mine);
    assert.equal(gone.errors, undefined, JSON.stringify(gone.errors));
    assert.equal(typeof gone.data?.removeMark, 'number');
    assert.ok(!(await marksOn('r-1')).includes(mine));
  });

  void it('as-of reads (by seq and by time) and changesSince: only what the rule allowed then', async () => {
    const at = `asOf: { seq: ${head} }`;
    const query = `{ a: referral(id: "r-2", ${at}) { id } b: nodes(ids: ["r-3", "p-1", "p-2", "gp-1", "cov-p-1", "result-r-1"], ${at}) { id }
      referrals(orderBy: { field: id }, ${at}) { totalCount nodes { id forPatient { id coverages { nodes { id } } } referredBy { id } } }
      patients(${at}) { totalCount nodes { id } } s2: specialist(id: "s-2", ${at}) { id referralsReceived { totalCount nodes { id } } referralsReceivedCount }
      n: neighbourhood(id: "s-1", hops: 4, limit: 1000, ${at}) { nodes { node { id } } relationships { fromId toId } }
      p: paths(from: "p-1", to: "p-2", maxHops: 6, ${at}) { nodes { id } }
      t: neighbourhood(id: "spec-card", hops: 3, asOf: { time: "${new Date().toISOString()}" }) { nodes { node { id } } relationships { fromId toId } }
      c: changesSince(seq: 0, first: 1000) { seq subject eventId changes } }`;
    const r = await s.gql(specialist, query);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assertOnly(r.data, SPECIALIST_SEES, 'as-of');
    // And it still shows what the rule allows (an empty answer would pass the scan above).
    assert.deepEqual(r.data?.referrals, { totalCount: 1, nodes: [{ id: 'r-1', forPatient: { id: 'p-1', coverages: { nodes: [] } }, referredBy: null }] });
    assert.ok((r.data?.c as unknown[]).length > 0);
    // Before r-1 was accepted by s-1 (the last two world events accept r-1, then r-2), the rule let nothing through.
    const earlier = await s.gql(specialist, `{ referrals(asOf: { seq: ${head - 2} }) { totalCount } patient(id: "p-1", asOf: { seq: ${head - 2} }) { id } }`);
    assert.deepEqual(earlier.data, { referrals: { totalCount: 0 }, patient: null });
  });

  void it('history: an entry whose every change reaches a hidden node is absent, not shown empty', async () => {
    // LabOrdered links lab-r-1 to r-1 (touching r-1), but the specialist may not read lab orders: that entry has no
    // change the specialist may see, so r-1's history must not even show that it happened.
    const query = '{ referral(id: "r-1") { history { seq type changes } } }';
    const types = (v: unknown): string[] => (v as { referral: { history: { type: string }[] } }).referral.history.map((e) => e.type);
    const all = await s.gql(admin, query);
    assert.equal(all.errors, undefined, JSON.stringify(all.errors));
    assert.ok(types(all.data).includes('LabOrdered'), `the premise: LabOrdered is in r-1's history (${types(all.data).join(', ')})`);
    const mine = await s.gql(specialist, query);
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    const history = (mine.data?.referral as { history: { type: string; changes: unknown[] }[] }).history;
    // Marks left on r-1 by the other tests are in its history too (tg:…); of the world's events, these two remain.
    assert.deepEqual(types(mine.data).filter((t) => !t.startsWith('tg:')), ['ReferralRequested', 'ReferralAccepted']);
    for (const e of history) assert.ok(e.changes.length > 0, `an entry shown with no changes: ${JSON.stringify(e)}`);
    assertOnly(mine.data, SPECIALIST_SEES, 'history');
  });

  void it('event by id: an event about invisible nodes is absent', async () => {
    const admins = await s.gql(admin, '{ ledger(first: 1000) { eventId subject } }');
    const aboutR2 = (admins.data?.ledger as { eventId: string; subject: string | null }[]).filter((e) => e.subject === 'Referral/r-3');
    assert.ok(aboutR2.length > 0);
    for (const e of aboutR2) {
      const r = await s.gql(specialist, 'query E($id: ID!) { event(id: $id) { eventId changes } }', { id: e.eventId });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.equal(r.data?.event, null, `event ${e.eventId} about r-3 is visible`);
    }
  });

  void it('insurance reads coverage but never lab results', async () => {
    const insurance = await tokenFor('agent://insurance', ['insurance']);
    const r = await s.gql(insurance, '{ labResults { totalCount nodes { id } } labOrders { totalCount } node(id: "result-r-1") { id } insuranceCoverages { totalCount } neighbourhood(id: "r-1", hops: 3) { nodes { node { id } } } referral(id: "r-1") { history { changes } } }');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data?.labResults, { totalCount: 0, nodes: [] });
    assert.equal((r.data?.insuranceCoverages as { totalCount: number }).totalCount, 3);
    const seen = mentioned(r.data);
    assert.ok(!seen.has(WORLD.lab.result) && !seen.has(WORLD.lab.order), `insurance saw lab data: ${[...seen].join(', ')}`);
  });

  void it('subscriptions (SSE and graphql-ws) deliver only changes about readable nodes', async () => {
    const query = 'subscription S($after: Int) { marks(after: $after) { seq subject eventId changes { kind id from { id } to { id } on { id } } nodes { id } } }';
    const collect = async (sub: (sink: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => () => void): Promise<unknown[]> => {
      const got: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        const handle: { stop?: () => void } = {};
        const timer = setTimeout(() => {
          handle.stop?.();
          resolve();
        }, 3000);
        handle.stop = sub({
          next: (v) => got.push(v),
          error: (e) => {
            clearTimeout(timer);
            reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
          },
          complete: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
      return got;
    };
    const sse = createSseClient({ url: `${s.url}/graphql`, headers: { authorization: `Bearer ${specialist}` }, retryAttempts: 0 });
    const ws = createWsClient({ url: `${s.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${specialist}` }, retryAttempts: 0 });
    try {
      const [overSse, overWs] = await Promise.all([
        collect((sink) => sse.subscribe({ query, variables: { after: 0 } }, sink)),
        collect((sink) => ws.subscribe({ query, variables: { after: 0 } }, sink)),
      ]);
      for (const [name, got] of [['SSE', overSse], ['graphql-ws', overWs]] as const) {
        assert.ok(got.length > 0, `${name}: nothing delivered`);
        assertOnly(got, SPECIALIST_SEES, `subscription over ${name}`);
        assert.ok(mentioned(got).has('r-1'), `${name}: the r-1 changes were not delivered`);
      }
    } finally {
      sse.dispose();
      await ws.dispose();
    }
  });

  void it('a mark keeps its subject when the caller may read the aggregate, even if the event only changed other nodes', async () => {
    // LabResulted on Referral/r-1 creates a LabResult and results the LabOrder; the referral node itself is unchanged.
    // A matcher may read referrals and lab orders, not lab results: it must still learn which referral it is about.
    const matcher = await tokenFor('agent://matcher-1', ['matcher']);
    const sse = createSseClient({ url: `${s.url}/graphql`, headers: { authorization: `Bearer ${matcher}` }, retryAttempts: 0 });
    try {
      const first = await new Promise<{ subject?: string | null; eventId: string; changes: { kind: string; id?: string | null }[] }>((resolve, reject) => {
        const stop = sse.subscribe<{ marks: { subject?: string | null; eventId: string; changes: { kind: string; id?: string | null }[] } }>(
          { query: 'subscription { marks(after: 0, where: { eventTypes: ["LabResulted"] }) { subject eventId changes { kind id } } }' },
          {
            next: (v) => {
              if (v.data?.marks) {
                stop();
                resolve(v.data.marks);
              }
            },
            error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
            complete: () => reject(new Error('the subscription ended without the LabResulted mark')),
          },
        );
        setTimeout(() => reject(new Error('no LabResulted mark within 30 s')), 30_000).unref();
      });
      assert.equal(first.subject, 'Referral/r-1');
      assert.ok(first.changes.every((c) => c.id !== WORLD.lab.result), `the lab result itself stays hidden: ${JSON.stringify(first.changes)}`);
    } finally {
      sse.dispose();
    }
  });
});
