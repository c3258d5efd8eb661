/**
 * The one decision function: may this principal do this? Every edge (HTTP, GraphQL, subscriptions, the CLI,
 * the NATS permissions generator) asks here, so there is one rulebook for access, as there is for projection.
 * Reads are decided per class here and per row by the store, from readScope (read-scope.ts).
 */
import { ForbiddenError } from './errors.ts';
import { type CompiledPolicy, type NameSet, inSet } from './policy.ts';
import type { Principal } from './principal.ts';

/** Something an agent asks to do. */
export type Action =
  /** Publish an event of `eventType` with CloudEvents `source`. */
  | { readonly kind: 'publish'; readonly eventType: string; readonly source: string }
  /** Read nodes of `class` (some rows may still be hidden by a row rule). */
  | { readonly kind: 'read'; readonly class: string }
  /** Take (or renew) a claim for `purpose`. */
  | { readonly kind: 'claim'; readonly purpose: string }
  /** Leave or reinforce a signal mark of `markKind`. */
  | { readonly kind: 'mark'; readonly markKind: string }
  /** Act on something held by `holder` (release or renew a claim, reinforce or remove a mark). */
  | { readonly kind: 'holder'; readonly holder: string; readonly what: string }
  /**
   * Operator work on the pipeline itself, e.g. reading or replaying dead letters: they hold events of every type
   * and class, and a replay publishes in another agent's name, so only a role that may read and publish anything.
   */
  | { readonly kind: 'operate'; readonly what: string };

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOW: Decision = Object.freeze({ allowed: true });

function anyRole(policy: CompiledPolicy, p: Principal, pick: (r: NonNullable<ReturnType<CompiledPolicy['roles']['get']>>) => boolean): boolean {
  return p.roles.some((name) => {
    const role = policy.roles.get(name);
    return role !== undefined && pick(role);
  });
}

const roleList = (p: Principal): string => (p.roles.length > 0 ? p.roles.join(', ') : 'no role');

/** Decides `action` for `principal` under `policy`. Pure. */
export function decide(policy: CompiledPolicy, principal: Principal, action: Action): Decision {
  const deny = (reason: string): Decision => ({ allowed: false, reason });
  if (principal.roles.length > 0 && !principal.roles.some((r) => policy.roles.has(r))) {
    return deny(`none of the token's roles (${roleList(principal)}) is a role of access policy ${policy.version}`);
  }
  const has = (pick: (r: { publish: NameSet; claimPurposes: NameSet; markKinds: NameSet }) => NameSet, name: string): boolean =>
    anyRole(policy, principal, (r) => inSet(pick(r), name));
  switch (action.kind) {
    case 'publish':
      // Checked first: a spoofed source is refused whatever the type.
      if (action.source !== principal.agent) return deny(`source does not match the token: the event says ${action.source}, the token is ${principal.agent}`);
      return has((r) => r.publish, action.eventType) ? ALLOW : deny(`${principal.agent} (${roleList(principal)}) may not publish ${action.eventType}`);
    case 'read':
      return anyRole(policy, principal, (r) => r.read === 'any' || r.read.some((g) => g.class === action.class))
        ? ALLOW
        : deny(`${principal.agent} (${roleList(principal)}) may not read ${action.class}`);
    case 'claim':
      return has((r) => r.claimPurposes, action.purpose) ? ALLOW : deny(`${principal.agent} (${roleList(principal)}) may not claim for purpose ${action.purpose}`);
    case 'mark':
      return has((r) => r.markKinds, action.markKind) ? ALLOW : deny(`${principal.agent} (${roleList(principal)}) may not leave marks of kind ${action.markKind}`);
    case 'holder':
      return action.holder === principal.agent ? ALLOW : deny(`only the holder (${action.holder}) may ${action.what}; the token is ${principal.agent}`);
    case 'operate':
      return anyRole(policy, principal, (r) => r.read === 'any' && r.publish === 'any')
        ? ALLOW
        : deny(`${principal.agent} (${roleList(principal)}) may not ${action.what}: that needs a role that may read and publish anything (an operator role)`);
  }
}

/** A short name of the action for errors and dead letters. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'publish':
      return `publish ${action.eventType}`;
    case 'read':
      return `read ${action.class}`;
    case 'claim':
      return `claim ${action.purpose}`;
    case 'mark':
      return `mark ${action.markKind}`;
    case 'holder':
    case 'operate':
      return action.what;
  }
}

/** decide() that throws ForbiddenError when the action is refused. */
export function authorize(policy: CompiledPolicy, principal: Principal, action: Action): void {
  const d = decide(policy, principal, action);
  if (!d.allowed) throw new ForbiddenError(principal.agent, describeAction(action), d.reason);
}
