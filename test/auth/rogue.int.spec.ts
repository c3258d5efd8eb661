/**
 * The demo's rogue agent against a service with auth on: it holds a valid insurance token, and every attack —
 * another agent's event type, a spoofed source, reading lab results, stealing a claim — is refused, and the
 * graph is unchanged by it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runRogueAgent } from '../../src/demo/referral/rogue.ts';
import { startAuthServer, type AuthServer } from '../support/auth-server.ts';
import { tokenFor } from '../support/auth.ts';
import { publishWorld } from '../support/referral-world.ts';

void describe('the rogue agent', () => {
  let s: AuthServer;
  before(async () => {
    s = await startAuthServer();
    await publishWorld(s, await tokenFor('agent://admin', ['admin']));
  });
  after(() => s.close());

  void it('is denied every attack, and changes nothing', async () => {
    const matcher = await tokenFor('agent://matcher-1', ['matcher']);
    const held = await s.gql(matcher, 'mutation { claim(node: "r-3", purpose: "match", ttlMs: 60000) { granted token } }');
    const claim = held.data?.claim as { granted: boolean; token: number };
    assert.equal(claim.granted, true);
    const before = (await s.gql(await tokenFor('agent://admin', ['admin']), '{ headSeq }')).data?.headSeq as number;
    const attempts = await runRogueAgent({
      url: s.url, agent: 'agent://rogue', token: await tokenFor('agent://rogue', ['insurance']), referralId: 'r-3',
      heldClaim: { node: 'r-3', purpose: 'match', token: claim.token },
    });
    assert.equal(attempts.length, 4);
    for (const a of attempts) assert.equal(a.denied, true, `${a.attack}: ${a.answer}`);
    assert.match(attempts[1]?.answer ?? '', /source does not match the token/);
    const afterSeq = (await s.gql(await tokenFor('agent://admin', ['admin']), '{ headSeq }')).data?.headSeq as number;
    assert.equal(afterSeq, before, 'the rogue changed the ledger');
    const r3 = await s.gql(matcher, '{ referral(id: "r-3") { claims { agent purpose token } } }');
    assert.deepEqual((r3.data?.referral as { claims: unknown[] }).claims, [{ agent: 'agent://matcher-1', purpose: 'match', token: claim.token }]);
  });
});
