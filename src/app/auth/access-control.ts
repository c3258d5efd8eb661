/**
 * Access control as the edges use it: authenticate a bearer token (the jose adapter), then ask the one decision
 * function (core/auth/decide.ts) and resolve read scopes for the store. `undefined` access control means the
 * service runs open (embedded development mode, or production with --insecure).
 */
import { type TokenVerifier, createTokenVerifier } from '../../adapters/jose/verifier.ts';
import { type Action, type Decision, authorize, decide } from '../../core/auth/decide.ts';
import { UnauthenticatedError } from '../../core/auth/errors.ts';
import type { CompiledPolicy } from '../../core/auth/policy.ts';
import type { Principal } from '../../core/auth/principal.ts';
import { type ReadAccess, readScope } from '../../core/auth/read-scope.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { loadPolicy } from './load-policy.ts';

/** Bearer-token authentication and the access policy. Present = auth on. */
export interface AuthConfig {
  /** HS256 shared secret (development); from TRAILGRAPH_AUTH_SECRET or --auth-secret-file, never a flag value. */
  readonly secret?: string;
  /** JWKS file path or http(s) URL (production: RS256 / ES256 / EdDSA). */
  readonly jwks?: string;
  readonly issuer: string;
  readonly audience: string;
  /** Claim holding the roles. */
  readonly rolesClaim: string;
  /** Policy folder or file (default `<ontology>/policy`). */
  readonly policy: string;
}

export interface AccessControl {
  readonly policy: CompiledPolicy;
  /** The Principal of an `Authorization: Bearer …` value; UnauthenticatedError when missing or invalid. */
  authenticate(authorization: string | null | undefined): Promise<Principal>;
  decide(principal: Principal, action: Action): Decision;
  /** decide() that throws ForbiddenError. */
  authorize(principal: Principal, action: Action): void;
  /** What the principal may read, for the store. */
  scope(principal: Principal): ReadAccess;
}

/** The token from an Authorization header value; undefined when there is none. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new UnauthenticatedError('malformed', 'the Authorization header must be "Bearer <token>"');
  return m[1];
}

/** Verified tokens kept this long at most (and never past their exp): a withdrawn key stops working within it. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 1000;

export function createAccessControl(policy: CompiledPolicy, verifier: TokenVerifier): AccessControl {
  const scopes = new WeakMap<Principal, ReadAccess>();
  // An agent sends the same token with every request: verifying its signature once a minute instead of every
  // time keeps auth off the hot path. Bounded; the oldest entry goes first.
  const verified = new Map<string, { principal: Principal; until: number }>();
  return {
    policy,
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) throw new UnauthenticatedError('missing', 'authentication required: send Authorization: Bearer <token> (trailgraph token issue makes development tokens)');
      const now = Date.now();
      const hit = verified.get(token);
      if (hit && hit.until > now) return hit.principal;
      if (hit) verified.delete(token);
      const principal = await verifier.verify(token);
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
      verified.set(token, { principal, until: Math.min(now + VERIFIED_TTL_MS, principal.expiresAt ?? now + VERIFIED_TTL_MS) });
      return principal;
    },
    decide: (p, a) => decide(policy, p, a),
    authorize: (p, a) => authorize(policy, p, a),
    scope(p) {
      let s = scopes.get(p);
      if (!s) scopes.set(p, (s = readScope(policy, p)));
      return s;
    },
  };
}

/** Builds access control from the configuration; undefined when auth is off. */
export function accessControlFromConfig(auth: AuthConfig | undefined, ontology: CompiledOntology): AccessControl | undefined {
  if (!auth) return undefined;
  const policy = loadPolicy(auth.policy, ontology);
  const verifier = createTokenVerifier({
    ...(auth.secret !== undefined && { secret: auth.secret }),
    ...(auth.jwks !== undefined && { jwks: auth.jwks }),
    issuer: auth.issuer,
    audience: auth.audience,
    rolesClaim: auth.rolesClaim,
  });
  return createAccessControl(policy, verifier);
}
