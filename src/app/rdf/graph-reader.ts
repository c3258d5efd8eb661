/**
 * Reads the graph for RDF export through the store port, in pages: every node once (listed class by class from the
 * ontology's root classes, keyset-paged by id) with its outgoing relationships (one `related` query per relationship
 * type per page). Memory stays one page whatever the graph's size; both stores serve it from their indexes. The
 * reads may be the present's or an as-of view's (GraphStore.readsAt).
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { NodeDescription } from '../../core/rdf/node-quads.ts';
import { MAX_PAGE } from '../../core/store/limits.ts';
import type { GraphReads, NodeRecord } from '../../ports/graph-store.ts';

export interface ReadGraphOptions {
  /** Nodes per page (default 500, at most the store's MAX_PAGE). */
  readonly pageSize?: number;
}

/** The classes export lists nodes by: those without superclasses (every node carries one of them). */
export function rootClasses(ontology: CompiledOntology): string[] {
  return [...ontology.classes.values()].filter((c) => c.superClasses.length === 0).map((c) => c.name);
}

/** How many nodes export will write (the progress total). */
export async function countNodes(store: Pick<GraphReads, 'listNodes'>, ontology: CompiledOntology): Promise<number> {
  let total = 0;
  for (const root of rootClasses(ontology)) total += (await store.listNodes({ class: root, first: 0, includeTotal: true })).totalCount ?? 0;
  return total;
}

/** Outgoing relationship types a node of these labels may have. */
function typesFor(ontology: CompiledOntology, nodes: readonly NodeRecord[]): string[] {
  const types = new Set<string>();
  for (const n of nodes) for (const l of n.labels) for (const t of ontology.classes.get(l)?.objectProperties ?? []) types.add(t);
  return [...types].sort();
}

/** The targets of every outgoing relationship of `nodes`, per node id (all pages of a hub's relationships). */
export async function outgoingOf(store: Pick<GraphReads, 'related'>, ontology: CompiledOntology, nodes: readonly NodeRecord[]): Promise<Map<string, { type: string; to: string }[]>> {
  const out = new Map<string, { type: string; to: string }[]>(nodes.map((n) => [n.id, []]));
  for (const type of typesFor(ontology, nodes)) {
    let ids = nodes.map((n) => n.id);
    let after: Map<string, string> = new Map();
    while (ids.length > 0) {
      // Parents whose page was full are asked again from their own cursor; the rest are done.
      const pages = await Promise.all(
        after.size === 0
          ? [store.related({ ids, type, direction: 'out', first: MAX_PAGE })]
          : ids.map((id) => store.related({ ids: [id], type, direction: 'out', first: MAX_PAGE, after: after.get(id) as string })),
      );
      const next = new Map<string, string>();
      for (const byParent of pages) {
        for (const [id, page] of byParent) {
          const list = out.get(id);
          for (const item of page.items) list?.push({ type, to: item.node.id });
          if (page.hasNextPage && page.endCursor) next.set(id, page.endCursor);
        }
      }
      ids = [...next.keys()];
      after = next;
    }
  }
  return out;
}

/** Every node of the graph with its outgoing relationships, page by page. */
export async function* readGraph(store: Pick<GraphReads, 'listNodes' | 'related'>, ontology: CompiledOntology, options: ReadGraphOptions = {}): AsyncGenerator<NodeDescription[]> {
  const first = Math.min(Math.max(1, options.pageSize ?? 500), MAX_PAGE);
  const roots = rootClasses(ontology);
  for (const root of roots) {
    let after: string | undefined;
    for (;;) {
      const page = await store.listNodes({ class: root, first, ...(after !== undefined && { after }) });
      // A node under two roots (multiple inheritance) is written under the first of them only.
      const nodes = page.items.map((i) => i.node).filter((n) => roots.find((r) => n.labels.includes(r)) === root);
      const outgoing = await outgoingOf(store, ontology, nodes);
      yield nodes.map((n) => describe(n, outgoing.get(n.id) ?? []));
      if (!page.hasNextPage || page.endCursor === undefined) break;
      after = page.endCursor;
    }
  }
}

/** A node record with its outgoing relationships. */
export function describe(node: NodeRecord, outgoing: readonly { type: string; to: string }[]): NodeDescription {
  return { id: node.id, class: node.class, labels: node.labels, properties: node.properties, provenance: node.provenance, outgoing };
}
