/**
 * The compiled access policy: per role, what it may publish, read (optionally only rows related to the caller),
 * claim and mark. One immutable value, compiled from Turtle by compile-policy.ts; decisions in decide.ts.
 */
import type { SourceLocation } from '../errors.ts';

/** One step of a row rule's path: a relationship type and the direction it is walked from the read node. */
export interface RuleStep {
  readonly type: string;
  readonly direction: 'out' | 'in';
}

/**
 * "Only rows related to the caller": a node is visible when the path of `steps` from it ends at the node whose
 * id is the caller's token claim `claim`. E.g. a specialist reads the referrals `referredTo` itself:
 * steps `[{ type: 'referredTo', direction: 'out' }]`, claim `node`.
 */
export interface RowRule {
  readonly steps: readonly RuleStep[];
  readonly claim: string;
  readonly location?: SourceLocation;
}

/** Read access to a class (and its subclasses), optionally limited by a row rule. */
export interface ReadGrant {
  readonly class: string;
  readonly rule?: RowRule;
}

/** A set of names, or every name (`tg:Any` in the policy). */
export type NameSet = ReadonlySet<string> | 'any';

export interface RolePolicy {
  /** The role's local name, as tokens carry it. */
  readonly name: string;
  readonly iri: string;
  /** Event types the role may publish. */
  readonly publish: NameSet;
  /** Classes the role may read; `any` reads every class without a rule. */
  readonly read: readonly ReadGrant[] | 'any';
  /** Claim purposes the role may take. */
  readonly claimPurposes: NameSet;
  /** Signal-mark kinds the role may leave. */
  readonly markKinds: NameSet;
  readonly location?: SourceLocation;
}

export interface CompiledPolicy {
  /** The policy's IRI and `owl:versionInfo`. */
  readonly iri: string;
  readonly version: string;
  /** The ontology IRI the policy governs (its names are checked against it). */
  readonly governs: string;
  readonly roles: ReadonlyMap<string, RolePolicy>;
  readonly files: readonly string[];
}

/** True when `set` holds `name`. */
export function inSet(set: NameSet, name: string): boolean {
  return set === 'any' || set.has(name);
}
