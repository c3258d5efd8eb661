/**
 * `trailgraph nats permissions --agent agent://intake=intake …`: the nats-server `authorization` block generated
 * from the access policy (see src/adapters/nats/permissions.ts and docs/security.md). Include it in the server
 * config; set each `TG_NATS_PASSWORD_*` variable in the server's environment.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { natsAuthorization, type NatsAgent } from '../../adapters/nats/permissions.ts';
import { loadPolicy } from '../../app/auth/load-policy.ts';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import { ConfigError } from '../../core/errors.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `agent://intake=intake,observer` → { agent, roles }. */
export function parseAgentSpec(spec: string): NatsAgent {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new ConfigError('--agent', `${spec} is not <agent>=<role>[,<role>…], e.g. agent://intake=intake`);
  return { agent: spec.slice(0, eq), roles: spec.slice(eq + 1).split(',').map((r) => r.trim()).filter(Boolean) };
}

export function register(program: Command): void {
  const nats = program.command('nats').description('NATS deployment helpers.');
  nats
    .command('permissions')
    .description('Print nats-server users and permissions generated from the access policy: each agent may publish only its permitted event types, under its own identity.')
    .option('--agent <agent=roles>', 'an agent and its roles, e.g. agent://intake=intake (repeat for each agent)', collect)
    .option('--ontology <dir>', 'ontology folder (env TRAILGRAPH_ONTOLOGY, default ontology/referral)')
    .option('--policy <dir>', 'access policy folder (default <ontology>/policy)')
    .option('--service-user <name>', 'the trailgraph service\'s NATS user (default trailgraph)')
    .addHelpText('after', '\nExample:\n  trailgraph nats permissions --agent agent://intake=intake --agent agent://lab=lab > deploy/nats/auth.conf')
    .action(async (flags: { agent?: string[]; ontology?: string; policy?: string; serviceUser?: string }) => {
      const ontologyDir = flags.ontology ?? process.env.TRAILGRAPH_ONTOLOGY ?? 'ontology/referral';
      const ontology = await loadOntology(ontologyDir);
      const policy = loadPolicy(flags.policy ?? process.env.TRAILGRAPH_POLICY ?? `${ontologyDir}/policy`, ontology);
      const agents = (flags.agent ?? []).map(parseAgentSpec);
      try {
        process.stdout.write(natsAuthorization(policy, { domain: basename(ontologyDir), agents, ...(flags.serviceUser && { serviceUser: flags.serviceUser }) }));
      } catch (err) {
        if (err instanceof RangeError) throw new ConfigError('--agent', err.message);
        throw err;
      }
    });
}
