/**
 * Auth for tests: the referral policy from ontology/referral/policy, HS256 tokens with a per-run random secret,
 * and helpers to sign tokens the way attackers and identity providers would (any alg, any key, any claims).
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { issueToken } from '../../src/adapters/jose/issue.ts';
import { createTokenVerifier, type TokenVerifierOptions } from '../../src/adapters/jose/verifier.ts';
import { type AccessControl, createAccessControl } from '../../src/app/auth/access-control.ts';
import { loadPolicy } from '../../src/app/auth/load-policy.ts';
import type { CompiledOntology } from '../../src/core/ontology/model.ts';

export const SECRET = randomBytes(32).toString('hex');
export const ISSUER = 'trailgraph-test';
export const AUDIENCE = 'trailgraph';

/** Access control with the referral policy and the test secret (or other verifier options). */
export function testAccess(ontology: CompiledOntology, verifier: Partial<TokenVerifierOptions> = {}): AccessControl {
  const policy = loadPolicy('ontology/referral/policy', ontology);
  return createAccessControl(policy, createTokenVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, ...verifier }));
}

/** A valid development token. */
export function tokenFor(agent: string, roles: readonly string[], extra: { attributes?: Record<string, string>; ttlSec?: number; notBeforeSec?: number } = {}): Promise<string> {
  return issueToken({ secret: SECRET, agent, roles, issuer: ISSUER, audience: AUDIENCE, ...extra });
}

/** Signs arbitrary claims with an arbitrary HMAC secret (for forged tokens). */
export function signHs256(claims: Record<string, unknown>, secret: string = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** `alg: none`: an unsigned token with valid-looking claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** Standard claims valid now, for `agent` with `roles`. */
export function claims(agent: string, roles: readonly string[], over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: agent, roles, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, ...over };
}

export type { JWK };
