/**
 * One publish tool per event type of the ontology (`publish_<EventType>`): its `data` argument is the event type's
 * JSON Schema (generated from the SHACL shapes: required properties, enumerations, patterns, rdfs:comment as
 * descriptions), and the call goes through `publishEvent`, so the event meets the one validator, the policy and
 * the dead letters like any other. Validation errors come back located (`/data/...`).
 */
import { randomUUID } from 'node:crypto';
import { eventDataSchema } from '../../core/schemas/event-json-schema.ts';
import type { CompiledOntology, EventTypeDef } from '../../core/ontology/model.ts';
import { InvalidEventError } from '../../core/errors.ts';
import { GraphQLError } from 'graphql';
import { ToolArgumentsError } from '../errors.ts';
import { type ToolDef, objectSchema } from './tool.ts';

const PUBLISH = `mutation McpPublish($event: JSON!, $wait: Boolean) { publishEvent(event: $event, wait: $wait) { eventId status seq } }`;

/** The event's own fields a caller may set (CloudEvents attributes and extensions trailgraph uses). */
const ENVELOPE = {
  id: { type: 'string', minLength: 1, maxLength: 200, description: 'Event id. Retrying with the same id (and content) is answered as a duplicate, never applied twice. Default: a new UUID.' },
  subject: { type: 'string', minLength: 1, description: 'The aggregate, e.g. "Referral/r-0001". Default: derived from data.' },
  time: { type: 'string', format: 'date-time', description: 'When it happened (ISO 8601). Default: now.' },
  correlationid: { type: 'string', minLength: 1, description: 'The business process this event belongs to.' },
  causationid: { type: 'string', minLength: 1, description: 'The id of the event this one reacts to.' },
  traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?$', description: 'W3C trace context: the traceparent of the mark this event reacts to (from marks_since), so the reaction continues its distributed trace.' },
  claimpurpose: { type: 'string', minLength: 1, description: 'Fenced write: the purpose of the claim you hold on the aggregate; the event applies only while no newer claim token was granted. Give subject too, naming the claimed node.' },
  claimtoken: { type: 'integer', minimum: 1, description: 'Fenced write: the fencing token the claim tool returned (with claimpurpose).' },
  wait: { type: 'boolean', default: true, description: 'Wait until the event is in the graph (bus mode).' },
} as const;

/** Pointers of the event the tool made → pointers of the tool's arguments (`source` is the agent). */
const argumentPointer = (pointer: string): string => (pointer === '/source' ? '/agent' : pointer);

function describeEventType(ontology: CompiledOntology, et: EventTypeDef): string {
  const what = [et.label ?? et.name, et.comment].filter(Boolean).join(': ');
  const creates = et.creates.length ? ` Creates ${et.creates.join(', ')}.` : '';
  const asserts = et.asserts.filter((c) => !et.creates.includes(c));
  const updates = asserts.length ? ` May also create or update ${asserts.join(', ')}.` : '';
  const about = et.aggregate ? ` About one ${et.aggregate} (the subject, derived from data).` : '';
  const ontologyName = ontology.label ?? 'the ontology';
  return `Publish a ${et.name} event (${ontologyName} ${ontology.version}). ${what}.${creates}${updates}${about} ` +
    '`data` is one resource `{"@type": Class, "id": …, …properties}` or `{"@graph": [ … ]}`; object properties take a node id (or a nested resource). ' +
    'Answers `{eventId, status, seq}`; pass `seq` as atLeastSeq to the read tools to read your own write. Invalid data is refused with JSON pointers to each problem.';
}

function publishTool(ontology: CompiledOntology, et: EventTypeDef, open: boolean): ToolDef {
  const { $schema: _s, $id: _i, $defs, title: _t, ...data } = eventDataSchema(ontology, et);
  const agent = open ? { agent: { type: 'string', minLength: 1, description: 'The publishing agent, the event\'s source (open mode only; default: the session\'s agent).' } } : {};
  const name = `publish_${et.name}`;
  return {
    name,
    title: `Publish ${et.label ?? et.name}`,
    description: describeEventType(ontology, et),
    inputSchema: { ...objectSchema({ data, ...ENVELOPE, ...agent }, ['data']), $defs },
    // The event validator checks `data` (and locates every problem); the argument check covers the envelope.
    checkSchema: objectSchema({ data: { type: 'object' }, ...ENVELOPE, ...agent }, ['data']),
    annotations: { title: `Publish ${et.label ?? et.name}`, readOnlyHint: false, destructiveHint: et.deletes.length > 0, idempotentHint: true, openWorldHint: false },
    async call(a, ctx) {
      const source = ctx.principal?.agent ?? (a.agent as string | undefined) ?? ctx.agent;
      if (!source) throw new ToolArgumentsError(name, [{ pointer: '/agent', message: 'who is publishing? pass agent (e.g. "agent://notifier"), or start the session with TRAILGRAPH_AGENT (stdio) or the x-trailgraph-agent header (HTTP)' }]);
      const event: Record<string, unknown> = {
        specversion: '1.0', id: (a.id as string | undefined) ?? randomUUID(), source, type: et.name, time: (a.time as string | undefined) ?? new Date().toISOString(),
        datacontenttype: 'application/json', data: a.data,
        ...(ontology.versionIri && { dataschema: ontology.versionIri }),
      };
      for (const k of ['subject', 'correlationid', 'causationid', 'traceparent', 'claimpurpose', 'claimtoken'] as const) if (a[k] !== undefined) event[k] = a[k];
      try {
        const { data: out } = await ctx.run<{ publishEvent: Record<string, unknown> }>(PUBLISH, { event, wait: a.wait ?? true }, ctx.principal);
        return out.publishEvent;
      } catch (err) {
        const original = err instanceof GraphQLError ? err.originalError : err;
        if (original instanceof InvalidEventError) {
          throw new ToolArgumentsError(name, original.issues.map((i) => ({ pointer: argumentPointer(i.pointer), message: i.message })));
        }
        throw err;
      }
    },
  };
}

/** A publish tool for every event type, in the ontology's order. */
export function publishTools(ontology: CompiledOntology, open: boolean): ToolDef[] {
  return [...ontology.eventTypes.values()].map((et) => publishTool(ontology, et, open));
}
