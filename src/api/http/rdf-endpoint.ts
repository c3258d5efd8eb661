/**
 * `GET /rdf/{id}`: one node as RDF — its classes, properties, outgoing relationships and PROV-O provenance — in the
 * format the `Accept` header prefers (Turtle, JSON-LD, N-Triples, N-Quads; Turtle when it names none of them; 406
 * when it accepts none), or the one `?format=` names. Reads through the caller's scoped store: a node the caller may
 * not read is a 404, like one that does not exist.
 */
import type { Plugin } from 'graphql-yoga';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import { exportNode } from '../../app/rdf/export-graph.ts';
import { RDF_FORMATS, RDF_MEDIA_TYPES, type RdfFormat } from '../../app/rdf/rdf-writer.ts';
import { principalOf } from '../auth/authenticate.ts';
import { scopeStore } from '../auth/scoped-store.ts';
import type { ApiServices } from '../context.ts';

export const RDF_PREFIX = '/rdf/';

const BY_MEDIA_TYPE = new Map<string, RdfFormat>([
  ...Object.entries(RDF_MEDIA_TYPES).map(([f, m]) => [m, f as RdfFormat] as [string, RdfFormat]),
  ['application/json', 'jsonld'],
  ['application/x-turtle', 'turtle'],
]);

const problem = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): Response =>
  new Response(JSON.stringify({ error: { code, message, ...extra } }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/**
 * The format an `Accept` header prefers among ours: highest q first, then the header's order; `*\/*` and `text/*`
 * give Turtle. undefined when it accepts none of them.
 */
export function negotiate(accept: string | null): RdfFormat | undefined {
  if (!accept || accept.trim() === '') return 'turtle';
  const ranges = accept.split(',').map((part, i) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.map((p) => /^q=([0-9.]+)$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { type, q: q === undefined ? 1 : Number(q), i };
  });
  ranges.sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (!(r.q > 0)) continue;
    const exact = BY_MEDIA_TYPE.get(r.type);
    if (exact) return exact;
    if (r.type === '*/*' || r.type === 'text/*') return 'turtle';
    if (r.type === 'application/*') return 'jsonld';
  }
  return undefined;
}

/** Answers a request under `/rdf/`. */
export async function handleRdf(request: Request, url: URL, store: GraphStore, ontology: CompiledOntology): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
  let id: string;
  try {
    id = decodeURIComponent(url.pathname.slice(RDF_PREFIX.length));
  } catch {
    return problem(400, 'BAD_REQUEST', `the node id in ${url.pathname} is not valid percent-encoding`);
  }
  if (id === '') return problem(400, 'BAD_REQUEST', 'give a node id: /rdf/{id}');
  const asked = url.searchParams.get('format');
  if (asked !== null && !(RDF_FORMATS as readonly string[]).includes(asked)) {
    return problem(400, 'BAD_REQUEST', `format=${asked} is not one of ${RDF_FORMATS.join(', ')}`, { argument: 'format' });
  }
  const format = (asked as RdfFormat | null) ?? negotiate(request.headers.get('accept'));
  if (!format) return problem(406, 'NOT_ACCEPTABLE', 'none of the accepted media types is served here', { available: Object.values(RDF_MEDIA_TYPES) });
  const body = await exportNode(store, ontology, id, format);
  if (body === undefined) return problem(404, 'NOT_FOUND', `no node ${JSON.stringify(id)}`);
  const type = format === 'jsonld' ? RDF_MEDIA_TYPES[format] : `${RDF_MEDIA_TYPES[format]}; charset=utf-8`;
  return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { 'content-type': type, vary: 'accept' } });
}

/**
 * The yoga plugin serving `/rdf/`. It runs after authentication (createApi puts extra plugins last), and reads
 * through the caller's read scope when access control is on.
 */
export function useRdfEndpoint(services: Pick<ApiServices, 'store' | 'ontology' | 'access'>): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(RDF_PREFIX)) return;
      const { access, store, ontology } = services;
      const visible = access ? scopeStore(store, access.scope(await principalOf(access, request))) : store;
      return endResponse(await handleRdf(request, url, visible, ontology));
    },
  };
}
