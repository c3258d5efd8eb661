/**
 * The hot path of payload validation: a plain predicate per event type that says "zod would find no issue" for the
 * common, valid event, without zod's per-parse machinery (measured ~12 µs of CPU per 2-resource event through the
 * generated zod schemas vs ~1 µs here). The zod schemas (payload.ts, payload-values.ts) stay the single source of
 * the rules and of every message: validatePayload runs zod whenever this predicate says false, so an event this
 * file rejects gets exactly the zod report, and one it wrongly rejected would still be accepted by zod.
 *
 * The one thing that must hold: `accepts(data) === true` ⇒ the zod schema reports no issue. Each function below
 * mirrors its zod counterpart rule by rule (named in its comment) and may be STRICTER, never looser; anything
 * unusual returns false and lets zod decide. test/core/events/payload-accepts.unit.spec.ts checks the implication on
 * valid events and on hundreds of mutations of them.
 */
import { isA, type CompiledOntology, type EventTypeDef, type ObjectPropertyDef, type PropertyConstraint, type ValueType } from '../ontology/model.ts';
import { DELETE_KEY, GRAPH_KEY, isJsonObject, TYPE_KEY } from './resources.ts';
import { isIsoDate, isRfc3339, isUriReference } from './uri.ts';
import { classRules } from './class-rules.ts';
import type { ValueRules } from './payload-values.ts';

/** True only when the zod schema would accept the value. */
export type Accepts = (value: unknown) => boolean;

/** Mirrors scalarSchema (payload-values.ts). */
export function scalarAccepts(range: ValueType, c: PropertyConstraint): Accepts {
  const min = c.minInclusive;
  const max = c.maxInclusive;
  const allowed = c.in;
  const re = c.pattern === undefined ? undefined : new RegExp(c.pattern);
  let base: Accepts;
  switch (range) {
    case 'integer': // z.int(): a safe integer
    case 'float': {
      const int = range === 'integer';
      base = (v) =>
        typeof v === 'number' && (int ? Number.isSafeInteger(v) : Number.isFinite(v)) && (min === undefined || v >= min) && (max === undefined || v <= max);
      break;
    }
    case 'boolean':
      base = (v) => typeof v === 'boolean';
      break;
    default: {
      const format = range === 'date' ? isIsoDate : range === 'dateTime' ? isRfc3339 : range === 'anyURI' ? isUriReference : undefined;
      const minLength = c.minLength;
      const maxLength = c.maxLength;
      base = (v) =>
        typeof v === 'string' &&
        (format === undefined || format(v)) &&
        (minLength === undefined || v.length >= minLength) &&
        (maxLength === undefined || v.length <= maxLength) &&
        (re === undefined || re.test(v));
    }
  }
  if (allowed === undefined) return base;
  return (v) => base(v) && allowed.includes(v as string | number | boolean);
}

/** Mirrors valueSchema (payload-values.ts): one value or a list, null for retraction. */
export function valueAccepts(rules: ValueRules, item: Accepts): Accepts {
  return (value) => {
    if (value === null) return rules.retractable;
    if (!rules.assertable) return false;
    if (!Array.isArray(value)) return item(value);
    if (rules.functional) return false;
    if (rules.maxCount !== undefined && value.length > rules.maxCount) return false;
    for (const v of value) if (!item(v)) return false;
    return true;
  };
}

/** Mirrors buildDataSchema (payload.ts) for one event type. */
export function buildDataAccepts(ontology: CompiledOntology, et: EventTypeDef): Accepts {
  const assertedClasses = [...ontology.classes.keys()].filter((c) => et.asserts.some((a) => isA(ontology, c, a)));
  const deletableClasses = [...ontology.classes.keys()].filter((c) => et.deletes.some((d) => isA(ontology, c, d)));
  const creates = (cls: string): boolean => et.creates.some((c) => isA(ontology, cls, c));
  const deletes = (cls: string): boolean => et.deletes.some((c) => isA(ontology, cls, c));
  const resources = new Map<string, Accepts>();
  const classes = new Map<string, Accepts>();

  /** Mirrors resourceSchema. */
  const resourceAccepts = (range: string | undefined): Accepts => {
    const key = range ?? '';
    let a = resources.get(key);
    if (a) return a;
    const inRange = (c: string): boolean => range === undefined || isA(ontology, c, range);
    const allowed = new Set(assertedClasses.filter(inRange));
    const deletable = new Set(deletableClasses.filter(inRange));
    a = (value) => {
      if (!isJsonObject(value)) return false;
      const type = value[TYPE_KEY] ?? range;
      if (typeof type !== 'string' || !ontology.classes.has(type)) return false;
      if (range !== undefined && !isA(ontology, type, range)) return false;
      if (!allowed.has(type) && !(deletable.has(type) && value[DELETE_KEY] === true)) return false;
      return classAccepts(type)(value);
    };
    resources.set(key, a);
    return a;
  };

  /** Mirrors objectItem: a non-empty id, or a nested resource of the range. */
  const objectItem = (def: ObjectPropertyDef): Accepts => {
    const range = def.range;
    return (value) => (typeof value === 'string' ? value.length > 0 : isJsonObject(value) && resourceAccepts(range)(value));
  };

  /** Mirrors classSchema. */
  const classAccepts = (cls: string): Accepts => {
    let a = classes.get(cls);
    if (a) return a;
    const { properties, required } = classRules(ontology, et, cls, creates(cls));
    const props = new Map<string, Accepts>();
    for (const { name, def: p, constraint: c, rules } of properties) {
      const item = p.kind === 'datatype' ? scalarAccepts(p.range, c) : objectItem(p);
      props.set(name, valueAccepts(rules, item));
    }
    const deletesCls = deletes(cls);
    a = (value) => {
      const r = value as Readonly<Record<string, unknown>>;
      const id = r.id;
      if (typeof id !== 'string' || id.length === 0) return false;
      const del = r[DELETE_KEY];
      const deleting = del !== undefined;
      if (deleting && (del !== true || !deletesCls)) return false;
      for (const key of Object.keys(r)) {
        if (key === TYPE_KEY || key === 'id' || key === DELETE_KEY) continue;
        // a keyword, an unknown property, or anything next to "@delete" is an issue in zod
        if (deleting || key.startsWith('@')) return false;
        const check = props.get(key);
        if (!check || !check(r[key])) return false;
      }
      if (deleting) return true;
      for (const [name, min] of required) {
        const v = r[name];
        const count = v === undefined || v === null ? 0 : Array.isArray(v) ? v.length : 1;
        if (count < min) return false;
      }
      return true;
    };
    classes.set(cls, a);
    return a;
  };

  const top = resourceAccepts(undefined);
  return (data) => {
    if (!isJsonObject(data)) return false;
    const graph = data[GRAPH_KEY];
    if (graph === undefined) return top(data);
    for (const key of Object.keys(data)) if (key !== GRAPH_KEY) return false;
    if (!Array.isArray(graph) || graph.length === 0) return false;
    for (const r of graph) if (!top(r)) return false;
    return true;
  };
}
