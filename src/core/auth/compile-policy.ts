/**
 * The access-policy compiler: Turtle (the tg: policy vocabulary) + the compiled ontology → CompiledPolicy, or
 * located errors (file:line, term), as the ontology compiler does. Pure: the caller reads the files.
 *
 *     role:specialist a tg:Role ;
 *         tg:mayPublish ref:ReferralAccepted ;
 *         tg:mayRead ref:Specialist , ref:Specialty ;
 *         tg:mayReadWhere [ tg:class ref:Referral ; tg:path ( ref:referredTo ) ; tg:callerClaim "node" ] ;
 *         tg:mayClaim "match" ;
 *         tg:mayMark "needs-review" .
 *
 * Every name must exist in the ontology (an event type, a class, an object property or its inverse name);
 * anything else said about a role is an error, never silently ignored — an access rule that is dropped is a hole.
 */
import type { Term } from '@rdfjs/types';
import type { OntologyDiagnostic, SourceLocation } from '../errors.ts';
import { type CompiledOntology, isA } from '../ontology/model.ts';
import { TripleIndex } from '../ontology/rdf-index.ts';
import { type LocatedTriple, parseTurtle } from '../ontology/turtle-parse.ts';
import { OWL, RDF, RDFS, isDocumentationPredicate, localName } from '../ontology/vocabulary.ts';
import type { CompiledPolicy, NameSet, ReadGrant, RolePolicy, RowRule, RuleStep } from './policy.ts';
import { TGP } from './policy-vocabulary.ts';

export interface PolicySource {
  readonly file: string;
  readonly text: string;
}

export interface PolicyCompileResult {
  readonly policy?: CompiledPolicy;
  readonly diagnostics: readonly OntologyDiagnostic[];
}

const at = (t: LocatedTriple): SourceLocation => ({ file: t.file, line: t.line });

class PolicyContext {
  readonly diagnostics: OntologyDiagnostic[] = [];
  constructor(
    readonly index: TripleIndex,
    readonly ontology: CompiledOntology,
  ) {}
  error(message: string, location: SourceLocation | undefined, term?: string): void {
    this.diagnostics.push({ severity: 'error', message, ...(location && { location }), ...(term && { term }) });
  }
}

/** Compiles the policy files against `ontology`. */
export function compilePolicy(sources: readonly PolicySource[], ontology: CompiledOntology): PolicyCompileResult {
  const parsed = sources.map((s) => parseTurtle(s.file, s.text));
  const syntax = parsed.flatMap((p) => (p.error ? [p.error] : []));
  if (syntax.length > 0) return { diagnostics: syntax };
  const ctx = new PolicyContext(new TripleIndex(parsed.flatMap((p) => p.triples)), ontology);
  const header = extractHeader(ctx, sources.map((s) => s.file));
  const roles = new Map<string, RolePolicy>();
  for (const subject of ctx.index.subjects) {
    if (!ctx.index.types(subject).includes(TGP.Role)) continue;
    const role = extractRole(ctx, subject);
    const clash = roles.get(role.name);
    if (clash) ctx.error(`role name ${role.name} is declared twice (also at ${clash.location?.file}:${clash.location?.line})`, role.location, role.iri);
    roles.set(role.name, role);
  }
  if (roles.size === 0) ctx.error('the policy declares no tg:Role: nobody could do anything', header.location);
  if (ctx.diagnostics.length > 0) return { diagnostics: ctx.diagnostics };
  return {
    policy: Object.freeze({ iri: header.iri, version: header.version, governs: header.governs, roles, files: sources.map((s) => s.file) }),
    diagnostics: [],
  };
}

function extractHeader(ctx: PolicyContext, files: readonly string[]): { iri: string; version: string; governs: string; location?: SourceLocation } {
  const heads = ctx.index.subjects.filter((s) => ctx.index.types(s).includes(TGP.AccessPolicy));
  const head = heads[0];
  if (!head) {
    ctx.error(`no tg:AccessPolicy header; declare <…/policy> a tg:AccessPolicy ; owl:versionInfo "1.0.0" ; tg:governs <ontology IRI>`, { file: files[0] ?? '<policy>', line: 1 });
    return { iri: '', version: '', governs: '' };
  }
  const location = at(ctx.index.about(head)[0] as LocatedTriple);
  const version = ctx.index.with(head, OWL.versionInfo)[0]?.object.value ?? '';
  const governed = ctx.index.with(head, TGP.governs)[0];
  const governs = governed?.object.value ?? '';
  if (!version) ctx.error('the policy has no owl:versionInfo', location, head.value);
  if (!governed) ctx.error(`the policy has no tg:governs <ontology IRI>; it governs ${ctx.ontology.iri}`, location, head.value);
  else if (governs !== ctx.ontology.iri) ctx.error(`the policy governs ${governs}, but the served ontology is ${ctx.ontology.iri}`, at(governed), head.value);
  return { iri: head.value, version, governs, location };
}

const ROLE_PREDICATES: ReadonlySet<string> = new Set([RDF.type, RDFS.label, RDFS.comment, TGP.mayPublish, TGP.mayRead, TGP.mayReadWhere, TGP.mayClaim, TGP.mayMark]);

function extractRole(ctx: PolicyContext, subject: Term): RolePolicy {
  const about = ctx.index.about(subject);
  const location = about[0] ? at(about[0]) : undefined;
  const name = localName(subject.value);
  for (const t of about) {
    if (!ROLE_PREDICATES.has(t.predicate.value) && !isDocumentationPredicate(t.predicate.value)) {
      ctx.error(`role ${name}: ${localName(t.predicate.value)} is not part of the policy vocabulary (tg:mayPublish, tg:mayRead, tg:mayReadWhere, tg:mayClaim, tg:mayMark)`, at(t), t.predicate.value);
    }
  }
  const publish = names(ctx, ctx.index.with(subject, TGP.mayPublish), 'iri', (n, t) => {
    if (!ctx.ontology.eventTypes.has(n)) ctx.error(`role ${name}: tg:mayPublish ${n} is not an event type of ${ctx.ontology.version}`, at(t), t.object.value);
  });
  const readAll = names(ctx, ctx.index.with(subject, TGP.mayRead), 'iri', (n, t) => {
    if (!ctx.ontology.classes.has(n)) ctx.error(`role ${name}: tg:mayRead ${n} is not a class of ${ctx.ontology.version}`, at(t), t.object.value);
  });
  const grants: ReadGrant[] = readAll === 'any' ? [] : [...readAll].map((c) => ({ class: c }));
  for (const t of ctx.index.with(subject, TGP.mayReadWhere)) {
    const g = readWhere(ctx, name, t);
    if (g) grants.push(g);
  }
  const role: RolePolicy = {
    name,
    iri: subject.value,
    publish,
    read: readAll === 'any' ? 'any' : grants,
    claimPurposes: names(ctx, ctx.index.with(subject, TGP.mayClaim), 'literal'),
    markKinds: names(ctx, ctx.index.with(subject, TGP.mayMark), 'literal'),
    ...(location && { location }),
  };
  return role;
}

/** The names of a list of objects: IRIs' local names or literals; `tg:Any` makes the set `any`. */
function names(ctx: PolicyContext, triples: readonly LocatedTriple[], kind: 'iri' | 'literal', check?: (name: string, t: LocatedTriple) => void): NameSet {
  const out = new Set<string>();
  for (const t of triples) {
    if (t.object.termType === 'NamedNode' && t.object.value === TGP.Any) return 'any';
    if (kind === 'iri' && t.object.termType !== 'NamedNode') {
      ctx.error(`${localName(t.predicate.value)} takes a term of the ontology (or tg:Any), not ${JSON.stringify(t.object.value)}`, at(t), t.predicate.value);
      continue;
    }
    if (kind === 'literal' && t.object.termType !== 'Literal') {
      ctx.error(`${localName(t.predicate.value)} takes a string (a claim purpose or mark kind) or tg:Any`, at(t), t.object.value);
      continue;
    }
    const n = kind === 'iri' ? localName(t.object.value) : t.object.value;
    check?.(n, t);
    out.add(n);
  }
  return out;
}

/** `tg:mayReadWhere [ tg:class C ; tg:path ( p … ) ; tg:callerClaim "claim" ]`. */
function readWhere(ctx: PolicyContext, role: string, t: LocatedTriple): ReadGrant | undefined {
  const where = at(t);
  if (t.object.termType !== 'BlankNode') {
    ctx.error(`role ${role}: tg:mayReadWhere takes [ tg:class … ; tg:path ( … ) ; tg:callerClaim "…" ]`, where);
    return undefined;
  }
  const cls = ctx.index.with(t.object, TGP.class)[0];
  const path = ctx.index.with(t.object, TGP.path)[0];
  const claim = ctx.index.with(t.object, TGP.callerClaim)[0];
  if (!cls || !path || !claim) {
    ctx.error(`role ${role}: tg:mayReadWhere needs tg:class, tg:path and tg:callerClaim`, where);
    return undefined;
  }
  const className = localName(cls.object.value);
  if (!ctx.ontology.classes.has(className)) {
    ctx.error(`role ${role}: tg:class ${className} is not a class of ${ctx.ontology.version}`, at(cls), cls.object.value);
    return undefined;
  }
  const list = path.object.termType === 'NamedNode' ? { items: [path.object], ok: true } : ctx.index.list(path.object);
  if (!list.ok || list.items.length === 0 || list.items.length > 3) {
    ctx.error(`role ${role}: tg:path is a list of 1 to 3 object properties, e.g. ( ref:referredTo )`, at(path));
    return undefined;
  }
  const steps: RuleStep[] = [];
  let current: string | undefined = className;
  for (const item of list.items) {
    const step = resolveStep(ctx.ontology, localName(item.value), current);
    if (typeof step === 'string') {
      ctx.error(`role ${role}: tg:path: ${step}`, at(path), item.value);
      return undefined;
    }
    steps.push(step.step);
    current = step.next;
  }
  if (claim.object.termType !== 'Literal' || claim.object.value === '') {
    ctx.error(`role ${role}: tg:callerClaim is the name of a token claim holding the caller's node id, e.g. "node"`, at(claim));
    return undefined;
  }
  const rule: RowRule = { steps, claim: claim.object.value, location: where };
  return { class: className, rule };
}

/** A path step by property name (out) or by its inverse name (in), checked to start from `from`. */
function resolveStep(ontology: CompiledOntology, name: string, from: string | undefined): { step: RuleStep; next: string | undefined } | string {
  const fits = (domain: readonly string[]): boolean => from === undefined || domain.length === 0 || domain.some((d) => isA(ontology, from, d) || isA(ontology, d, from));
  const direct = ontology.properties.get(name);
  if (direct?.kind === 'object') {
    if (!fits(direct.domain)) return `${name} does not start at ${from} (its domain is ${direct.domain.join(', ')})`;
    return { step: { type: name, direction: 'out' }, next: direct.range };
  }
  for (const p of ontology.properties.values()) {
    if (p.kind !== 'object' || p.inverseName !== name) continue;
    if (p.range !== undefined && !fits([p.range])) return `${name} (inverse of ${p.name}) does not start at ${from} (it starts at ${p.range})`;
    return { step: { type: p.name, direction: 'in' }, next: p.domain.length === 1 ? p.domain[0] : undefined };
  }
  return `${name} is neither an object property of the ontology nor the inverse name of one`;
}
