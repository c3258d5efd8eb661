/** Development tokens (HS256): what `trailgraph token issue` prints and what the demo gives each agent. */
import { SignJWT } from 'jose';

export interface IssueTokenOptions {
  readonly secret: string;
  /** The `sub`: the agent, e.g. `agent://intake`. */
  readonly agent: string;
  readonly roles: readonly string[];
  readonly issuer: string;
  readonly audience: string;
  /** Lifetime in seconds. Default one hour. */
  readonly ttlSec?: number;
  /** Extra string claims a row rule may use (e.g. `node`). */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly rolesClaim?: string;
  /** Seconds from now before which the token is not valid (`nbf`). Default: valid at once. */
  readonly notBeforeSec?: number;
}

/** Signs an HS256 JWT. */
export async function issueToken(o: IssueTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...o.attributes, [o.rolesClaim ?? 'roles']: [...o.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(o.agent)
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.ttlSec ?? 3600));
  if (o.notBeforeSec) jwt.setNotBefore(now + o.notBeforeSec);
  return jwt.sign(new TextEncoder().encode(o.secret));
}
