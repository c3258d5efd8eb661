/**
 * `trailgraph token issue --agent agent://intake --role intake`: a development token (HS256, signed with
 * TRAILGRAPH_AUTH_SECRET or --auth-secret-file), printed alone on stdout so it can be captured:
 * `TOKEN=$(trailgraph token issue …)`. Production tokens come from your identity provider (JWKS).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { issueToken } from '../../adapters/jose/issue.ts';
import { MIN_SECRET_BYTES } from '../../service/config.ts';
import { ConfigError } from '../../core/errors.ts';

interface TokenFlags {
  agent?: string;
  role?: string[];
  claim?: string[];
  ttl?: string;
  authSecretFile?: string;
  authIssuer?: string;
  authAudience?: string;
  authRolesClaim?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function register(program: Command): void {
  const token = program.command('token').description('Development tokens for auth (HS256).');
  token
    .command('issue')
    .description('Print a signed development token for an agent and its roles.')
    .requiredOption('--agent <agent>', 'the agent (the token sub), e.g. agent://intake')
    .option('--role <role>', 'a role of the access policy (repeat for several)', collect)
    .option('--claim <name=value>', 'an extra string claim a row rule reads, e.g. node=spec-1 (repeatable)', collect)
    .option('--ttl <seconds>', 'lifetime in seconds (default 3600)')
    .option('--auth-secret-file <file>', 'file with the HS256 secret (else env TRAILGRAPH_AUTH_SECRET)')
    .option('--auth-issuer <iss>', 'issuer (env TRAILGRAPH_AUTH_ISSUER, default trailgraph)')
    .option('--auth-audience <aud>', 'audience (env TRAILGRAPH_AUTH_AUDIENCE, default trailgraph)')
    .option('--auth-roles-claim <name>', 'claim holding the roles (env TRAILGRAPH_AUTH_ROLES_CLAIM, default roles)')
    .addHelpText('after', '\nExample:\n  export TRAILGRAPH_AUTH_SECRET=$(openssl rand -hex 32)\n  TOKEN=$(trailgraph token issue --agent agent://intake --role intake)\n  curl -H "authorization: Bearer $TOKEN" …')
    .action(async (flags: TokenFlags) => {
      const secret = flags.authSecretFile ? readFileSync(flags.authSecretFile, 'utf8').trim() : process.env.TRAILGRAPH_AUTH_SECRET;
      if (!secret) throw new ConfigError('TRAILGRAPH_AUTH_SECRET', 'set the HS256 secret the service uses (or pass --auth-secret-file)');
      if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) throw new ConfigError('TRAILGRAPH_AUTH_SECRET', `the secret is shorter than ${MIN_SECRET_BYTES} bytes`);
      const ttl = flags.ttl === undefined ? 3600 : Number(flags.ttl);
      if (!Number.isInteger(ttl) || ttl <= 0) throw new ConfigError('--ttl', `${flags.ttl} is not a number of seconds`);
      const attributes: Record<string, string> = {};
      for (const c of flags.claim ?? []) {
        const eq = c.indexOf('=');
        if (eq <= 0) throw new ConfigError('--claim', `${c} is not name=value`);
        attributes[c.slice(0, eq)] = c.slice(eq + 1);
      }
      const jwt = await issueToken({
        secret,
        agent: flags.agent as string,
        roles: flags.role ?? [],
        issuer: flags.authIssuer ?? process.env.TRAILGRAPH_AUTH_ISSUER ?? 'trailgraph',
        audience: flags.authAudience ?? process.env.TRAILGRAPH_AUTH_AUDIENCE ?? 'trailgraph',
        rolesClaim: flags.authRolesClaim ?? process.env.TRAILGRAPH_AUTH_ROLES_CLAIM ?? 'roles',
        ttlSec: ttl,
        attributes,
      });
      process.stdout.write(`${jwt}\n`);
    });
}
