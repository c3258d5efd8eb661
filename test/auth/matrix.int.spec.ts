/**
 * The auth matrix, generated from the policy: every role × operation × transport, allow and deny. Expected
 * outcomes are read from the compiled policy (sets of names), not from the decision function under test.
 * - HTTP (`POST /events`) and GraphQL over HTTP (`publishEvent`): every event type of the ontology.
 * - GraphQL over HTTP: every class with data (lists), every claim purpose and mark kind of the policy (+ one
 *   nobody has).
 * - SSE and graphql-ws: a marks subscription from seq 0 delivers only changes about classes the role may read.
 * - NATS publish with the generated nats-server permissions: every event type, on the role's own subject.
 * Plus: no token → 401 (HTTP, GraphQL, SSE) and close 4401 (graphql-ws); a role the policy does not know is
 * refused everything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { connect, errors as natsErrors } from '@nats-io/transport-node';
import WebSocket from 'ws';
import { natsAuthorization, passwordVariable } from '../../src/adapters/nats/permissions.ts';
import { listFieldName } from '../../src/api/schema/names.ts';
import type { NameSet, RolePolicy } from '../../src/core/auth/policy.ts';
import { isA } from '../../src/core/ontology/model.ts';
import { startAuthServer, referralOntology as ontology, type AuthServer } from '../support/auth-server.ts';
import { tokenFor } from '../support/auth.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { publishWorld } from '../support/referral-world.ts';

const has = (set: NameSet, name: string): boolean => set === 'any' || set.has(name);
const STRANGER = 'stranger';

let server: AuthServer;
let roles: RolePolicy[];
const tokens = new Map<string, string>();
let admin: string;

/**
 * What a role sees of the nodes of `cls`: every one (a grant on it or an ancestor, without rule), none (no grant on
 * it, an ancestor or a subclass), or some (a row rule, or grants on subclasses only: a Practitioner list shows
 * the Specialists of a role that may read Specialist).
 */
function readable(role: RolePolicy | undefined, cls: string): 'all' | 'some' | 'none' {
  if (!role) return 'none';
  if (role.read === 'any') return 'all';
  const grants = role.read.filter((g) => isA(ontology, cls, g.class));
  if (grants.some((g) => !g.rule)) return 'all';
  return grants.length > 0 || role.read.some((g) => isA(ontology, g.class, cls)) ? 'some' : 'none';
}

const roleOf = (name: string): RolePolicy | undefined => roles.find((r) => r.name === name);
const agentOf = (name: string): string => `agent://${name}`;
const everyRole = (): string[] => [...roles.map((r) => r.name), STRANGER];

function minimalEvent(type: string, source: string): Record<string, unknown> {
  // Authorisation comes before validation: an allowed type with this payload is 422, a refused one 403.
  return { specversion: '1.0', id: `m-${type}-${source}-${Math.random().toString(36).slice(2)}`, source, type, subject: 'Referral/none', data: { '@type': 'Referral', id: 'none' } };
}

void describe('auth matrix from the policy', () => {
  before(async () => {
    server = await startAuthServer();
    roles = [...server.access.policy.roles.values()];
    admin = await tokenFor('agent://admin', ['admin']);
    await publishWorld(server, admin);
    for (const name of everyRole()) tokens.set(name, await tokenFor(agentOf(name), [name], { attributes: { node: 's-1' } }));
  });
  after(() => server.close());

  void it('no token: 401 on HTTP and GraphQL', async () => {
    assert.equal((await server.postEvent(undefined, minimalEvent('PatientRegistered', 'agent://x'))).status, 401);
    assert.equal((await server.gql(undefined, '{ headSeq }')).status, 401);
  });

  void it('publish: every role × every event type, over HTTP and GraphQL', async () => {
    let allowed = 0;
    let denied = 0;
    for (const name of everyRole()) {
      const role = roleOf(name);
      const token = tokens.get(name) as string;
      for (const type of ontology.eventTypes.keys()) {
        const expect = role !== undefined && has(role.publish, type);
        const http = await server.postEvent(token, minimalEvent(type, agentOf(name)));
        const gql = await server.gql(token, 'mutation P($e: JSON!) { publishEvent(event: $e) { status } }', { e: minimalEvent(type, agentOf(name)) });
        const gqlCode = gql.errors?.[0]?.extensions?.code;
        if (expect) {
          assert.notEqual(http.status, 403, `${name} publish ${type} over HTTP`);
          assert.notEqual(gqlCode, 'FORBIDDEN', `${name} publish ${type} over GraphQL`);
          allowed++;
        } else {
          assert.equal(http.status, 403, `${name} publish ${type} over HTTP`);
          assert.equal(gqlCode, 'FORBIDDEN', `${name} publish ${type} over GraphQL`);
          denied++;
        }
        // Whatever the role, speaking for another agent is refused.
        if (expect) assert.equal((await server.postEvent(token, minimalEvent(type, 'agent://someone-else'))).status, 403);
      }
    }
    assert.ok(allowed > 10 && denied > 50, `allowed ${allowed}, denied ${denied}`);
  });

  void it('read: every role × every class with data, over GraphQL', async () => {
    const classes = [...ontology.classes.keys()];
    const totals = new Map<string, number>();
    for (const cls of classes) {
      const r = await server.gql(admin, `{ l: ${listFieldName(cls)} { totalCount } }`);
      totals.set(cls, (r.data?.l as { totalCount: number }).totalCount);
    }
    const populated = classes.filter((c) => (totals.get(c) ?? 0) > 0);
    assert.ok(populated.length >= 8, `world populates ${populated.join(', ')}`);
    for (const name of everyRole()) {
      const access = (cls: string) => readable(roleOf(name), cls);
      const query = `{ ${populated.map((c, i) => `c${i}: ${listFieldName(c)} { totalCount }`).join(' ')} }`;
      const r = await server.gql(tokens.get(name), query);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      populated.forEach((cls, i) => {
        const seen = (r.data?.[`c${i}`] as { totalCount: number }).totalCount;
        const all = totals.get(cls) as number;
        const a = access(cls);
        if (a === 'all') assert.equal(seen, all, `${name} reads every ${cls}`);
        else if (a === 'none') assert.equal(seen, 0, `${name} reads no ${cls}`);
        else assert.ok(seen <= all, `${name} reads some ${cls}`);
      });
    }
  });

  void it('claims and marks: every role × every purpose and kind (and one nobody has)', async () => {
    const purposes = new Set<string>(['purpose-nobody-has']);
    const kinds = new Set<string>(['kind-nobody-has']);
    for (const r of roles) {
      if (r.claimPurposes !== 'any') for (const p of r.claimPurposes) purposes.add(p);
      if (r.markKinds !== 'any') for (const k of r.markKinds) kinds.add(k);
    }
    for (const name of everyRole()) {
      const role = roleOf(name);
      const token = tokens.get(name);
      for (const p of purposes) {
        const r = await server.gql(token, 'mutation C($p: String!) { claim(node: "s-1", purpose: $p, ttlMs: 200) { granted } }', { p });
        const forbidden = r.errors?.[0]?.extensions?.code === 'FORBIDDEN';
        assert.equal(forbidden, !(role && has(role.claimPurposes, p)), `${name} claim ${p}: ${JSON.stringify(r.errors ?? r.data)}`);
      }
      for (const k of kinds) {
        const r = await server.gql(token, 'mutation M($k: String!) { leaveMark(on: "s-1", kind: $k, ttlMs: 200) { seq } }', { k });
        const forbidden = r.errors?.[0]?.extensions?.code === 'FORBIDDEN';
        assert.equal(forbidden, !(role && has(role.markKinds, k)), `${name} mark ${k}: ${JSON.stringify(r.errors ?? r.data)}`);
      }
    }
  });

  void it('subscriptions over SSE and graphql-ws: only changes about readable classes, for every role', async () => {
    const query = 'subscription { marks(after: 0) { seq changes { kind class from { class } to { class } on { class } } } }';
    type Change = { kind: string; class?: string | null; from?: { class: string } | null; to?: { class: string } | null; on?: { class: string } | null };
    const head = ((await server.gql(admin, '{ headSeq }')).data?.headSeq as number) ?? 0;
    // Until the head is delivered (roles that read everything). Otherwise until the stream has been quiet for 3 s
    // after its first mark (a loaded machine may take long to start it), or for 8 s when the role should get nothing;
    // never beyond 90 s.
    const collect = (expectSome: boolean, subscribe: (sink: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => () => void): Promise<{ changes: Change[] }[]> =>
      new Promise((resolve, reject) => {
        const got: { seq: number; changes: Change[] }[] = [];
        const handle: { stop?: () => void } = {};
        let quiet: NodeJS.Timeout | undefined;
        const finish = (): void => {
          clearTimeout(quiet);
          clearTimeout(cap);
          handle.stop?.();
          resolve(got);
        };
        const cap = setTimeout(finish, expectSome ? 90_000 : 8000);
        handle.stop = subscribe({
          next: (v) => {
            const m = (v as { data: { marks: { seq: number; changes: Change[] } } }).data.marks;
            got.push(m);
            if (m.seq >= head) return finish();
            clearTimeout(quiet);
            quiet = setTimeout(finish, 3000);
          },
          error: (e) => {
            clearTimeout(quiet);
            clearTimeout(cap);
            reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
          },
          complete: finish,
        });
      });
    const clients: { dispose(): unknown }[] = [];
    try {
      const runs = everyRole().map(async (name) => {
        const token = tokens.get(name) as string;
        const sse = createSseClient({ url: `${server.url}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
        const ws = createWsClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
        clients.push(sse, ws);
        const expectSome = [...ontology.classes.keys()].some((cls) => readable(roleOf(name), cls) !== 'none');
        const [a, b] = await Promise.all([collect(expectSome, (s) => sse.subscribe({ query }, s)), collect(expectSome, (s) => ws.subscribe({ query }, s))]);
        return { name, sse: a, ws: b };
      });
      for (const { name, sse, ws } of await Promise.all(runs)) {
        for (const [transport, marks] of [['SSE', sse], ['graphql-ws', ws]] as const) {
          for (const m of marks) {
            for (const c of m.changes) {
              for (const cls of [c.class, c.from?.class, c.to?.class, c.on?.class]) {
                if (cls) assert.notEqual(readable(roleOf(name), cls), 'none', `${name} received a change about ${cls} over ${transport}`);
              }
            }
          }
          const readsSomething = [...ontology.classes.keys()].some((cls) => readable(roleOf(name), cls) !== 'none');
          if (readsSomething) assert.ok(marks.length > 0, `${name} received nothing over ${transport}`);
          else assert.equal(marks.length, 0, `${name} reads nothing but received marks over ${transport}`);
        }
      }
    } finally {
      for (const c of clients) await c.dispose();
    }
  });

  void it('no token: SSE refused with 401, graphql-ws closed with 4401', async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: 'subscription { marks { seq } }' }) });
    assert.equal(res.status, 401);
    await res.body?.cancel();
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('close', (c) => resolve(c));
    });
    assert.equal(code, 4401);
  });
});

void describe('auth matrix: NATS publish with the generated permissions', () => {
  let nats: NatsServer;
  let names: string[] = [];
  const password = (name: string): string => `pw-${name}-0123456789`;
  before(async () => {
    const policy = server?.access.policy ?? (await import('../../src/app/auth/load-policy.ts')).loadPolicy('ontology/referral/policy', ontology);
    roles = [...policy.roles.values()];
    names = roles.map((r) => r.name);
    const agents = names.map((n) => ({ agent: agentOf(n), roles: [n] }));
    const vars = [`${passwordVariable('service')} = "svc-0123456789"`, ...agents.map((a) => `${passwordVariable(a.agent)} = ${JSON.stringify(password(a.roles[0] as string))}`)].join('\n');
    nats = await startNatsServer({ jetstream: true, extraConfig: `${vars}\n${natsAuthorization(policy, { domain: 'referral', agents })}` });
  });
  after(() => nats?.stop());

  void it('every role × every event type: allowed on its own subject exactly when the policy says so', async () => {
    let checked = 0;
    for (const name of names) {
      const role = roleOf(name) as RolePolicy;
      const nc = await connect({ servers: nats.url, user: agentOf(name), pass: password(name) });
      const violations: string[] = [];
      const watching = (async () => {
        for await (const s of nc.status()) {
          if (s.type === 'error' && s.error instanceof natsErrors.PermissionViolationError) violations.push(s.error.subject);
        }
      })();
      try {
        for (const type of ontology.eventTypes.keys()) {
          const subject = `tg.events.referral.${type}.none.${agentOf(name)}`;
          nc.publish(subject, JSON.stringify(minimalEvent(type, agentOf(name))));
          await nc.flush();
          await new Promise((r) => setTimeout(r, 20));
          const refused = violations.includes(subject);
          assert.equal(refused, !has(role.publish, type), `${name} NATS publish ${type}`);
          checked++;
        }
        // Another agent's subject, for a type the role may publish: refused.
        const own = [...ontology.eventTypes.keys()].find((t) => has(role.publish, t));
        if (own) {
          const theirs = `tg.events.referral.${own}.none.agent://someone-else`;
          nc.publish(theirs, '{}');
          await nc.flush();
          await new Promise((r) => setTimeout(r, 20));
          assert.ok(violations.includes(theirs), `${name} published on another agent's subject`);
        }
      } finally {
        await nc.close();
        await watching;
      }
    }
    assert.equal(checked, names.length * ontology.eventTypes.size);
  });
});
