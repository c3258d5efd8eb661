/**
 * Hoisting generated JSON Schemas into an OpenAPI / AsyncAPI `components.schemas` section: each schema's `$defs`
 * become sibling components named `<prefix>.<def>` and every `#/$defs/x` reference is rewritten to point there, so
 * the documents resolve with any reference resolver (no reliance on `$id` scoping).
 */
import type { JsonSchema } from './event-json-schema.ts';

/** Boolean schemas as objects: AsyncAPI's schema object (draft-07 based) wants objects in these positions. */
const asObject = (s: unknown): unknown => (s === true ? {} : s === false ? { not: {} } : s);

/** Rewrites `#/$defs/<name>` refs in `node` to `<target><prefix>.<name>`. */
function rewrite(node: unknown, prefix: string, target: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(asObject(n), prefix, target));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) out[k] = `${target}${prefix}.${v.slice('#/$defs/'.length)}`;
    else if (k === 'properties' && v !== null && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, rewrite(asObject(sub), prefix, target)]));
    } else out[k] = rewrite(k === 'items' || k === 'not' ? asObject(v) : v, prefix, target);
  }
  return out;
}

/**
 * Adds `schema` (a generated document with `$defs`) to `components` as `<prefix>` plus one entry per def, for the
 * components path `target` (e.g. `#/components/schemas/`).
 */
export function embedSchema(components: Record<string, JsonSchema>, prefix: string, schema: Record<string, unknown>, target: string): void {
  const { $schema: _s, $id: _i, $defs, ...root } = schema;
  components[prefix] = rewrite(root, prefix, target) as JsonSchema;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
    components[`${prefix}.${name}`] = rewrite(asObject(def), prefix, target) as JsonSchema;
  }
}

/**
 * The structured-mode CloudEvent (JSON) carrying an event of `type`, whose `data` is the component `dataRef`.
 * The envelope rules are the ones the envelope parser enforces.
 */
export function cloudEventSchema(type: string, dataRef: string, description?: string): Record<string, unknown> {
  return {
    type: 'object',
    ...(description && { description }),
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', minLength: 1, description: 'Unique per source; a repeated (source, id) is a duplicate and is not applied twice.' },
      source: { type: 'string', minLength: 1, format: 'uri-reference', description: 'Who publishes, e.g. agent://triage.' },
      type: { const: type },
      subject: { type: 'string', minLength: 1, description: 'The aggregate the event is about, `<Class>/<id>`; derived from data when left out.' },
      time: { type: 'string', format: 'date-time' },
      datacontenttype: { type: 'string' },
      dataschema: { type: 'string', format: 'uri', description: 'The ontology version the producer wrote against (owl:versionIRI).' },
      traceparent: { type: 'string' },
      correlationid: { type: 'string' },
      causationid: { type: 'string' },
      data: { $ref: dataRef },
    },
    required: ['specversion', 'id', 'source', 'type', 'data'],
  };
}
