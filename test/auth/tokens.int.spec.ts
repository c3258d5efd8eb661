/**
 * Identity: which bearer tokens the service accepts. HS256 (development) and asymmetric keys from a JWKS file
 * and a JWKS URL (a real local HTTP server), with rotation by kid; every forged, unsigned, expired, early,
 * foreign or unknown-key token is refused with 401 — and no answer or error ever echoes the token.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createTokenVerifier } from '../../src/adapters/jose/verifier.ts';
import { loadOntologySync } from '../../src/app/ontology/ontology-loader.ts';
import { UnauthenticatedError } from '../../src/core/auth/errors.ts';
import { createHarness, type Harness } from '../api/harness.ts';
import { AUDIENCE, ISSUER, claims, signHs256, testAccess, tokenFor, unsignedToken } from '../support/auth.ts';

const ontology = loadOntologySync('ontology/referral');

async function keyPair(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const sign = (c: Record<string, unknown>, alg: string, kid: string, key: CryptoKey): Promise<string> =>
  new SignJWT(c).setProtectedHeader({ alg, kid }).sign(key);

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof UnauthenticatedError, `expected UnauthenticatedError, got ${String(err)}`);
    return err.reason;
  }
  return 'accepted';
}

void describe('HS256 tokens at the HTTP edge', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness(ontology, { access: testAccess(ontology) });
  });
  after(() => h.close());

  const graphql = (token: string | undefined) =>
    h.api.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query: '{ headSeq }' }),
    });

  void it('answers a valid token and refuses a missing one with 401 (health probes stay open)', async () => {
    assert.equal((await graphql(await tokenFor('agent://intake', ['intake']))).status, 200);
    const res = await graphql(undefined);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED');
    assert.equal((await h.api.fetch('http://yoga/healthz')).status, 200);
    const events = await h.api.fetch('http://yoga/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: '{}' });
    assert.equal(events.status, 401);
  });

  void it('refuses forged, unsigned, expired, early and foreign tokens with 401, never echoing the token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bad: Record<string, string> = {
      'forged signature': await signHs256(claims('agent://intake', ['admin']), 'x'.repeat(64)),
      'alg none': unsignedToken(claims('agent://intake', ['admin'])),
      expired: await signHs256(claims('agent://intake', ['intake'], { exp: now - 60, iat: now - 120 })),
      'not yet valid': await signHs256(claims('agent://intake', ['intake'], { nbf: now + 600 })),
      'wrong issuer': await signHs256(claims('agent://intake', ['intake'], { iss: 'someone-else' })),
      'wrong audience': await signHs256(claims('agent://intake', ['intake'], { aud: 'another-service' })),
      'no sub': await signHs256(claims('agent://intake', ['intake'], { sub: undefined })),
      garbage: 'zz9-plural-z-alpha.qq7-beta-token.ww3-gamma-sig',
    };
    for (const [what, token] of Object.entries(bad)) {
      const res = await graphql(token);
      assert.equal(res.status, 401, what);
      const text = await res.text();
      assert.ok(!text.includes(token), `${what}: the answer echoes the token`);
      assert.ok(!text.includes(token.split('.')[1] ?? '§'), `${what}: the answer echoes the token payload`);
    }
  });

  void it('says why in a stable reason', async () => {
    const v = createTokenVerifier({ secret: 's'.repeat(40), issuer: ISSUER, audience: AUDIENCE });
    const now = Math.floor(Date.now() / 1000);
    const hs = (c: Record<string, unknown>) => signHs256(c, 's'.repeat(40));
    assert.equal(await reason(v.verify(await hs(claims('agent://a', [], { exp: now - 60 })))), 'expired');
    assert.equal(await reason(v.verify(await hs(claims('agent://a', [], { nbf: now + 600 })))), 'not-yet-valid');
    assert.equal(await reason(v.verify(await hs(claims('agent://a', [], { iss: 'x' })))), 'wrong-issuer');
    assert.equal(await reason(v.verify(await hs(claims('agent://a', [], { aud: 'x' })))), 'wrong-audience');
    assert.equal(await reason(v.verify(unsignedToken(claims('agent://a', []))) ), 'algorithm');
    assert.equal(await reason(v.verify(await signHs256(claims('agent://a', []), 'y'.repeat(40)))), 'bad-signature');
  });
});

void describe('asymmetric keys from a JWKS', () => {
  let dir: string;
  let server: Server;
  let jwks: { keys: JWK[] } = { keys: [] };
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-jwks-'));
    server = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  void it('verifies RS256, ES256 and EdDSA from a JWKS file; an unknown kid and HS256 are refused', async () => {
    const rs = await keyPair('RS256', 'rs-1');
    const es = await keyPair('ES256', 'es-1');
    const ed = await keyPair('EdDSA', 'ed-1');
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [rs.jwk, es.jwk, ed.jwk] }));
    const v = createTokenVerifier({ jwks: file, issuer: ISSUER, audience: AUDIENCE });
    const c = claims('agent://insurance', ['insurance']);
    assert.equal((await v.verify(await sign(c, 'RS256', 'rs-1', rs.privateKey))).agent, 'agent://insurance');
    assert.deepEqual((await v.verify(await sign(c, 'ES256', 'es-1', es.privateKey))).roles, ['insurance']);
    assert.equal((await v.verify(await sign(c, 'EdDSA', 'ed-1', ed.privateKey))).agent, 'agent://insurance');
    const stranger = await keyPair('ES256', 'es-unknown');
    assert.equal(await reason(v.verify(await sign(c, 'ES256', 'es-unknown', stranger.privateKey))), 'unknown-key');
    // A key that claims a known kid but is not that key: the signature fails.
    assert.equal(await reason(v.verify(await sign(c, 'ES256', 'es-1', stranger.privateKey))), 'bad-signature');
    // HS256 with the public key as secret (the classic algorithm-confusion attack) is not an accepted algorithm.
    assert.equal(await reason(v.verify(await signHs256(c, JSON.stringify(rs.jwk)))), 'algorithm');
    // Rotation in the file: the new key is picked up on first sight of its kid, the removed key stops working.
    const next = await keyPair('ES256', 'es-2');
    writeFileSync(file, JSON.stringify({ keys: [next.jwk] }));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await v.verify(await sign(c, 'ES256', 'es-2', next.privateKey))).agent, 'agent://insurance');
    assert.equal(await reason(v.verify(await sign(c, 'ES256', 'es-1', es.privateKey))), 'unknown-key');
  });

  void it('rotates keys served from a JWKS URL by kid, without a restart', async () => {
    const old = await keyPair('RS256', '2026-old');
    jwks = { keys: [old.jwk] };
    const v = createTokenVerifier({ jwks: url, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
    const c = claims('agent://lab', ['lab']);
    assert.equal((await v.verify(await sign(c, 'RS256', '2026-old', old.privateKey))).agent, 'agent://lab');
    const fresh = await keyPair('RS256', '2026-new');
    jwks = { keys: [fresh.jwk] }; // the provider rotated: old key withdrawn
    assert.equal((await v.verify(await sign(c, 'RS256', '2026-new', fresh.privateKey))).agent, 'agent://lab');
    assert.equal(await reason(v.verify(await sign(c, 'RS256', '2026-old', old.privateKey))), 'unknown-key');
  });
});
