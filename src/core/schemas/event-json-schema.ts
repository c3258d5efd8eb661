/**
 * JSON Schema (draft 2020-12) of each event type's `data`, generated from the compiled ontology with the same
 * per-class rules the payload validator uses (class-rules.ts): which classes an event type may assert, create or
 * delete, each property's range, SHACL value constraints and cardinality, which properties it may set or retract,
 * and what a created resource must carry. What JSON Schema cannot say — that `subject` names the aggregate carried
 * in `data` — stays with the validator. Pure: ontology in, plain JSON out.
 */
import { classRules } from '../events/class-rules.ts';
import type { ValueRules } from '../events/payload-values.ts';
import { isA, type CompiledOntology, type EventTypeDef, type PropertyConstraint, type ValueType } from '../ontology/model.ts';

/** A JSON Schema document or subschema. */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

const ID = { type: 'string', minLength: 1 } as const;

function scalar(range: ValueType, c: PropertyConstraint): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  switch (range) {
    case 'integer':
    case 'float':
      s.type = range === 'integer' ? 'integer' : 'number';
      if (c.minInclusive !== undefined) s.minimum = c.minInclusive;
      if (c.maxInclusive !== undefined) s.maximum = c.maxInclusive;
      break;
    case 'boolean':
      s.type = 'boolean';
      break;
    default:
      s.type = 'string';
      if (range === 'date') s.format = 'date';
      if (range === 'dateTime') s.format = 'date-time';
      if (range === 'anyURI') s.format = 'uri-reference';
      if (c.minLength !== undefined) s.minLength = c.minLength;
      if (c.maxLength !== undefined) s.maxLength = c.maxLength;
      if (c.pattern !== undefined) s.pattern = c.pattern;
  }
  if (c.in !== undefined) s.enum = [...c.in];
  return s;
}

/** One value or a list as the property allows, `null` when the event type may retract it. */
function value(rules: ValueRules, item: JsonSchema, required: number): JsonSchema {
  const nullable = rules.retractable && required === 0 ? [{ type: 'null' }] : [];
  if (!rules.assertable) return nullable.length ? nullable[0] as JsonSchema : false;
  const list = rules.functional ? [] : [{
    type: 'array', items: item, ...(required > 1 && { minItems: required }), ...(required === 1 && { minItems: 1 }),
    ...(rules.maxCount !== undefined && { maxItems: rules.maxCount }),
  }];
  const single = required > 1 ? [] : [item];
  const options = [...single, ...list, ...nullable];
  return options.length === 1 ? options[0] as JsonSchema : { anyOf: options };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });

/** The schema of `data` for one event type. */
export function eventDataSchema(ontology: CompiledOntology, et: EventTypeDef): Record<string, unknown> {
  const all = [...ontology.classes.keys()];
  const asserted = all.filter((c) => et.asserts.some((a) => isA(ontology, c, a)));
  const deletable = all.filter((c) => et.deletes.some((d) => isA(ontology, c, d)));
  const creates = (c: string): boolean => et.creates.some((x) => isA(ontology, c, x));
  const defs: Record<string, JsonSchema> = {};

  /** Resources allowed where `range` is expected (undefined: the top level, where "@type" is required). */
  const resource = (range: string | undefined): string => {
    const name = range === undefined ? 'resource' : `resource-${range}`;
    if (name in defs) return name;
    defs[name] = true; // placeholder: ranges may recurse
    const inRange = (c: string): boolean => range === undefined || isA(ontology, c, range);
    const variants: JsonSchema[] = [];
    for (const c of asserted.filter(inRange)) variants.push(ref(classDef(c)));
    for (const c of deletable.filter(inRange)) variants.push(ref(deleteDef(c)));
    // A nested resource without "@type" is taken to be of the property's range.
    if (range !== undefined && asserted.includes(range)) variants.push(ref(classDef(range, false)));
    defs[name] = variants.length ? { oneOf: variants } : false;
    return name;
  };

  const deleteDef = (cls: string): string => {
    const name = `${cls}-delete`;
    defs[name] ??= {
      type: 'object', description: `Deletes a ${cls} node.`,
      properties: { '@type': { const: cls }, id: ID, '@delete': { const: true } },
      required: ['@type', 'id', '@delete'], additionalProperties: false,
    };
    return name;
  };

  const classDef = (cls: string, typed = true): string => {
    const name = typed ? cls : `${cls}-untyped`;
    if (name in defs) return name;
    defs[name] = true;
    const { properties, required } = classRules(ontology, et, cls, creates(cls));
    const minimum = new Map(required);
    const props: Record<string, JsonSchema> = { '@type': typed ? { const: cls } : false, id: ID };
    for (const { name: prop, def, constraint, rules } of properties) {
      const item: JsonSchema = def.kind === 'datatype'
        ? scalar(def.range, constraint)
        : { anyOf: [{ ...ID, description: `a ${def.range ?? 'resource'} id` }, ref(resource(def.range))] };
      props[prop] = { ...(def.comment && { description: def.comment }), ...asObject(value(rules, item, minimum.get(prop) ?? 0)) };
    }
    const info = ontology.classes.get(cls);
    defs[name] = {
      type: 'object', ...(info?.comment && { description: info.comment }),
      properties: props,
      required: [...(typed ? ['@type'] : []), 'id', ...required.map(([p]) => p)],
      additionalProperties: false,
    };
    return name;
  };

  const top = resource(undefined);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${ontology.versionIri ?? ontology.iri}/events/${et.name}/data.json`,
    title: `${et.name} data`,
    ...(et.comment && { description: et.comment }),
    oneOf: [
      ref(top),
      { type: 'object', properties: { '@graph': { type: 'array', minItems: 1, items: ref(top) } }, required: ['@graph'], additionalProperties: false },
    ],
    $defs: defs,
  };
}

/** `{ anyOf }`/`false`/`{…}` as an object to spread a description into. */
function asObject(s: JsonSchema): Record<string, unknown> {
  if (s === false) return { not: {} };
  if (s === true) return {};
  return { ...s };
}

/** Every event type's `data` schema, by event type name. */
export function eventDataSchemas(ontology: CompiledOntology): Record<string, Record<string, unknown>> {
  return Object.fromEntries([...ontology.eventTypes.values()].map((et) => [et.name, eventDataSchema(ontology, et)]));
}
