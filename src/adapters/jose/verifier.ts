/**
 * Bearer-token verification with `jose`: HS256 with a shared secret (development), or RS256 / ES256 / EdDSA
 * with keys from a JWKS file or URL (production; a token with an unknown `kid` makes the set reload, so keys
 * rotate without a restart). `iss`, `aud`, `exp` and `nbf` are always checked; `alg: none` never verifies.
 * Failures become UnauthenticatedError with a reason and a message that never contains the token or a key.
 */
import { readFile, stat } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '../../core/auth/errors.ts';
import type { Principal } from '../../core/auth/principal.ts';

export interface TokenVerifierOptions {
  /** HS256 shared secret (development). At least 32 bytes. */
  readonly secret?: string;
  /** A JWKS: a file path or an http(s) URL (production). */
  readonly jwks?: string;
  readonly issuer: string;
  readonly audience: string;
  /** The claim holding the role names (an array, or a space-separated string). Default `roles`. */
  readonly rolesClaim?: string;
  /** Allowed clock skew for exp / nbf, seconds. Default 5. */
  readonly clockToleranceSec?: number;
  /** URL JWKS: least time between two fetches on an unknown kid (ms). Default 30 s. */
  readonly jwksCooldownMs?: number;
}

export interface TokenVerifier {
  /** Verifies a compact JWT; the Principal it names, or UnauthenticatedError. */
  verify(token: string): Promise<Principal>;
}

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);

/** A JWKS file, re-read when a token names a kid it does not hold (the file was rotated). */
function fileKeySet(path: string): JWTVerifyGetKey {
  let loaded: { mtimeMs: number; get: JWTVerifyGetKey } | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => {
    const { mtimeMs } = await stat(path);
    if (loaded?.mtimeMs !== mtimeMs) loaded = { mtimeMs, get: createLocalJWKSet(JSON.parse(await readFile(path, 'utf8')) as never) };
    return loaded.get;
  };
  return async (header, token) => {
    try {
      return await (await load())(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || loaded === undefined) throw err;
      loaded = undefined; // rotated? read the file again once
      return (await load())(header, token);
    }
  };
}

function toPrincipal(payload: JWTPayload, rolesClaim: string): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthenticatedError('invalid', 'the token has no sub claim: it must name the agent, e.g. agent://intake');
  const raw = payload[rolesClaim];
  const roles = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : typeof raw === 'string' ? raw.split(/\s+/).filter(Boolean) : [];
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) if (!REGISTERED.has(k) && k !== rolesClaim && typeof v === 'string') attributes[k] = v;
  return { agent: payload.sub, roles, attributes, ...(typeof payload.exp === 'number' && { expiresAt: payload.exp * 1000 }) };
}

/** jose's error → a secret-free UnauthenticatedError. */
export function explainTokenError(err: unknown): UnauthenticatedError {
  if (err instanceof UnauthenticatedError) return err;
  if (err instanceof errors.JWTExpired) return new UnauthenticatedError('expired', 'the token has expired; get a fresh one');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return new UnauthenticatedError('not-yet-valid', 'the token is not valid yet (nbf is in the future)');
    if (err.claim === 'iss') return new UnauthenticatedError('wrong-issuer', 'the token was issued by another issuer than this service trusts');
    if (err.claim === 'aud') return new UnauthenticatedError('wrong-audience', 'the token is meant for another audience than this service');
    return new UnauthenticatedError('invalid', `the token's ${err.claim} claim is not valid`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return new UnauthenticatedError('algorithm', 'the token is signed with an algorithm this service does not accept');
  if (err instanceof errors.JWKSNoMatchingKey) return new UnauthenticatedError('unknown-key', 'the token names a signing key (kid) this service does not know');
  if (err instanceof errors.JWSSignatureVerificationFailed) return new UnauthenticatedError('bad-signature', 'the token signature does not verify');
  if (err instanceof errors.JWKSTimeout) return new UnauthenticatedError('keys-unavailable', 'the signing keys could not be fetched in time; retry');
  if (err instanceof errors.JOSEError) return new UnauthenticatedError('malformed', 'the token is not a valid signed JWT');
  return new UnauthenticatedError('invalid', 'the token could not be verified');
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const rolesClaim = options.rolesClaim ?? 'roles';
  const common = { issuer: options.issuer, audience: options.audience, clockTolerance: options.clockToleranceSec ?? 5, requiredClaims: ['sub', 'exp'] };
  let verifyJwt: (token: string) => Promise<JWTPayload>;
  if (options.jwks) {
    const jwks = options.jwks;
    const keys = /^https?:\/\//.test(jwks)
      ? createRemoteJWKSet(new URL(jwks), { cooldownDuration: options.jwksCooldownMs ?? 30_000 })
      : fileKeySet(jwks);
    verifyJwt = async (token) => (await jwtVerify(token, keys, { ...common, algorithms: ASYMMETRIC })).payload;
  } else if (options.secret) {
    const key = new TextEncoder().encode(options.secret);
    verifyJwt = async (token) => (await jwtVerify(token, key, { ...common, algorithms: ['HS256'] })).payload;
  } else {
    throw new Error('createTokenVerifier: give a secret (HS256) or a jwks (file or URL)');
  }
  return {
    async verify(token) {
      try {
        return toPrincipal(await verifyJwt(token), rolesClaim);
      } catch (err) {
        throw explainTokenError(err);
      }
    },
  };
}
