/**
 * OpenAPI 3.1 for the HTTP edge besides GraphQL: `POST /events` (CloudEvents, structured or batch; one request body
 * schema per event type from the ontology) and the health endpoints. GraphQL has its own schema (`trailgraph
 * ontology sdl`). Pure.
 */
import type { CompiledOntology } from '../ontology/model.ts';
import { cloudEventSchema, embedSchema } from './embed.ts';
import { eventDataSchemas, type JsonSchema } from './event-json-schema.ts';

const REF = '#/components/schemas/';

/** The OpenAPI document for a service running `ontology`. */
export function openApiDocument(ontology: CompiledOntology, options: { serverUrl?: string } = {}): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {};
  const types = [...ontology.eventTypes.values()];
  for (const [name, schema] of Object.entries(eventDataSchemas(ontology))) {
    embedSchema(schemas, `${name}.data`, schema, REF);
    schemas[`${name}.event`] = cloudEventSchema(name, `${REF}${name}.data`, ontology.eventTypes.get(name)?.comment);
  }
  schemas.CloudEvent = { oneOf: types.map((t) => ({ $ref: `${REF}${t.name}.event` })), discriminator: { propertyName: 'type', mapping: Object.fromEntries(types.map((t) => [t.name, `${REF}${t.name}.event`])) } };
  schemas.PublishOutcome = {
    type: 'object',
    properties: {
      eventId: { type: ['string', 'null'] },
      status: { enum: ['applied', 'duplicate', 'accepted', 'rejected'] },
      seq: { type: ['integer', 'null'], description: 'Ledger position (applied; the original for duplicate); null when accepted on the bus.' },
      error: { $ref: `${REF}Error` },
      deadLetterId: { type: 'string' },
    },
    required: ['eventId', 'status', 'seq'],
  };
  schemas.Error = {
    type: 'object',
    properties: {
      code: { type: 'string', description: 'e.g. INVALID_EVENT, PAYLOAD_TOO_LARGE, STORE_UNAVAILABLE' },
      message: { type: 'string' },
      issues: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string', description: 'JSON pointer into the event' }, message: { type: 'string' } } } },
      retryable: { type: 'boolean' },
    },
  };
  schemas.DeadLetter = {
    type: 'object',
    required: ['id', 'reason', 'message', 'issues', 'payload', 'receivedAt'],
    properties: {
      id: { type: 'string' },
      eventId: { type: 'string' },
      reason: { enum: ['invalid', 'conflict', 'poison', 'forbidden', 'causal-loop'] },
      message: { type: 'string' },
      issues: { type: 'array', items: { type: 'object', required: ['pointer', 'message'], properties: { pointer: { type: 'string' }, message: { type: 'string' } } } },
      subject: { type: 'string' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      payload: { type: 'string', description: 'The payload exactly as received' },
      deliveries: { type: 'integer' },
      receivedAt: { type: 'string', format: 'date-time' },
    },
  };
  const outcome = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: `${REF}PublishOutcome` } } } });
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', properties: { error: { $ref: `${REF}Error` } } } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: `trailgraph — ${ontology.label ?? ontology.iri}`,
      version: ontology.version,
      description: `Events in, health out. Event payloads follow ontology ${ontology.iri} ${ontology.version}; queries and subscriptions are GraphQL at /graphql.`,
    },
    ...(options.serverUrl && { servers: [{ url: options.serverUrl }] }),
    paths: {
      '/events': {
        post: {
          operationId: 'publishEvents',
          summary: 'Publish CloudEvents',
          description: 'Structured mode (one event), batch mode (an array) or binary mode (ce-* headers, data as the body). Each event is validated against the ontology; rejected events are dead-lettered with the reason.',
          parameters: [{ name: 'wait', in: 'query', required: false, description: 'Bus mode: wait up to this many milliseconds for the projection.', schema: { type: 'integer', minimum: 0 } }],
          requestBody: {
            required: true,
            content: {
              'application/cloudevents+json': { schema: { $ref: `${REF}CloudEvent` } },
              'application/cloudevents-batch+json': { schema: { type: 'array', items: { $ref: `${REF}CloudEvent` } } },
            },
          },
          responses: {
            200: { description: 'A duplicate (one event), or the outcome of each event of a batch', content: { 'application/json': { schema: { oneOf: [{ $ref: `${REF}PublishOutcome` }, { type: 'array', items: { $ref: `${REF}PublishOutcome` } }] } } } },
            201: outcome('Applied: seq is its ledger position'),
            202: outcome('Accepted on the bus; not yet projected'),
            400: error('Unusable request (bad ?wait, unreadable body)'),
            403: outcome('The caller may not publish this event'),
            413: error('Body over the size limit'),
            422: outcome('Rejected: error.issues say where (JSON pointers); the event is in the dead letters'),
            503: error('The store is unavailable; retry (Retry-After)'),
          },
        },
      },
      '/dead-letters': {
        get: {
          operationId: 'listDeadLetters',
          summary: 'Dead letters, oldest first (operators: a role that may read and publish anything)',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'after', in: 'query', description: 'Start after this letter id', schema: { type: 'string' } },
          ],
          responses: {
            200: { description: 'A page and the total', content: { 'application/json': { schema: { type: 'object', properties: { letters: { type: 'array', items: { $ref: `${REF}DeadLetter` } }, total: { type: 'integer' } } } } } },
            400: error('Bad ?limit'),
            403: error('Not an operator'),
          },
        },
      },
      '/dead-letters/{id}': {
        get: {
          operationId: 'getDeadLetter',
          summary: 'One dead letter',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'The letter', content: { 'application/json': { schema: { $ref: `${REF}DeadLetter` } } } }, 403: error('Not an operator'), 404: error('No such letter') },
        },
      },
      '/dead-letters/{id}/replay': {
        post: {
          operationId: 'replayDeadLetter',
          summary: 'Publish the letter again; it is removed once accepted',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: { description: 'Accepted; the letter is gone', content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true }, outcome: { $ref: `${REF}PublishOutcome` } } } } } },
            403: error('Not an operator'),
            404: error('No such letter'),
            422: { description: 'Still rejected; the letter stays', content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: false }, outcome: { $ref: `${REF}PublishOutcome` } } } } } },
          },
        },
      },
      '/healthz': { get: { operationId: 'health', summary: 'Liveness', responses: { 200: { description: 'The process serves', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } } } } } },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: the store (and bus) answer',
          responses: {
            200: { description: 'Ready', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ready' }, ontology: { type: 'string' } } } } } },
            503: { description: 'Not ready', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'not ready' }, reason: { type: 'string' } } } } } },
          },
        },
      },
    },
    components: { schemas },
  };
}
