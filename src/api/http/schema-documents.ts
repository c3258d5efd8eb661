/**
 * `GET /schemas/openapi.json`, `/schemas/asyncapi.json` and `/schemas/events/<Type>.json`: the machine-readable
 * contracts generated from the ontology being served (src/core/schemas), for code generators, gateways and
 * producers in other languages. A yoga plugin like the demo page; built once per ontology.
 */
import type { Plugin } from 'graphql-yoga';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { asyncApiDocument, type AsyncApiOptions } from '../../core/schemas/asyncapi.ts';
import { eventDataSchemas } from '../../core/schemas/event-json-schema.ts';
import { openApiDocument } from '../../core/schemas/openapi.ts';

export interface SchemaDocumentsOptions {
  /** The served ontology (a getter: it may be swapped while serving). */
  readonly ontology: () => CompiledOntology;
  /** The NATS side of the AsyncAPI document. */
  readonly asyncapi: Omit<AsyncApiOptions, 'httpHost'>;
}

interface Documents {
  readonly openapi: string;
  readonly asyncapi: string;
  readonly events: ReadonlyMap<string, string>;
}

const PREFIX = '/schemas/';

export function useSchemaDocuments(options: SchemaDocumentsOptions): Plugin {
  const built = new WeakMap<CompiledOntology, Documents>();
  const documents = (ontology: CompiledOntology): Documents => {
    let d = built.get(ontology);
    if (!d) {
      d = {
        openapi: JSON.stringify(openApiDocument(ontology), null, 2),
        asyncapi: JSON.stringify(asyncApiDocument(ontology, options.asyncapi), null, 2),
        events: new Map(Object.entries(eventDataSchemas(ontology)).map(([name, s]) => [name, JSON.stringify(s, null, 2)])),
      };
      built.set(ontology, d);
    }
    return d;
  };
  return {
    onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(PREFIX)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new Response('method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } }));
      }
      const d = documents(options.ontology());
      const name = url.pathname.slice(PREFIX.length);
      const body = name === 'openapi.json' ? d.openapi : name === 'asyncapi.json' ? d.asyncapi : d.events.get(/^events\/(.+)\.json$/.exec(name)?.[1] ?? '');
      if (body === undefined) {
        const known = ['openapi.json', 'asyncapi.json', ...[...d.events.keys()].map((t) => `events/${t}.json`)].map((n) => PREFIX + n);
        return endResponse(new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no schema at ${url.pathname}`, known } }), { status: 404, headers: { 'content-type': 'application/json' } }));
      }
      return endResponse(new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}
