/**
 * Publishing under the policy, on every publish path (POST /events, the publishEvent mutation): a role publishes
 * only its event types, only as itself; refusals are 403 / FORBIDDEN, dead-lettered with the reason, and the
 * ledger records the authenticated agent. Claims and marks: only the role's purposes and kinds; renew and
 * release only by the holder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAuthServer, type AuthServer } from '../support/auth-server.ts';
import { tokenFor } from '../support/auth.ts';

let n = 0;
const patient = (source: string, type = 'PatientRegistered') => ({
  specversion: '1.0', id: `pub-${process.pid}-${++n}`, source, type, subject: `Patient/p-${n}`,
  data: { '@type': 'Patient', id: `p-${n}`, name: 'Ann Lee', birthDate: '1970-02-03', mrn: `MRN-${String(n).padStart(6, '0')}` },
});

void describe('publishing with auth on', () => {
  let h: AuthServer;
  let intake: string;
  let lab: string;
  before(async () => {
    h = await startAuthServer();
    intake = await tokenFor('agent://intake', ['intake']);
    lab = await tokenFor('agent://lab', ['lab']);
  });
  after(() => h.close());

  const post = (token: string, body: unknown) =>
    fetch(`${h.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const gql = (token: string, query: string, variables: Record<string, unknown> = {}) => h.gql(token, query, variables);

  void it('POST /events: own type as itself → 201 and the ledger records the agent', async () => {
    const e = patient('agent://intake');
    const res = await post(intake, e);
    assert.equal(res.status, 201);
    const entry = await h.store.findEvent(e.id);
    assert.equal(entry?.source, 'agent://intake');
  });

  void it('POST /events: another role\'s type → 403, dead-lettered as forbidden, nothing applied', async () => {
    const e = patient('agent://lab');
    const res = await post(lab, e);
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { code: string; message: string }; deadLetterId?: string };
    assert.equal(body.error.code, 'FORBIDDEN');
    assert.match(body.error.message, /may not publish PatientRegistered/);
    assert.equal(await h.store.findEvent(e.id), undefined);
    const letter = await h.deadLetters.get(String(body.deadLetterId));
    assert.equal(letter?.reason, 'forbidden');
    assert.equal(letter?.eventId, e.id);
    assert.equal(letter?.issues[0]?.pointer, '/type');
  });

  void it('POST /events: a spoofed source → 403 "source does not match the token"', async () => {
    const e = patient('agent://intake');
    const res = await post(lab, e);
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { message: string }; deadLetterId?: string };
    assert.match(body.error.message, /source does not match the token/);
    assert.equal((await h.deadLetters.get(String(body.deadLetterId)))?.issues[0]?.pointer, '/source');
    assert.equal(await h.store.findEvent(e.id), undefined);
  });

  void it('a batch: allowed events apply, refused ones are refused in place', async () => {
    const ok = patient('agent://intake');
    const spoof = patient('agent://insurance');
    const res = await fetch(`${h.url}/events`, {
      method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json', authorization: `Bearer ${intake}` }, body: JSON.stringify([ok, spoof]),
    });
    const out = (await res.json()) as { status: string; error?: { code: string } }[];
    assert.deepEqual(out.map((o) => o.status), ['applied', 'rejected']);
    assert.equal(out[1]?.error?.code, 'FORBIDDEN');
  });

  void it('publishEvent: same rules over GraphQL', async () => {
    const doc = 'mutation P($e: JSON!) { publishEvent(event: $e) { status seq } }';
    assert.equal(((await gql(intake, doc, { e: patient('agent://intake') })).data?.publishEvent as { status: string }).status, 'applied');
    const denied = await gql(lab, doc, { e: patient('agent://lab') });
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const spoofed = await gql(lab, doc, { e: patient('agent://intake') });
    assert.match(spoofed.errors?.[0]?.message ?? '', /source does not match the token/);
  });

  void it('claims: only permitted purposes; renew and release only by the holder; no acting as another agent', async () => {
    const e = patient('agent://intake');
    await post(intake, e);
    const pid = e.data.id;
    const insurance = await tokenFor('agent://insurance', ['insurance']);
    const claim = 'mutation C($n: ID!, $p: String!) { claim(node: $n, purpose: $p, ttlMs: 30000) { granted token } }';
    const refused = await gql(lab, claim, { n: pid, p: 'insurance' });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const got = await gql(insurance, claim, { n: pid, p: 'insurance' });
    const token = (got.data?.claim as { granted: boolean; token: number }).token;
    assert.equal((got.data?.claim as { granted: boolean }).granted, true);
    const release = 'mutation R($n: ID!, $k: Int!) { releaseClaim(node: $n, purpose: "insurance", token: $k) }';
    const admin = await tokenFor('agent://ops', ['admin']);
    assert.equal((await gql(admin, release, { n: pid, k: token })).data?.releaseClaim, false, 'a thief with the fencing token may not release');
    const actAs = await gql(admin, 'mutation R($n: ID!, $k: Int!) { releaseClaim(node: $n, purpose: "insurance", token: $k, agent: "agent://insurance") }', { n: pid, k: token });
    assert.equal(actAs.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await gql(insurance, release, { n: pid, k: token })).data?.releaseClaim, true);
    const mark = 'mutation M($n: ID!, $k: String!) { leaveMark(on: $n, kind: $k, ttlMs: 60000) { seq } }';
    assert.equal((await gql(lab, mark, { n: pid, k: 'needs-insurance-check' })).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(typeof ((await gql(intake, mark, { n: pid, k: 'needs-insurance-check' })).data?.leaveMark as { seq: number }).seq, 'number');
  });
});
