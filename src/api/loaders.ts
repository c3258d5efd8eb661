/**
 * Per-request DataLoaders: every node fetch and relationship page of one GraphQL request is batched into one store
 * call per (relationship type, direction, arguments) — no N+1, whatever the query shape.
 */
import DataLoader from 'dataloader';
import type { GraphStore, NodeRecord, Page, RelatedQuery } from '../ports/graph-store.ts';

export interface Loaders {
  readonly node: DataLoader<string, NodeRecord | undefined>;
  /** Related-node pages for `query` minus `ids`, batched by parent id. */
  related(query: Omit<RelatedQuery, 'ids'>): DataLoader<string, Page<NodeRecord>>;
  count(type: string, direction: 'out' | 'in'): DataLoader<string, number>;
  /** A named loader made once per request: the extension point for other batched reads (marks, claims). */
  custom<K, V>(name: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>): DataLoader<K, V>;
  /**
   * Forgets everything cached. A subscription's context lives as long as the subscription, so its loaders are
   * cleared before each delivered mark (else relationship fields would answer from the first mark's reads).
   */
  clear(): void;
}

/** The reads loaders batch into. */
type LoaderReads = Pick<GraphStore, 'getNodes' | 'related' | 'countRelated'>;

const EMPTY_PAGE: Page<NodeRecord> = { items: [], hasNextPage: false, totalCount: 0 };

/**
 * One request's loaders. A class, built on first use: every request builds one (a `{ __typename }` or a mark
 * mutation reads nothing through it), and closures per request showed in the query path's profile.
 */
class StoreLoaders implements Loaders {
  #node: DataLoader<string, NodeRecord | undefined> | undefined;
  #memo: Map<string, DataLoader<unknown, unknown>> | undefined;

  readonly #store: LoaderReads;

  constructor(store: LoaderReads) {
    this.#store = store;
  }

  get node(): DataLoader<string, NodeRecord | undefined> {
    return (this.#node ??= new DataLoader<string, NodeRecord | undefined>(async (ids) => {
      const found = await this.#store.getNodes(ids);
      return ids.map((id) => found.get(id));
    }));
  }

  related(query: Omit<RelatedQuery, 'ids'>): DataLoader<string, Page<NodeRecord>> {
    return this.#once(`related:${JSON.stringify(query)}`, () =>
      new DataLoader<string, Page<NodeRecord>>(async (ids) => {
        const pages = await this.#store.related({ ...query, ids });
        const node = this.node;
        for (const page of pages.values()) for (const item of page.items) node.prime(item.node.id, item.node);
        return ids.map((id) => pages.get(id) ?? EMPTY_PAGE);
      }),
    );
  }

  count(type: string, direction: 'out' | 'in'): DataLoader<string, number> {
    return this.#once(`count:${type}:${direction}`, () =>
      new DataLoader<string, number>(async (ids) => {
        const counts = await this.#store.countRelated(ids, type, direction);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
    );
  }

  custom<K, V>(name: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>): DataLoader<K, V> {
    return this.#once(`custom:${name}`, () => new DataLoader(batch));
  }

  clear(): void {
    this.#node?.clearAll();
    this.#memo?.clear();
  }

  #once<K, V>(key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    const memo = (this.#memo ??= new Map());
    let l = memo.get(key) as DataLoader<K, V> | undefined;
    if (!l) {
      l = make();
      memo.set(key, l as DataLoader<unknown, unknown>);
    }
    return l;
  }
}

/** The loaders for one request (or one subscription), reading `store`: the present, or an as-of view's reads. */
export function createLoaders(store: LoaderReads): Loaders {
  return new StoreLoaders(store);
}
