/**
 * The read tools: get a node, find nodes of a class, a neighbourhood, paths (each now or as of a past point), the
 * history of a node. Each runs a document over the served GraphQL schema (same resolvers, scopes and limits as
 * GraphQL clients) and answers compactly, one bounded page at a time.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { AppliedChange } from '../../core/projection/change-set.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { NodeRecord } from '../../ports/graph-store.ts';
import { rootFieldNames, typeName } from '../../api/schema/names.ts';
import { loadersAt } from '../../api/schema/as-of.ts';
import type { ApiContext } from '../../api/context.ts';
import { AS_OF_SCHEMA, AT_LEAST_SEQ_SCHEMA, CURSOR_SCHEMA, type ToolDef, decodeOffset, encodeOffset, limitSchema, objectSchema, opt, str } from './tool.ts';
import { concerns, nodeView, relationshipView } from './views.ts';

const ID = { type: 'string', minLength: 1, description: 'A node id, e.g. r-0001.' } as const;
const FIELDS = { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'Only these properties (default: all of them).' } as const;
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

type Rel = { type: string; fromId: string; toId: string };
type Loaded = { ctx: ApiContext };

/** The node records of `ids` from the call's (scoped, primed) loaders — at `asOf` when given — in order, skipping the invisible. */
async function recordsOf(loaded: Loaded, ids: readonly string[], asOf?: unknown): Promise<NodeRecord[]> {
  const got = await (await loadersAt(loaded.ctx, asOf)).node.loadMany(ids);
  return got.filter((n): n is NodeRecord => n !== undefined && !(n instanceof Error));
}

function getNode(): ToolDef {
  const doc = `query McpGetNode($id: ID!, $limit: Int, $atLeastSeq: Int, $asOf: AsOf) {
    node(id: $id, asOf: $asOf, atLeastSeq: $atLeastSeq) { id marks { id kind strength agent note expiresAt } claims { purpose agent token expiresAt } }
    neighbourhood(id: $id, hops: 1, limit: $limit, asOf: $asOf) { relationships { type fromId toId } truncated } }`;
  return {
    name: 'get_node',
    title: 'Get a node',
    description: 'One node by id: its class, properties (or only `fields`), the event that last changed it, its direct relationships (at most `relationships`, default 20; `relationshipsTruncated` says when more exist — use the neighbourhood tool to page them), live signal marks and claims. With `asOf`: the node and its relationships as they were then (marks and claims are not kept as history, so they are left out).',
    inputSchema: objectSchema({ id: ID, fields: FIELDS, relationships: limitSchema(20), asOf: AS_OF_SCHEMA, atLeastSeq: AT_LEAST_SEQ_SCHEMA }, ['id']),
    annotations: { ...READ_ONLY, title: 'Get a node' },
    async call(a, { run, principal }) {
      const loaded = await run<{ node: { id: string; marks: unknown[]; claims: unknown[] } | null; neighbourhood: { relationships: Rel[]; truncated: boolean } }>(
        doc, { id: a.id, limit: (a.relationships as number | undefined) ?? 20, atLeastSeq: opt(a.atLeastSeq), asOf: opt(a.asOf) }, principal);
      const [record] = loaded.data.node ? await recordsOf(loaded, [loaded.data.node.id], a.asOf) : [];
      if (!loaded.data.node || !record) throw new NotFoundError(`no node ${str(a.id)}${principal ? ` that ${principal.agent} may read` : ''}`);
      return {
        node: nodeView(record, a.fields as string[] | undefined),
        relationships: loaded.data.neighbourhood.relationships.map(relationshipView),
        relationshipsTruncated: loaded.data.neighbourhood.truncated,
        ...(a.asOf === undefined && { marks: loaded.data.node.marks, claims: loaded.data.node.claims }),
      };
    },
  };
}

function findNodes(ontology: CompiledOntology): ToolDef {
  const classes = [...ontology.classes.keys()];
  const docs = new Map(classes.map((c) => [c, `query McpFind($where: ${typeName(c)}Where, $orderBy: ${typeName(c)}OrderBy, $first: Int, $after: String, $atLeastSeq: Int, $asOf: AsOf) {
    list: ${rootFieldNames(c).many}(where: $where, orderBy: $orderBy, first: $first, after: $after, asOf: $asOf, atLeastSeq: $atLeastSeq) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`]));
  return {
    name: 'find_nodes',
    title: 'Find nodes of a class',
    description: 'Nodes of one class (subclasses included), filtered and sorted, one page at a time: answers `items`, `total` and `nextCursor` (pass it as `cursor` for the next page; absent on the last page). ' +
      '`where` filters by property: `{"status": {"eq": "scheduled"}}`; operators eq, ne, in, gt, gte, lt, lte, prefix, contains, exists. ' +
      'Relationship presence: `{"referredTo": {"exists": false}}`. Signal marks: `{"marks": [{"kind": "needs-review", "minStrength": 0.2}]}` (`absent: true` for nodes without). ' +
      '`AND: [ … ]` combines filters. `asOf` reads the graph as it was then (mark filters read the present and cannot be combined with it). The resource trailgraph://ontology/summary lists each class\'s properties.',
    inputSchema: objectSchema({
      class: { type: 'string', enum: classes, description: 'The class, e.g. Referral.' },
      where: { type: 'object', description: 'Filters (see the tool description).' },
      orderBy: objectSchema({ field: { type: 'string', description: 'A single-valued property, or id.' }, direction: { type: 'string', enum: ['ASC', 'DESC'] } }, ['field']),
      fields: FIELDS,
      limit: limitSchema(20),
      cursor: CURSOR_SCHEMA,
      asOf: AS_OF_SCHEMA,
      atLeastSeq: AT_LEAST_SEQ_SCHEMA,
    }, ['class']),
    annotations: { ...READ_ONLY, title: 'Find nodes of a class' },
    async call(a, { run, principal }) {
      const doc = docs.get(str(a.class)) as string;
      const loaded = await run<{ list: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(doc, {
        where: opt(a.where), orderBy: opt(a.orderBy), first: (a.limit as number | undefined) ?? 20, after: opt(a.cursor), atLeastSeq: opt(a.atLeastSeq), asOf: opt(a.asOf),
      }, principal);
      const { list } = loaded.data;
      const records = await recordsOf(loaded, list.nodes.map((n) => n.id), a.asOf);
      return {
        items: records.map((r) => nodeView(r, a.fields as string[] | undefined)),
        total: list.totalCount,
        ...(list.pageInfo.hasNextPage && list.pageInfo.endCursor && { nextCursor: list.pageInfo.endCursor }),
      };
    },
  };
}

/** `via` as the schema declares it: the RelationshipType enum when the ontology has object properties. */
const viaType = (ontology: CompiledOntology): string =>
  [...ontology.properties.values()].some((p) => p.kind === 'object') ? '[RelationshipType!]' : '[String!]';

function viaSchema(ontology: CompiledOntology): Record<string, unknown> {
  const types = [...ontology.properties.values()].filter((p) => p.kind === 'object').map((p) => p.name);
  return { type: 'array', items: { type: 'string', ...(types.length > 0 && { enum: types }) }, description: 'Only through these relationship types.' };
}

function neighbourhood(ontology: CompiledOntology, maxResults: number, maxHops: number): ToolDef {
  const doc = `query McpNeighbourhood($id: ID!, $hops: Int, $via: ${viaType(ontology)}, $limit: Int, $atLeastSeq: Int, $asOf: AsOf) {
    neighbourhood(id: $id, hops: $hops, via: $via, limit: $limit, asOf: $asOf, atLeastSeq: $atLeastSeq) { nodes { distance node { id _class } } relationships { type fromId toId } truncated } }`;
  return {
    name: 'neighbourhood',
    title: 'Neighbourhood of a node',
    description: `Nodes within \`hops\` (1–${maxHops}) of a node in both directions, nearest first, with the relationships between them; optionally only through relationship types \`via\`; \`asOf\` walks the graph as it was then. Paged: \`limit\` nodes per answer, \`nextCursor\` for more.`,
    inputSchema: objectSchema({
      id: ID, hops: { type: 'integer', minimum: 1, maximum: maxHops, default: 1 }, via: viaSchema(ontology), limit: limitSchema(25), cursor: CURSOR_SCHEMA, asOf: AS_OF_SCHEMA, atLeastSeq: AT_LEAST_SEQ_SCHEMA,
    }, ['id']),
    annotations: { ...READ_ONLY, title: 'Neighbourhood of a node' },
    async call(a, { run, principal }) {
      const offset = decodeOffset('neighbourhood', a.cursor);
      const limit = (a.limit as number | undefined) ?? 25;
      const want = Math.min(offset + limit + 1, maxResults);
      const { data } = await run<{ neighbourhood: { nodes: { distance: number; node: { id: string; _class: string } }[]; relationships: Rel[]; truncated: boolean } }>(doc, {
        id: a.id, hops: opt(a.hops), via: opt(a.via), limit: want, atLeastSeq: opt(a.atLeastSeq), asOf: opt(a.asOf),
      }, principal);
      const all = data.neighbourhood.nodes;
      const page = all.slice(offset, offset + limit);
      const known = new Set(all.slice(0, offset + limit).map((n) => n.node.id));
      const inPage = new Set(page.map((n) => n.node.id));
      const more = all.length > offset + limit;
      return {
        nodes: page.map((n) => ({ id: n.node.id, class: n.node._class, distance: n.distance })),
        relationships: data.neighbourhood.relationships.filter((r) => (inPage.has(r.fromId) && known.has(r.toId)) || (inPage.has(r.toId) && known.has(r.fromId))).map(relationshipView),
        ...(more && want < maxResults ? { nextCursor: encodeOffset(offset + limit) } : {}),
        ...(more && want >= maxResults ? { truncated: `more than ${maxResults} nodes: narrow it with via or fewer hops` } : {}),
      };
    },
  };
}

function paths(ontology: CompiledOntology, maxResults: number, maxHops: number): ToolDef {
  const doc = `query McpPaths($from: ID!, $to: ID!, $maxHops: Int, $via: ${viaType(ontology)}, $limit: Int, $atLeastSeq: Int, $asOf: AsOf) {
    paths(from: $from, to: $to, maxHops: $maxHops, via: $via, limit: $limit, asOf: $asOf, atLeastSeq: $atLeastSeq) { nodes { id _class } relationships { type fromId toId } } }`;
  return {
    name: 'paths',
    title: 'Paths between two nodes',
    description: `Simple paths from one node to another (relationships in either direction), shortest first, at most \`maxHops\` (1–${maxHops}) long; \`asOf\` as the graph was then. Paged: \`limit\` paths per answer, \`nextCursor\` for more.`,
    inputSchema: objectSchema({
      from: ID, to: ID, maxHops: { type: 'integer', minimum: 1, maximum: maxHops, default: Math.min(4, maxHops) }, via: viaSchema(ontology),
      limit: limitSchema(5, 50), cursor: CURSOR_SCHEMA, asOf: AS_OF_SCHEMA, atLeastSeq: AT_LEAST_SEQ_SCHEMA,
    }, ['from', 'to']),
    annotations: { ...READ_ONLY, title: 'Paths between two nodes' },
    async call(a, { run, principal }) {
      const offset = decodeOffset('paths', a.cursor);
      const limit = (a.limit as number | undefined) ?? 5;
      const want = Math.min(offset + limit + 1, maxResults);
      const { data } = await run<{ paths: { nodes: { id: string; _class: string }[]; relationships: Rel[] }[] }>(doc, {
        from: a.from, to: a.to, maxHops: opt(a.maxHops), via: opt(a.via), limit: want, atLeastSeq: opt(a.atLeastSeq), asOf: opt(a.asOf),
      }, principal);
      const page = data.paths.slice(offset, offset + limit);
      return {
        paths: page.map((p) => ({ nodes: p.nodes.map((n) => ({ id: n.id, class: n._class })), relationships: p.relationships.map(relationshipView) })),
        ...(data.paths.length > offset + limit && want < maxResults && { nextCursor: encodeOffset(offset + limit) }),
      };
    },
  };
}

interface HistoryEntry {
  seq: number;
  kind: string;
  eventId: string;
  type: string;
  source: string;
  time: string;
  subject: string | null;
  correlationid: string | null;
  causationid: string | null;
  changes: AppliedChange[];
}

function history(): ToolDef {
  const doc = `query McpHistory($id: ID!, $first: Int, $after: Int, $atLeastSeq: Int) {
    node(id: $id, atLeastSeq: $atLeastSeq) { id history(first: $first, after: $after) { seq kind eventId type source time subject correlationid causationid changes } } }`;
  return {
    name: 'history',
    title: 'History and provenance of a node',
    description: 'Every ledger entry that touched a node, oldest first: which agent (source) changed what, by which event (eventId, type, causationid, correlationid), when, and at which seq — e.g. "which agent made this referral urgent, and from which event?". Only the changes about this node are shown. Paged: `limit` entries, `nextCursor` for more.',
    inputSchema: objectSchema({ id: ID, limit: limitSchema(20), cursor: CURSOR_SCHEMA, atLeastSeq: AT_LEAST_SEQ_SCHEMA }, ['id']),
    annotations: { ...READ_ONLY, title: 'History and provenance of a node' },
    async call(a, { run, principal }) {
      const limit = (a.limit as number | undefined) ?? 20;
      const after = decodeOffset('history', a.cursor);
      const { data } = await run<{ node: { id: string; history: HistoryEntry[] } | null }>(doc, { id: a.id, first: limit, after, atLeastSeq: opt(a.atLeastSeq) }, principal);
      if (!data.node) throw new NotFoundError(`no node ${str(a.id)}${principal ? ` that ${principal.agent} may read` : ''}`);
      const id = data.node.id;
      const entries = data.node.history.map((e) => ({
        seq: e.seq, kind: e.kind, eventId: e.eventId, type: e.type, source: e.source, time: e.time,
        ...(e.correlationid && { correlationid: e.correlationid }), ...(e.causationid && { causationid: e.causationid }),
        changes: e.changes.filter((c) => concerns(c, id)),
      }));
      const last = entries.at(-1);
      return { entries, ...(entries.length === limit && last && { nextCursor: encodeOffset(last.seq) }) };
    },
  };
}

/** The read tools for `ontology`, bounded by the API's limits. */
export function readTools(ontology: CompiledOntology, limits: { maxResults: number; maxHops: number }): ToolDef[] {
  return [getNode(), findNodes(ontology), neighbourhood(ontology, limits.maxResults, limits.maxHops), paths(ontology, limits.maxResults, limits.maxHops), history()];
}
