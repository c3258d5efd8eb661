/**
 * `trailgraph/client`: the small typed client agents use — publish events, query, subscribe to marks (resuming
 * across reconnects with no gap and no duplicate), claim / renew / release, leave and reinforce marks.
 *
 * ```ts
 * import { createClient } from 'trailgraph/client';
 * const tg = createClient({ url: 'http://localhost:4000', agent: 'agent://triage' });
 * for await (const mark of tg.subscribe({ classes: ['Referral'] }, { nodes: 'id ... on Referral { status }' })) { … }
 * ```
 * The agent identity travels as the `x-trailgraph-agent` header on every request; with auth on, the bearer
 * token (`token`: a string, or a function returning a fresh one, called per request and per reconnect) is the
 * identity that counts.
 */
import { postGraphql, TrailgraphClientError, type HttpOptions } from './graphql.ts';
import { openMarkStream, type MarkStream, type MarkStreamOptions } from './subscribe.ts';
import type { ChangesPage, ClaimResult, LeaveMarkInput, LedgerChange, Mark, MarkWhere, NodeOptions, PublishResult, SearchHit, SearchOptions, SearchResult, SignalMarkInfo } from './types.ts';

export interface ClientOptions {
  /** The service base URL, e.g. `http://localhost:4000` (the GraphQL endpoint is `<url>/graphql`). */
  readonly url: string;
  /** Who is acting, e.g. `agent://triage`. Sent as `x-trailgraph-agent`. */
  readonly agent: string;
  /** Bearer token, or a function returning a fresh one (called before every request and reconnect). */
  readonly token?: string | (() => string | Promise<string>);
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

/** Options of `publish`. */
export interface PublishOptions {
  /** In bus mode, wait until the event is projected, so `seq` is set (default true). */
  readonly wait?: boolean;
  /**
   * The mark this event reacts to: sets `causationid` (the mark's event), `correlationid` (the mark's, or
   * its event id when it starts a process) and `traceparent` (the mark's: the service's delivery span) unless the
   * event has them, so the ledger can show the chain of reactions, the loop breaker can see it, and the
   * reaction continues the mark's distributed trace. An agent that traces itself sets its own span's
   * `traceparent` on the event instead (docs/observability.md).
   */
  readonly causedBy?: Pick<Mark, 'eventId'> & Partial<Pick<Mark, 'correlationid' | 'traceparent'>>;
}

/**
 * The event with causation, correlation and trace context taken from the mark it reacts to (its own values win).
 * The mark's `traceparent` is passed on as it is — W3C trace context's rule for a hop that records no span of
 * its own — so the service's publish span of the reaction is a child of the delivery span, with no hole.
 */
export function reactingTo(event: Readonly<Record<string, unknown>>, mark: NonNullable<PublishOptions['causedBy']>): Record<string, unknown> {
  const traceparent = event.traceparent ?? mark.traceparent ?? undefined;
  return {
    ...event,
    causationid: event.causationid ?? mark.eventId,
    correlationid: event.correlationid ?? mark.correlationid ?? mark.eventId,
    ...(traceparent !== undefined && { traceparent }),
  };
}

export interface TrailgraphClient {
  /** Publishes one CloudEvent (in reaction to a mark with `causedBy`). */
  publish(event: Readonly<Record<string, unknown>>, options?: PublishOptions): Promise<PublishResult>;
  /** Runs a query or mutation; returns `data` or throws TrailgraphClientError (code, details). */
  query<T = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<T>;
  /** Marks matching `where`, live (or from `after`), resuming by seq across reconnects. */
  subscribe(where?: MarkWhere, options?: MarkStreamOptions): MarkStream;
  claim(node: string, purpose: string, ttlMs: number): Promise<ClaimResult>;
  renew(node: string, purpose: string, token: number, ttlMs: number): Promise<ClaimResult>;
  /** False when the token is no longer current (expired or taken over). */
  release(node: string, purpose: string, token: number): Promise<boolean>;
  leaveMark(input: LeaveMarkInput): Promise<{ mark: SignalMarkInfo; seq: number }>;
  reinforceMark(id: string, by?: number): Promise<{ mark: SignalMarkInfo; seq: number }>;
  removeMark(id: string): Promise<number | null>;
  /**
   * Full-text search: all words must match, `word*` is a prefix, `"two words"` a phrase; best first. `fields` is a
   * GraphQL selection added to each node (e.g. `... on Patient { name }`).
   */
  search(text: string, options?: SearchOptions): Promise<SearchResult>;
  /**
   * One node by id (`null` when absent, or not readable by you), now or as it was at `asOf` — a node deleted since
   * is there as of before its deletion. `fields` is a GraphQL selection read at the same point.
   */
  node(id: string, options?: NodeOptions): Promise<({ readonly id: string; readonly _class: string } & Readonly<Record<string, unknown>>) | null>;
  /** What changed after ledger seq `seq`, oldest first (at most `first`, default 100): for an agent catching up. */
  changesSince(seq: number, options?: { readonly first?: number }): Promise<ChangesPage>;
  /** The highest committed seq. */
  headSeq(): Promise<number>;
}

const CLAIM_FIELDS = 'granted token expiresAt seq holder { nodeId purpose agent token expiresAt grantedAt }';
const MARK_FIELDS = 'seq mark { id kind strength initialStrength halfLifeMs expiresAt agent note nodeId }';

export function createClient(options: ClientOptions): TrailgraphClient {
  const base = options.url.replace(/\/+$/, '').replace(/\/graphql$/, '');
  const endpoint = `${base}/graphql`;
  const { token } = options;
  const headers = async (): Promise<Record<string, string>> => {
    const t = typeof token === 'function' ? await token() : token;
    return { ...options.headers, 'x-trailgraph-agent': options.agent, ...(t && { authorization: `Bearer ${t}` }) };
  };
  const http: HttpOptions = { url: endpoint, headers, fetch: options.fetch ?? globalThis.fetch.bind(globalThis) };
  const gql = <T>(doc: string, vars?: Record<string, unknown>): Promise<T> => postGraphql<T>(http, doc, vars);
  const headSeq = async (): Promise<number> => (await gql<{ headSeq: number }>('{ headSeq }')).headSeq;

  return {
    async publish(event, { wait = true, causedBy } = {}) {
      const d = await gql<{ publishEvent: PublishResult }>(
        'mutation Publish($e: JSON!, $w: Boolean) { publishEvent(event: $e, wait: $w) { eventId status seq } }',
        { e: causedBy ? reactingTo(event, causedBy) : event, w: wait },
      );
      return d.publishEvent;
    },
    query: (doc, vars) => gql(doc, vars),
    subscribe: (where = {}, opts = {}) => openMarkStream({ url: endpoint, headers, headSeq }, where, opts),
    async claim(node, purpose, ttlMs) {
      const d = await gql<{ claim: ClaimResult }>(
        `mutation Claim($n: ID!, $p: String!, $t: Int!) { claim(node: $n, purpose: $p, ttlMs: $t) { ${CLAIM_FIELDS} } }`,
        { n: node, p: purpose, t: ttlMs },
      );
      return d.claim;
    },
    async renew(node, purpose, token, ttlMs) {
      const d = await gql<{ renewClaim: ClaimResult }>(
        `mutation Renew($n: ID!, $p: String!, $k: Int!, $t: Int!) { renewClaim(node: $n, purpose: $p, token: $k, ttlMs: $t) { ${CLAIM_FIELDS} } }`,
        { n: node, p: purpose, k: token, t: ttlMs },
      );
      return d.renewClaim;
    },
    async release(node, purpose, token) {
      const d = await gql<{ releaseClaim: boolean }>(
        'mutation Release($n: ID!, $p: String!, $k: Int!) { releaseClaim(node: $n, purpose: $p, token: $k) }',
        { n: node, p: purpose, k: token },
      );
      return d.releaseClaim;
    },
    async leaveMark(input) {
      const d = await gql<{ leaveMark: { mark: SignalMarkInfo; seq: number } }>(
        `mutation Leave($on: ID!, $k: String!, $s: Float, $h: Int, $t: Int, $n: String) {
          leaveMark(on: $on, kind: $k, strength: $s, halfLifeMs: $h, ttlMs: $t, note: $n) { ${MARK_FIELDS} } }`,
        { on: input.on, k: input.kind, s: input.strength ?? 1, h: input.halfLifeMs ?? null, t: input.ttlMs ?? null, n: input.note ?? null },
      );
      return d.leaveMark;
    },
    async reinforceMark(id, by) {
      const d = await gql<{ reinforceMark: { mark: SignalMarkInfo; seq: number } }>(
        `mutation Reinforce($id: ID!, $by: Float) { reinforceMark(id: $id, by: $by) { ${MARK_FIELDS} } }`,
        { id, by: by ?? null },
      );
      return d.reinforceMark;
    },
    async removeMark(id) {
      return (await gql<{ removeMark: number | null }>('mutation Remove($id: ID!) { removeMark(id: $id) }', { id })).removeMark;
    },
    async search(text, { classes, first = 20, after, fields = '' } = {}) {
      const d = await gql<{ search: { edges: { score: number; cursor: string; node: SearchHit['node'] }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        `query Search($t: String!, $c: [String!], $f: Int, $a: String) {
          search(text: $t, classes: $c, first: $f, after: $a) { edges { score cursor node { id _class ${fields} } } pageInfo { hasNextPage endCursor } } }`,
        { t: text, c: classes ?? null, f: first, a: after ?? null },
      );
      return { hits: d.search.edges, hasNextPage: d.search.pageInfo.hasNextPage, endCursor: d.search.pageInfo.endCursor };
    },
    async node(id, { asOf, fields = '' } = {}) {
      const d = await gql<{ node: ({ id: string; _class: string } & Record<string, unknown>) | null }>(
        `query Node($id: ID!, $at: AsOf) { node(id: $id, asOf: $at) { id _class ${fields} } }`,
        { id, at: asOf ?? null },
      );
      return d.node;
    },
    async changesSince(seq, { first = 100 } = {}) {
      const d = await gql<{ changesSince: LedgerChange[] }>(
        `query Changes($s: Int!, $f: Int) {
          changesSince(seq: $s, first: $f) { seq eventId type kind source time committedAt subject traceparent correlationid causationid changes } }`,
        { s: seq, f: first },
      );
      return { changes: d.changesSince, cursor: d.changesSince.at(-1)?.seq ?? seq };
    },
    headSeq,
  };
}

export { TrailgraphClientError };
export type { MarkStream, MarkStreamOptions };
export type * from './types.ts';
