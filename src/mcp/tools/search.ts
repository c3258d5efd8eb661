/**
 * The search tool: full-text search over the ontology's searchable properties (GraphQL `search`), ranked, through
 * the caller's read scope — how an agent that knows "the cardiologist called Moss" finds the node without its id.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { NodeRecord } from '../../ports/graph-store.ts';
import { CURSOR_SCHEMA, type ToolDef, limitSchema, objectSchema, opt } from './tool.ts';
import { nodeView } from './views.ts';

type Hits = { search: { edges: { score: number; cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

export function searchTool(ontology: CompiledOntology): ToolDef {
  const doc = `query McpSearch($text: String!, $classes: [String!], $first: Int, $after: String, $atLeastSeq: Int) {
    search(text: $text, classes: $classes, first: $first, after: $after, atLeastSeq: $atLeastSeq) { edges { score cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
  return {
    name: 'search',
    title: 'Search nodes by text',
    description: 'Full-text search over the text properties of nodes (names, reasons, notes …), best match first. All words must match; `word*` matches a prefix; `"two words"` a phrase — e.g. `cardio* moss`. ' +
      'Optionally only some `classes`. Answers `items` (each with its `score`: compare within one answer only) and `nextCursor` (pass it as `cursor` for more).',
    inputSchema: objectSchema({
      text: { type: 'string', minLength: 1, maxLength: 500, description: 'What to look for, e.g. "chest pain" moss or cardio*.' },
      classes: { type: 'array', items: { type: 'string', enum: [...ontology.classes.keys()] }, description: 'Only nodes of these classes (subclasses included).' },
      fields: { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'Only these properties (default: all of them).' },
      limit: limitSchema(10),
      cursor: CURSOR_SCHEMA,
      atLeastSeq: { type: 'integer', minimum: 0, description: 'Read-your-writes: wait (bounded) until the graph has applied this ledger seq.' },
    }, ['text']),
    annotations: { title: 'Search nodes by text', readOnlyHint: true, openWorldHint: false },
    async call(a, { run, principal }) {
      const loaded = await run<Hits>(doc, {
        text: a.text, classes: opt(a.classes), first: (a.limit as number | undefined) ?? 10, after: opt(a.cursor), atLeastSeq: opt(a.atLeastSeq),
      }, principal);
      const { edges, pageInfo } = loaded.data.search;
      // The resolver primed the call's loaders with the hits' records: no second read.
      const got = await loaded.ctx.loaders.node.loadMany(edges.map((e) => e.node.id));
      const items = edges.flatMap((e, i) => {
        const record = got[i];
        return record && !(record instanceof Error) ? [{ ...nodeView(record as NodeRecord, a.fields as string[] | undefined), score: e.score }] : [];
      });
      return { items, ...(pageInfo.hasNextPage && pageInfo.endCursor && { nextCursor: pageInfo.endCursor }) };
    },
  };
}
