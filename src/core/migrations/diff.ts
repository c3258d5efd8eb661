/**
 * `diffOntologies(old, new)`: every change between two compiled ontologies, each classified (changes.ts).
 * Pure. Renames cannot be told apart from remove + add by looking at two versions, so they come from the
 * migration as hints (`renameHints(migration)`); without hints a rename shows as a removal plus an addition.
 */
import { constraintFor, isA } from '../ontology/model.ts';
import type { CompiledOntology, EventTypeDef, PropertyConstraint, PropertyDef, ValueType } from '../ontology/model.ts';
import { NARROWED, WIDENED } from './changes.ts';
import type { ApiCompatibility, ChangeKind, OntologyChange, PayloadCompatibility } from './changes.ts';

/** Old name → new name, per kind of term. */
export interface RenameHints {
  readonly classes?: Readonly<Record<string, string>>;
  readonly properties?: Readonly<Record<string, string>>;
  readonly eventTypes?: Readonly<Record<string, string>>;
}

/** Value types a value of the key type is also valid as, in the JSON payload (integer 3 is a valid float). */
const WIDER: Readonly<Record<ValueType, readonly ValueType[]>> = {
  integer: ['float'],
  float: [],
  boolean: [],
  date: ['string'],
  dateTime: ['string'],
  anyURI: ['string'],
  string: [],
};

type Emit = (kind: ChangeKind, term: string, detail: string, payload: PayloadCompatibility, api?: ApiCompatibility, narrowedTerms?: string[]) => void;

const list = (values: readonly unknown[]): string => values.map(String).join(', ');

/** True when the property must be present on resources of `cls` that some event type creates. */
function requiredOn(o: CompiledOntology, cls: string, prop: string): boolean {
  return (constraintFor(o, cls, prop).minCount ?? 0) > 0;
}

/** Every change from `before` to `after`, in a stable order (classes, properties, constraints, event types). */
export function diffOntologies(before: CompiledOntology, after: CompiledOntology, hints: RenameHints = {}): OntologyChange[] {
  const out: OntologyChange[] = [];
  const emit: Emit = (kind, term, detail, payload, api = 'compatible', narrowedTerms) =>
    out.push({ kind, term, detail, payload, api, ...(narrowedTerms && { narrowedTerms }) });
  const clsMap = (name: string): string => hints.classes?.[name] ?? name;
  const propMap = (name: string): string => hints.properties?.[name] ?? name;
  const evMap = (name: string): string => hints.eventTypes?.[name] ?? name;
  const clsBack = new Map(Object.entries(hints.classes ?? {}).map(([a, b]) => [b, a]));
  const propBack = new Map(Object.entries(hints.properties ?? {}).map(([a, b]) => [b, a]));
  const evBack = new Map(Object.entries(hints.eventTypes ?? {}).map(([a, b]) => [b, a]));

  // Classes.
  for (const [name, c] of before.classes) {
    const to = clsMap(name);
    const now = after.classes.get(to);
    if (!now) {
      emit('classRemoved', name, 'events naming it are rejected; its GraphQL type disappears', NARROWED, 'breaking');
      continue;
    }
    if (to !== name) emit('classRenamed', name, `renamed to ${to}`, 'NONE', 'breaking');
    const sup = c.superClasses.map(clsMap);
    for (const s of now.superClasses) if (!sup.includes(s)) emit('superClassAdded', to, `now a subclass of ${s}`, 'FULL');
    for (const s of sup) {
      if (!now.superClasses.includes(s)) emit('superClassRemoved', to, `no longer a subclass of ${s}`, NARROWED, 'breaking');
    }
  }
  for (const name of after.classes.keys()) {
    if (!before.classes.has(clsBack.get(name) ?? name)) emit('classAdded', name, 'new class', WIDENED);
  }

  // Properties.
  for (const [name, p] of before.properties) {
    const to = propMap(name);
    const now = after.properties.get(to);
    if (!now) {
      const required = [...before.classes.keys()].some((c) => requiredOn(before, c, name));
      emit('propertyRemoved', name, required ? 'was required: new events lack it, old consumers reject them' : 'events carrying it are rejected',
        required ? 'NONE' : NARROWED, 'breaking');
      continue;
    }
    if (to !== name) emit('propertyRenamed', name, `renamed to ${to}`, 'NONE', 'deprecated');
    diffProperty(after, p, now, clsMap, emit);
  }
  for (const [name, p] of after.properties) {
    if (before.properties.has(propBack.get(name) ?? name)) continue;
    const requiredWhere = [...after.classes.keys()].filter((c) => requiredOn(after, c, name) && before.classes.has(clsBack.get(c) ?? c));
    emit('propertyAdded', name,
      requiredWhere.length ? `new ${p.kind} property, required on ${list(requiredWhere)}` : `new optional ${p.kind} property`,
      requiredWhere.length ? 'NONE' : WIDENED);
  }

  // Constraints, compared per (class, property) on the classes shapes target in either version.
  const targets = new Set<string>();
  for (const s of before.shapes.values()) targets.add(s.targetClass);
  for (const s of after.shapes.values()) targets.add(clsBack.get(s.targetClass) ?? s.targetClass);
  for (const cls of targets) {
    const toCls = clsMap(cls);
    if (!before.classes.has(cls) || !after.classes.has(toCls)) continue;
    const props = new Set<string>();
    for (const s of before.shapes.values()) if (s.targetClass === cls) Object.keys(s.properties).forEach((k) => props.add(k));
    for (const s of after.shapes.values()) {
      if (s.targetClass === toCls) Object.keys(s.properties).forEach((k) => props.add(propBack.get(k) ?? k));
    }
    for (const prop of props) {
      const toProp = propMap(prop);
      const a = before.properties.get(prop);
      const b = after.properties.get(toProp);
      if (!a || !b || a.kind !== b.kind) continue;
      diffConstraint(`${toCls}.${toProp}`, constraintFor(before, cls, prop), constraintFor(after, toCls, toProp), emit);
    }
  }

  // Event types.
  for (const [name, e] of before.eventTypes) {
    const to = evMap(name);
    const now = after.eventTypes.get(to);
    if (!now) {
      emit('eventTypeRemoved', name, 'events of this type are rejected', NARROWED);
      continue;
    }
    if (to !== name) emit('eventTypeRenamed', name, `renamed to ${to}`, 'NONE');
    diffEventType(e, now, clsMap, propMap, emit);
  }
  for (const name of after.eventTypes.keys()) {
    if (!before.eventTypes.has(evBack.get(name) ?? name)) emit('eventTypeAdded', name, 'new event type', WIDENED);
  }
  return out;
}

function diffProperty(
  after: CompiledOntology, p: PropertyDef, now: PropertyDef,
  clsMap: (n: string) => string, emit: Emit,
): void {
  const term = now.name;
  if (p.kind !== now.kind) {
    emit('propertyKindChanged', term, `${p.kind} → ${now.kind} property`, 'NONE', 'breaking');
    return;
  }
  if (p.kind === 'datatype' && now.kind === 'datatype' && p.range !== now.range) {
    if (WIDER[p.range].includes(now.range)) emit('rangeWidened', term, `${p.range} → ${now.range}`, WIDENED, 'breaking');
    else if (WIDER[now.range].includes(p.range)) emit('rangeNarrowed', term, `${p.range} → ${now.range}`, NARROWED, 'breaking');
    else emit('rangeChanged', term, `${p.range} → ${now.range}`, 'NONE', 'breaking');
  }
  if (p.kind === 'object' && now.kind === 'object') {
    const old = p.range === undefined ? undefined : clsMap(p.range);
    if (old !== now.range) {
      const detail = `${old ?? 'any'} → ${now.range ?? 'any'}`;
      if (now.range === undefined || (old !== undefined && isA(after, old, now.range))) emit('rangeWidened', term, detail, WIDENED, 'breaking');
      else if (old === undefined || isA(after, now.range, old)) emit('rangeNarrowed', term, detail, NARROWED, 'breaking');
      else emit('rangeChanged', term, detail, 'NONE', 'breaking');
    }
    if (p.inverseName !== now.inverseName) {
      emit('inverseChanged', term, `reverse field ${p.inverseName} → ${now.inverseName}`, 'FULL', 'breaking');
    }
  }
  const oldDom = new Set(p.domain.map(clsMap));
  const newDom = new Set(now.domain);
  const any = (s: Set<string>): boolean => s.size === 0;
  const sub = (a: Set<string>, b: Set<string>): boolean => any(b) || (!any(a) && [...a].every((x) => b.has(x) || [...b].some((y) => isA(after, x, y))));
  if (!(sub(oldDom, newDom) && sub(newDom, oldDom))) {
    const detail = `${any(oldDom) ? 'any' : list([...oldDom])} → ${any(newDom) ? 'any' : list([...newDom])}`;
    if (sub(oldDom, newDom)) emit('domainWidened', term, detail, WIDENED);
    else if (sub(newDom, oldDom)) emit('domainNarrowed', term, detail, NARROWED, 'breaking');
    else emit('domainChanged', term, detail, 'NONE', 'breaking');
  }
  if (p.functional && !now.functional) emit('functionalRemoved', term, 'single value → list of values', WIDENED, 'breaking');
  if (!p.functional && now.functional) emit('functionalAdded', term, 'list of values → single value', NARROWED, 'breaking');
}

function diffConstraint(term: string, a: PropertyConstraint, b: PropertyConstraint, emit: Emit): void {
  const minA = a.minCount ?? 0;
  const minB = b.minCount ?? 0;
  if (minB > minA) emit('minCountRaised', term, minA === 0 ? 'now required' : `minCount ${minA} → ${minB}`, NARROWED);
  if (minB < minA) emit('minCountLowered', term, minB === 0 ? 'now optional' : `minCount ${minA} → ${minB}`, WIDENED);
  const maxA = a.maxCount ?? Infinity;
  const maxB = b.maxCount ?? Infinity;
  if (maxB < maxA) emit('maxCountLowered', term, `maxCount ${String(maxA)} → ${maxB}`, NARROWED);
  if (maxB > maxA) emit('maxCountRaised', term, `maxCount ${maxA} → ${String(maxB)}`, WIDENED);
  if (a.in && !b.in) emit('enumerationRemoved', term, 'any value now allowed', WIDENED);
  if (!a.in && b.in) emit('enumerationAdded', term, `only ${list(b.in)} allowed`, NARROWED);
  if (a.in && b.in) {
    const added = b.in.filter((v) => !a.in?.includes(v));
    const removed = a.in.filter((v) => !b.in?.includes(v));
    if (added.length) emit('valuesAdded', term, `values added: ${list(added)}`, WIDENED);
    if (removed.length) emit('valuesRemoved', term, `values removed: ${list(removed)}`, NARROWED);
  }
  if (a.pattern !== b.pattern) {
    if (a.pattern === undefined) emit('patternAdded', term, `must match /${b.pattern}/`, NARROWED);
    else if (b.pattern === undefined) emit('patternRemoved', term, `no longer must match /${a.pattern}/`, WIDENED);
    else emit('patternChanged', term, `/${a.pattern}/ → /${b.pattern}/`, 'NONE');
  }
  const bounds: [keyof PropertyConstraint, 'lower' | 'upper'][] = [
    ['minLength', 'lower'], ['maxLength', 'upper'], ['minInclusive', 'lower'], ['maxInclusive', 'upper'],
  ];
  for (const [key, side] of bounds) {
    const x = a[key] as number | undefined;
    const y = b[key] as number | undefined;
    if (x === y) continue;
    const tighter = y !== undefined && (x === undefined || (side === 'lower' ? y > x : y < x));
    emit(tighter ? 'constraintNarrowed' : 'constraintWidened', term, `${key} ${x ?? 'none'} → ${y ?? 'none'}`, tighter ? NARROWED : WIDENED);
  }
}

function diffEventType(
  e: EventTypeDef, now: EventTypeDef, clsMap: (n: string) => string, propMap: (n: string) => string, emit: Emit,
): void {
  const narrowed: string[] = [];
  const widened: string[] = [];
  const terms: string[] = [];
  const cmp = (label: string, a: readonly string[], b: readonly string[], moreIsWider: boolean): void => {
    const added = b.filter((x) => !a.includes(x));
    const removed = a.filter((x) => !b.includes(x));
    if (added.length) (moreIsWider ? widened : narrowed).push(`${label} +${list(added)}`);
    if (removed.length) (moreIsWider ? narrowed : widened).push(`${label} -${list(removed)}`);
    terms.push(...(moreIsWider ? removed : added));
  };
  cmp('asserts', e.asserts.map(clsMap), now.asserts, true);
  // Creating implies completeness (minCount enforced): more `creates` accepts fewer events.
  cmp('creates', e.creates.map(clsMap), now.creates, false);
  cmp('retracts', e.retracts.map(propMap), now.retracts, true);
  cmp('deletes', e.deletes.map(clsMap), now.deletes, true);
  const oldProps = e.assertsProperties.map(propMap);
  if (oldProps.length === 0 && now.assertsProperties.length > 0) {
    narrowed.push(`assertsProperty limited to ${list(now.assertsProperties)}`);
    terms.push(now.name);
  }
  else if (oldProps.length > 0 && now.assertsProperties.length === 0) widened.push('assertsProperty: any property');
  else cmp('assertsProperty', oldProps, now.assertsProperties, true);
  const oldAgg = e.aggregate === undefined ? undefined : clsMap(e.aggregate);
  // A different aggregate changes the ordering key: neither side can trust the other's subjects.
  const incompatible = oldAgg !== now.aggregate ? [`aggregate ${oldAgg ?? 'none'} → ${now.aggregate ?? 'none'}`] : [];
  if (incompatible.length || (narrowed.length && widened.length)) {
    emit('eventTypeChanged', now.name, [...incompatible, ...narrowed, ...widened].join('; '), 'NONE', 'compatible', incompatible.length ? [now.name] : terms);
  } else if (narrowed.length) emit('eventTypeNarrowed', now.name, narrowed.join('; '), NARROWED, 'compatible', terms);
  else if (widened.length) emit('eventTypeWidened', now.name, widened.join('; '), WIDENED);
}
