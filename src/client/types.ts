/**
 * The client's view of trailgraph's GraphQL types (kept small and stable: what agents actually use). Self-contained:
 * this folder is also the light `@trailgraph/client` package, which carries none of the server.
 */

/** A node a change refers to: its id and class. */
export interface NodeRef {
  readonly id: string;
  readonly class: string;
}

/** What one mark changed in the graph; narrow on `kind`. (On the wire, fields of the other kinds are null.) */
export type MarkChange =
  | {
      readonly kind: 'node';
      readonly change: 'created' | 'updated' | 'deleted';
      readonly id: string;
      readonly class: string;
      /** Property keys set or added. */
      readonly properties?: readonly string[];
      /** Property keys retracted. */
      readonly retracted?: readonly string[];
    }
  | {
      readonly kind: 'relationship';
      readonly change: 'created' | 'retracted';
      readonly type: string;
      readonly from: NodeRef;
      readonly to: NodeRef;
    }
  | {
      /** A signal mark left, reinforced or evaporated on a node. */
      readonly kind: 'mark';
      readonly change: 'left' | 'reinforced' | 'evaporated' | 'removed';
      readonly markId: string;
      readonly on: NodeRef;
      readonly markKind: string;
      /** Strength at the time of the change. */
      readonly strength: number;
      readonly agent: string;
    }
  | {
      /** A claim granted, renewed, released or expired. */
      readonly kind: 'claim';
      readonly change: 'granted' | 'renewed' | 'released' | 'expired';
      readonly on: NodeRef;
      readonly purpose: string;
      readonly agent: string;
      readonly token: number;
      readonly expiresAt: string;
    };

/** Which marks to receive. Values in one field are alternatives; fields combine with AND. */
export interface MarkWhere {
  readonly classes?: readonly string[];
  readonly ids?: readonly string[];
  readonly eventTypes?: readonly string[];
  readonly relationships?: readonly string[];
  /** Signal-mark kinds; `claim` for every claim change, `claim:<purpose>` for one purpose. */
  readonly kinds?: readonly string[];
}

/** A change mark as delivered: one committed event, signal-mark change or claim change. */
export interface Mark {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly kind: 'event' | 'mark' | 'claim';
  readonly source: string;
  readonly time: string;
  readonly committedAt: string;
  readonly subject?: string | null;
  readonly traceparent?: string | null;
  readonly correlationid?: string | null;
  readonly causationid?: string | null;
  /** Fields not relevant to a change's kind are null. */
  readonly changes: readonly MarkChange[];
  /** Current state of the nodes the mark touched, as selected with the `nodes` option. */
  readonly nodes: readonly Record<string, unknown>[];
}

export interface PublishResult {
  readonly eventId: string;
  /** `applied` (seq = its ledger position), `duplicate` (seq = the original), `accepted` (bus mode, not yet projected). */
  readonly status: 'applied' | 'duplicate' | 'accepted';
  readonly seq: number | null;
}

export interface ClaimInfo {
  readonly nodeId: string;
  readonly purpose: string;
  readonly agent: string;
  readonly token: number;
  readonly expiresAt: string;
  readonly grantedAt: string;
}

export interface ClaimResult {
  readonly granted: boolean;
  /** Your fencing token when granted. */
  readonly token: number | null;
  readonly expiresAt: string | null;
  /** The current holder (you, when granted). */
  readonly holder: ClaimInfo | null;
  readonly seq: number | null;
}

export interface SignalMarkInfo {
  readonly id: string;
  readonly kind: string;
  readonly strength: number;
  readonly initialStrength: number;
  readonly halfLifeMs: number | null;
  readonly expiresAt: string;
  readonly agent: string;
  readonly note: string | null;
  readonly nodeId: string;
}

export interface LeaveMarkInput {
  readonly on: string;
  readonly kind: string;
  /** Default 1. */
  readonly strength?: number;
  readonly halfLifeMs?: number;
  readonly ttlMs?: number;
  readonly note?: string;
}

/** Options of `search`. */
export interface SearchOptions {
  /** Only nodes of these classes (subclasses included). */
  readonly classes?: readonly string[];
  /** Page size (default 20). */
  readonly first?: number;
  /** `endCursor` of the previous page. */
  readonly after?: string;
  /** A GraphQL selection added to each node, e.g. `... on Patient { name }`. */
  readonly fields?: string;
}

/** One search hit: the node (id, class and the `fields` asked), its relevance and its cursor. */
export interface SearchHit {
  readonly score: number;
  readonly cursor: string;
  readonly node: { readonly id: string; readonly _class: string } & Readonly<Record<string, unknown>>;
}

/** A page of search hits, best first. */
export interface SearchResult {
  readonly hits: readonly SearchHit[];
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

/** A point in the graph's past: a ledger seq, or a commit time (ISO 8601: the graph after the last change committed by then). */
export type AsOf = { readonly seq: number } | { readonly time: string };

/** Options of `node`. */
export interface NodeOptions {
  /** Read the node as it was then (default: now). */
  readonly asOf?: AsOf;
  /** A GraphQL selection added to the node, e.g. `... on Referral { status forPatient { id } }` (read at the same point). */
  readonly fields?: string;
}

/** One ledger entry as `changesSince` answers it: a mark without the nodes' current state. */
export type LedgerChange = Omit<Mark, 'nodes'>;

/** A page of `changesSince`: the changes after the seq asked, oldest first, and the seq to ask from next. */
export interface ChangesPage {
  readonly changes: readonly LedgerChange[];
  /** The seq of the last change answered (the seq asked when none): pass it to the next call. */
  readonly cursor: number;
}
