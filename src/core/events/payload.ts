/**
 * Payload validation: the `data` of an event checked against the ontology for its event type (the payload
 * format in DESIGN.md "Projection"). Zod schemas are generated per event type on first use and cached per
 * ontology in a WeakMap, so a hot-reloaded ontology gets fresh validators and the old ones are collected. They are
 * the rules and the messages; a plain predicate mirroring them (payload-accepts.ts) lets a valid event skip zod.
 */
import { z } from 'zod';
import { InvalidEventError, type EventIssue } from '../errors.ts';
import { isA, type CompiledOntology, type EventTypeDef, type ObjectPropertyDef } from '../ontology/model.ts';
import type { CloudEvent } from './cloud-event.ts';
import { describeValue, listOf, toPointer, type PathSegment } from './json-pointer.ts';
import { classRules } from './class-rules.ts';
import { buildDataAccepts, type Accepts } from './payload-accepts.ts';
import { checkWith, forward, scalarSchema, valueSchema, type Check } from './payload-values.ts';
import { aggregateCandidates, DELETE_KEY, GRAPH_KEY, isJsonObject, splitSubject, subjectOf, TYPE_KEY } from './resources.ts';

/** Per event type: the zod schema (the rules and messages) and its plain fast-path predicate (payload-accepts.ts). */
interface Validator {
  readonly schema: Check;
  readonly accepts: Accepts;
}

const cache = new WeakMap<CompiledOntology, Map<string, Validator>>();

function validatorFor(ontology: CompiledOntology, eventType: string): Validator | undefined {
  let perType = cache.get(ontology);
  if (!perType) {
    perType = new Map([...ontology.eventTypes.values()].map((et) => [et.name, { schema: buildDataSchema(ontology, et), accepts: buildDataAccepts(ontology, et) }]));
    cache.set(ontology, perType);
  }
  return perType.get(eventType);
}

/** The zod schema of `data` for an event type, or undefined when the ontology does not declare the type. */
export function payloadSchema(ontology: CompiledOntology, eventType: string): Check | undefined {
  return validatorFor(ontology, eventType)?.schema;
}

/**
 * Validates an event's type, `data` and `subject` against the ontology. Returns the event, with `subject`
 * derived (`<aggregate class>/<id>`) when the event type has an aggregate and the producer left it out.
 * Throws InvalidEventError whose issues point into the event (`/data/referredBy/name`).
 */
export function validatePayload(event: CloudEvent, ontology: CompiledOntology, options?: { maxIssues?: number }): CloudEvent {
  const et = ontology.eventTypes.get(event.type);
  const validator = validatorFor(ontology, event.type);
  if (!et || !validator) {
    throw new InvalidEventError(event.id, [{ pointer: '/type', message: unknownTypeMessage(event.type, ontology) }]);
  }
  // The plain predicate accepts the common valid event; anything else gets zod's full, located report.
  const result = validator.accepts(event.data) ? undefined : validator.schema.safeParse(event.data);
  const issues: EventIssue[] = result === undefined || result.success
    ? []
    : result.error.issues.map((i) => ({ pointer: toPointer(['data', ...(i.path as PathSegment[])]), message: i.message }));
  if (issues.length === 0) issues.push(...subjectIssues(event, ontology, et));
  if (issues.length > 0) throw new InvalidEventError(event.id, issues.slice(0, options?.maxIssues ?? 20));

  const subject = subjectOf(event, ontology);
  return subject === event.subject || subject === undefined ? event : Object.freeze({ ...event, subject });
}

function unknownTypeMessage(type: string, ontology: CompiledOntology): string {
  // Closest names first, so a typo's fix is at the front of the list.
  const known = [...ontology.eventTypes.keys()].sort((a, b) => distance(type, a) - distance(type, b) || a.localeCompare(b));
  return `unknown event type ${describeValue(type)}: expected one of ${listOf(known, 10)}`;
}

function subjectIssues(event: CloudEvent, ontology: CompiledOntology, et: EventTypeDef): EventIssue[] {
  const aggregate = et.aggregate;
  if (aggregate === undefined) return [];
  const ids = aggregateCandidates(event.data, ontology, aggregate);
  if (event.subject === undefined) {
    return ids.length > 0 ? [] : [{
      pointer: '/subject',
      message: `missing subject: event type ${et.name} is about a ${aggregate}, but data names no ${aggregate} to derive it from`,
    }];
  }
  const parts = splitSubject(event.subject);
  if (!parts || !isA(ontology, parts.class, aggregate) || !ids.includes(parts.id)) {
    const example = ids[0] === undefined ? `${aggregate}/<id>` : `${aggregate}/${ids[0]}`;
    return [{
      pointer: '/subject',
      message: `expected "${example}" (the ${aggregate} this ${et.name} event is about, named in data), got ${describeValue(event.subject)}`,
    }];
  }
  return [];
}

/** Levenshtein distance, for "did you mean" ordering. Names are short; O(n·m) is fine. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Builds the schemas of one event type. Class and resource schemas are made on first use (types may recurse). */
function buildDataSchema(ontology: CompiledOntology, et: EventTypeDef): Check {
  const assertedClasses = [...ontology.classes.keys()].filter((c) => et.asserts.some((a) => isA(ontology, c, a)));
  const deletableClasses = [...ontology.classes.keys()].filter((c) => et.deletes.some((d) => isA(ontology, c, d)));
  const creates = (cls: string): boolean => et.creates.some((c) => isA(ontology, cls, c));
  const deletes = (cls: string): boolean => et.deletes.some((c) => isA(ontology, cls, c));
  const resources = new Map<string, Check>();
  const classes = new Map<string, Check>();

  const idSchema = z.string({ error: (i) => `expected the resource id as a non-empty string, got ${describeValue(i.input)}` })
    .min(1, { error: 'expected the resource id as a non-empty string, got ""' });

  /** A resource object; `range` is the class required by the referencing property (nested resources). */
  const resourceSchema = (range: string | undefined): Check => {
    const key = range ?? '';
    let s = resources.get(key);
    if (s) return s;
    const inRange = (c: string): boolean => range === undefined || isA(ontology, c, range);
    const allowed = assertedClasses.filter(inRange);
    const deletable = deletableClasses.filter(inRange);
    s = z.unknown().superRefine((value, ctx) => {
      const fail = (message: string, path: PathSegment[] = []): void => ctx.addIssue({ code: 'custom', message, path });
      if (!isJsonObject(value)) {
        fail(`expected a resource object with "@type" and "id"${range ? ` or a ${range} id` : ''}, got ${describeValue(value)}`);
        return;
      }
      const type = value[TYPE_KEY] ?? range;
      if (type === undefined) return fail(`missing "@type": expected one of ${listOf(allowed)}`, [TYPE_KEY]);
      if (typeof type !== 'string') return fail(`expected a class name, got ${describeValue(type)}`, [TYPE_KEY]);
      if (!ontology.classes.has(type)) return fail(`unknown class ${describeValue(type)}: expected one of ${listOf(allowed)}`, [TYPE_KEY]);
      if (range !== undefined && !isA(ontology, type, range)) {
        return fail(`expected ${range} or a subclass of it (${listOf(allowed)}), got ${describeValue(type)}`, [TYPE_KEY]);
      }
      if (!allowed.includes(type)) {
        if (!deletable.includes(type)) {
          return fail(`event type ${et.name} does not assert ${type}: expected one of ${listOf([...allowed, ...deletable])}`, [TYPE_KEY]);
        }
        if (value[DELETE_KEY] !== true) {
          return fail(`event type ${et.name} may only delete ${type}: expected "@delete": true`, [DELETE_KEY]);
        }
      }
      forward(ctx, classSchema(type).safeParse(value));
    });
    resources.set(key, s);
    return s;
  };

  const objectItem = (def: ObjectPropertyDef): Check => {
    const range = def.range;
    return checkWith((value, ctx) => {
      if (typeof value === 'string') return value.length > 0 ? undefined : `expected a ${range ?? 'resource'} id, got ""`;
      if (isJsonObject(value)) return void forward(ctx, resourceSchema(range).safeParse(value));
      return `expected a ${range ?? 'resource'} id (string) or a nested ${range ?? 'resource'} object, got ${describeValue(value)}`;
    });
  };

  const classSchema = (cls: string): Check => {
    let s = classes.get(cls);
    if (s) return s;
    const { properties, required } = classRules(ontology, et, cls, creates(cls));
    const names = properties.map((r) => r.name);
    const props = new Map<string, Check>();
    for (const { name, def: p, constraint: c, rules } of properties) {
      const item = p.kind === 'datatype' ? scalarSchema(p.range, c) : objectItem(p);
      props.set(name, valueSchema(rules, item));
    }
    s = z.unknown().superRefine((value, ctx) => {
      const r = value as Readonly<Record<string, unknown>>;
      const fail = (message: string, path: PathSegment[]): void => ctx.addIssue({ code: 'custom', message, path });
      forward(ctx, idSchema.safeParse(r.id), ['id']);
      const deleting = r[DELETE_KEY] !== undefined;
      if (deleting) {
        if (r[DELETE_KEY] !== true) fail(`expected true (delete the node), got ${describeValue(r[DELETE_KEY])}`, [DELETE_KEY]);
        else if (!deletes(cls)) fail(`event type ${et.name} may not delete ${cls}: expected no "@delete" (tg:deletes: ${listOf(et.deletes)})`, [DELETE_KEY]);
      }
      for (const key of Object.keys(r)) {
        if (key === TYPE_KEY || key === 'id' || key === DELETE_KEY) continue;
        const schema = props.get(key);
        if (key.startsWith('@')) fail(`unsupported keyword ${key}: expected "@type", "id", "@delete" or a property of ${cls}`, [key]);
        else if (!schema) fail(`unknown property ${key} for ${cls}: expected one of ${listOf(names, 20)}`, [key]);
        else if (deleting) fail(`a deleted resource carries only "@type" and "id": remove ${key}`, [key]);
        else forward(ctx, schema.safeParse(r[key]), [key]);
      }
      if (deleting) return;
      for (const [name, min] of required) {
        const v = r[name];
        const count = v === undefined || v === null ? 0 : Array.isArray(v) ? v.length : 1;
        if (count === 0) fail(`missing required property ${name}: ${et.name} creates ${cls}, which requires ${min === 1 ? 'it' : `at least ${min} values`}`, [name]);
        else if (count < min) fail(`expected at least ${min} values for ${name}, got ${count}`, [name]);
      }
    });
    classes.set(cls, s);
    return s;
  };

  const top = resourceSchema(undefined);
  return z.unknown().superRefine((data, ctx) => {
    if (!isJsonObject(data)) {
      ctx.addIssue({ code: 'custom', message: `expected a resource object (with "@type" and "id") or {"@graph": [...]}, got ${describeValue(data)}`, path: [] });
      return;
    }
    if (data[GRAPH_KEY] === undefined) return void forward(ctx, top.safeParse(data));
    const graph = data[GRAPH_KEY];
    for (const key of Object.keys(data)) {
      if (key !== GRAPH_KEY) ctx.addIssue({ code: 'custom', message: `expected only "@graph" next to "@graph", got ${key}`, path: [key] });
    }
    if (!Array.isArray(graph) || graph.length === 0) {
      ctx.addIssue({ code: 'custom', message: `expected a non-empty array of resources, got ${describeValue(graph)}`, path: [GRAPH_KEY] });
      return;
    }
    graph.forEach((r, i) => forward(ctx, top.safeParse(r), [GRAPH_KEY, i]));
  });
}
