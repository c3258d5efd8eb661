/**
 * AsyncAPI 3.0 for the event side: one channel per event type on NATS (`<prefix>.<domain>.<type>.{aggregateId}`),
 * plus the HTTP binding (`POST /events`); every message is a structured-mode CloudEvent whose `data` schema comes
 * from the ontology (event-json-schema.ts). Pure: the subject prefix is given by the caller (the NATS adapter
 * owns the subject scheme).
 */
import type { CompiledOntology } from '../ontology/model.ts';
import { cloudEventSchema, embedSchema } from './embed.ts';
import { eventDataSchemas, type JsonSchema } from './event-json-schema.ts';

/** Where the service and its bus are, for the document's `servers`. */
export interface AsyncApiOptions {
  /** The ontology domain: the subject token after the prefix (`referral`). */
  readonly domain: string;
  /** The subject root, e.g. `tg.events`. */
  readonly subjectPrefix: string;
  /** `host:port` of NATS. */
  readonly natsHost?: string;
  /** `host:port` of the HTTP service. */
  readonly httpHost?: string;
}

const REF = '#/components/schemas/';

/** The AsyncAPI document for `ontology`. */
export function asyncApiDocument(ontology: CompiledOntology, options: AsyncApiOptions): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {};
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(eventDataSchemas(ontology))) {
    const et = ontology.eventTypes.get(name);
    embedSchema(schemas, `${name}.data`, schema, REF);
    schemas[`${name}.event`] = cloudEventSchema(name, `${REF}${name}.data`);
    messages[name] = {
      name,
      title: et?.label ?? name,
      ...(et?.comment && { summary: et.comment }),
      contentType: 'application/cloudevents+json',
      payload: { $ref: `${REF}${name}.event` },
    };
    channels[name] = {
      address: `${options.subjectPrefix}.${options.domain}.${name}.{aggregateId}`,
      title: `${name} events`,
      parameters: { aggregateId: { description: `The id of the ${et?.aggregate ?? 'aggregate'} the event is about (the CloudEvent subject's id; "_" without one). The ordering key.` } },
      servers: [{ $ref: '#/servers/nats' }],
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
    };
    operations[`publish${name}`] = {
      action: 'send',
      title: `Publish ${name}`,
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${name}` }],
    };
  }
  channels.httpEvents = {
    address: '/events',
    title: 'CloudEvents over HTTP',
    description: 'Every event type, POSTed in structured (application/cloudevents+json), batch or binary mode. The service validates and forwards to the bus (or applies in embedded mode).',
    servers: [{ $ref: '#/servers/http' }],
    messages: Object.fromEntries(Object.keys(messages).map((n) => [n, { $ref: `#/components/messages/${n}` }])),
  };
  operations.postEvents = {
    action: 'send',
    title: 'POST /events',
    channel: { $ref: '#/channels/httpEvents' },
    bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
    messages: Object.keys(messages).map((n) => ({ $ref: `#/channels/httpEvents/messages/${n}` })),
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: `trailgraph ${options.domain} events`,
      version: ontology.version,
      description: `Events of ontology ${ontology.iri} ${ontology.version}, as CloudEvents 1.0 (structured JSON). Rejected events are dead-lettered on ${options.subjectPrefix.replace(/\.events$/, '')}.dlq.<reason>.`,
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      nats: { host: options.natsHost ?? 'localhost:4222', protocol: 'nats', description: 'NATS JetStream (bus mode)' },
      http: { host: options.httpHost ?? 'localhost:4000', protocol: 'http', description: 'trailgraph serve' },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}
