/**
 * CompiledOntology → GraphQL SDL. Pure string building; resolvers come from `resolvers.ts` with the same field
 * plan. Works for any ontology: nothing here knows about referrals.
 */
import type { CompiledOntology, TermInfo, ValueType } from '../../core/ontology/model.ts';
import { NODE_FIELDS, SCALAR_OF, planClassFields } from './field-plan.ts';
import { SEARCH_SDL, searchField } from './search.ts';
import { classOfTypeRef, hasSubclasses, rootFieldNames, typeName, typeRefFor } from './names.ts';

/** Arguments every Query field takes: read-your-writes. */
export const CONSISTENCY_ARGS =
  '"Wait until the graph has applied at least this ledger seq (e.g. the seq publishEvent returned)." atLeastSeq: Int, ' +
  '"How long to wait for atLeastSeq, in ms (bounded by the server limit)." waitMs: Int';

/** The as-of argument of the graph read roots. */
export const AS_OF_ARG = '"Read the graph as it was at a ledger seq or commit time (the fields below read at the same point)." asOf: AsOf';

const FILTER_OF: Readonly<Record<ValueType, string>> = {
  string: 'StringFilter',
  integer: 'IntFilter',
  float: 'FloatFilter',
  boolean: 'BooleanFilter',
  date: 'DateFilter',
  dateTime: 'DateTimeFilter',
  anyURI: 'StringFilter',
};

/** A GraphQL string literal (JSON string escapes are valid GraphQL escapes). */
function str(s: string): string {
  return JSON.stringify(s);
}

function describe(term: Pick<TermInfo, 'label' | 'comment'> | undefined, fallback?: string): string {
  const parts = [term?.label, term?.comment].filter((p): p is string => Boolean(p));
  const text = parts.length ? parts.join(': ') : fallback;
  return text ? `${str(text)} ` : '';
}

function deprecated(term: TermInfo | undefined): string {
  return term?.deprecated ? ` @deprecated(reason: ${str(term.deprecated)})` : '';
}

const BASE_SDL = /* GraphQL */ `
"ISO 8601 calendar date, e.g. 2026-11-21."
scalar Date
"ISO 8601 date-time with offset, e.g. 2026-11-21T09:00:00Z."
scalar DateTime
"An absolute URI."
scalar URI
"Any JSON value."
scalar JSON

"""
A point in the graph's past: exactly one of a ledger seq, or a commit time (the graph after the last entry committed
at or before it). Answers are exact: read from versioned rows kept with the graph, with the caller's read scope
applied to the graph as it was then. Marks and claims are the present's and are not kept as history.
"""
input AsOf {
  "A ledger seq (0 = before the first event)."
  seq: Int
  "A commit time."
  time: DateTime
}

"Every resource in the graph. Ids are unique across the whole graph."
interface Node {
  id: ID!
  "The most specific class of the node."
  _class: String!
  "The class and its superclasses."
  _labels: [String!]!
  "The last event that changed the node."
  _provenance: Provenance!
  "Ledger entries that touched this node, oldest first."
  history(first: Int = 50, "Only entries with a seq greater than this." after: Int): [LedgerEntry!]!
}

"Which event last touched a node or relationship."
type Provenance {
  eventId: String!
  "The agent (the event's source)."
  source: String!
  time: DateTime!
  "Ledger seq of the last change."
  seq: Int!
  "Ledger seq that created it."
  createdSeq: Int!
}

"One ledger row: an applied event (or a mark / claim change)."
type LedgerEntry {
  seq: Int!
  kind: String!
  eventId: String!
  type: String!
  source: String!
  time: DateTime!
  committedAt: DateTime!
  subject: String
  traceparent: String
  correlationid: String
  causationid: String
  "What changed: nodes and relationships created, updated, retracted (both endpoints)."
  changes: JSON!
  "The CloudEvent as received."
  event: JSON
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

enum SortDirection { ASC DESC }

input IDFilter { eq: ID, ne: ID, in: [ID!], prefix: String }
input StringFilter { eq: String, ne: String, in: [String!], prefix: String, contains: String, exists: Boolean }
input IntFilter { eq: Int, ne: Int, in: [Int!], gt: Int, gte: Int, lt: Int, lte: Int, exists: Boolean }
input FloatFilter { eq: Float, ne: Float, in: [Float!], gt: Float, gte: Float, lt: Float, lte: Float, exists: Boolean }
input BooleanFilter { eq: Boolean, ne: Boolean, exists: Boolean }
input DateFilter { eq: Date, ne: Date, in: [Date!], gt: Date, gte: Date, lt: Date, lte: Date, exists: Boolean }
input DateTimeFilter { eq: DateTime, ne: DateTime, in: [DateTime!], gt: DateTime, gte: DateTime, lt: DateTime, lte: DateTime, exists: Boolean }
"Has (true) or lacks (false) at least one relationship of this kind."
input RelationshipFilter { exists: Boolean! }

"A relationship between two nodes, in its real direction."
type Relationship {
  type: String!
  from: Node
  to: Node
  fromId: ID!
  toId: ID!
  _provenance: Provenance!
}

type NeighbourNode {
  node: Node!
  "Hops from the start node (0 = the start itself)."
  distance: Int!
}

type Neighbourhood {
  nodes: [NeighbourNode!]!
  relationships: [Relationship!]!
  "True when the limit cut the result."
  truncated: Boolean!
}

type Path {
  nodes: [Node!]!
  relationships: [Relationship!]!
  length: Int!
}

type OntologyInfo {
  iri: String!
  version: String!
  versionIri: String
}

enum PublishStatus {
  "Committed now; seq is its ledger position."
  applied
  "Committed before; seq is the original."
  duplicate
  "On the bus, not yet projected."
  accepted
}

type PublishResult {
  eventId: String!
  status: PublishStatus!
  seq: Int
}

type Mutation {
  "Publishes one CloudEvent (structured JSON). Invalid events fail with code INVALID_EVENT, eventId, pointer, issues."
  publishEvent(event: JSON!, "Bus mode: wait until projected." wait: Boolean = true): PublishResult!
}
`;

function connectionSdl(typeRef: string): string {
  return `type ${typeRef}Edge { cursor: String!, node: ${typeRef}! }
type ${typeRef}Connection {
  edges: [${typeRef}Edge!]!
  nodes: [${typeRef}!]!
  pageInfo: PageInfo!
  "Every match, not just this page."
  totalCount: Int!
}`;
}

/** Arguments of a connection field whose nodes are `typeRef`. */
function connectionArgs(typeRef: string): string {
  const cls = classOfTypeRef(typeRef);
  const filter = cls ? `where: ${typeName(cls)}Where, orderBy: ${typeName(cls)}OrderBy, ` : '';
  return `${filter}first: Int = 20, "A cursor from pageInfo.endCursor." after: String`;
}

/** Builds the SDL of the whole API for `ontology`. Extensions add to it with `extend type …`. */
export function buildSdl(ontology: CompiledOntology): string {
  const out: string[] = [BASE_SDL, SEARCH_SDL];
  const connections = new Set<string>();
  const relTypes = [...ontology.properties.values()].filter((p) => p.kind === 'object').map((p) => p.name);
  const viaType = relTypes.length ? '[RelationshipType!]' : '[String!]';
  if (relTypes.length) out.push(`"Relationship types (object properties)."\nenum RelationshipType { ${relTypes.join(' ')} }`);

  const root: string[] = [
    `"Any node by id." node(id: ID!, ${AS_OF_ARG}, ${CONSISTENCY_ARGS}): Node`,
    `"Nodes by id, in the order asked (null when absent)." nodes(ids: [ID!]!, ${AS_OF_ARG}, ${CONSISTENCY_ARGS}): [Node]!`,
    `"Nodes within hops of a node, both directions, optionally only through some relationship types." neighbourhood(id: ID!, hops: Int = 1, via: ${viaType}, limit: Int = 100, ${AS_OF_ARG}, ${CONSISTENCY_ARGS}): Neighbourhood!`,
    `"Shortest-first simple paths between two nodes." paths(from: ID!, to: ID!, maxHops: Int = 4, via: ${viaType}, limit: Int = 10, ${AS_OF_ARG}, ${CONSISTENCY_ARGS}): [Path!]!`,
    `"A ledger entry by event id." event(id: ID!, ${CONSISTENCY_ARGS}): LedgerEntry`,
    `"The ledger from a seq on (for audits and catching up)." ledger(after: Int = 0, first: Int = 100, ${CONSISTENCY_ARGS}): [LedgerEntry!]!`,
    `"What changed after a seq, oldest first: the ledger entries an agent catching up from that seq needs (as ledger(after:))." changesSince(seq: Int!, first: Int = 100, ${CONSISTENCY_ARGS}): [LedgerEntry!]!`,
    searchField(CONSISTENCY_ARGS),
    `"The highest committed ledger seq." headSeq: Int!`,
    `"The ontology this API was generated from." ontology: OntologyInfo!`,
  ];

  for (const cls of ontology.classes.values()) {
    const fields = planClassFields(ontology, cls.name);
    const lines: string[] = [
      'id: ID!',
      '_class: String!',
      '_labels: [String!]!',
      '_provenance: Provenance!',
      'history(first: Int = 50, after: Int): [LedgerEntry!]!',
    ];
    const whereLines = ['id: IDFilter', `"All of these." AND: [${typeName(cls.name)}Where!]`];
    const sortable = ['id'];
    for (const f of fields) {
      const term = ontology.properties.get(f.property);
      if (f.kind === 'datatype') {
        const scalar = SCALAR_OF[f.valueType];
        lines.push(`${describe(term)}${f.name}: ${f.functional ? scalar : `[${scalar}!]!`}${deprecated(term)}`);
        whereLines.push(`${f.name}: ${FILTER_OF[f.valueType]}`);
        if (f.functional) sortable.push(f.name);
      } else if (f.kind === 'relationship') {
        const desc = f.direction === 'out' ? describe(term) : `${str(`Incoming ${f.property} relationships.`)} `;
        if (f.single) lines.push(`${desc}${f.name}: ${f.target}${deprecated(term)}`);
        else {
          connections.add(f.target);
          lines.push(`${desc}${f.name}(${connectionArgs(f.target)}): ${f.target}Connection!${deprecated(term)}`);
        }
        whereLines.push(`${f.name}: RelationshipFilter`);
      } else {
        lines.push(`"How many ${f.direction === 'out' ? 'outgoing' : 'incoming'} ${f.property} relationships." ${f.name}: Int!`);
      }
    }
    const chain = [cls.name, ...cls.ancestors].filter((c) => hasSubclasses(ontology, c)).map((c) => `${typeName(c)}Like`);
    const doc = describe(cls);
    out.push(`${doc}type ${typeName(cls.name)} implements ${['Node', ...chain].join(' & ')} {\n  ${lines.join('\n  ')}\n}`);
    if (hasSubclasses(ontology, cls.name)) {
      const ifaceChain = cls.ancestors.filter((c) => hasSubclasses(ontology, c)).map((c) => `${typeName(c)}Like`);
      out.push(
        `${describe(cls, `A ${cls.name} or any of its subclasses.`)}interface ${typeName(cls.name)}Like implements ${['Node', ...ifaceChain].join(' & ')} {\n  ${lines.join('\n  ')}\n}`,
      );
    }
    out.push(`input ${typeName(cls.name)}Where {\n  ${whereLines.join('\n  ')}\n}`);
    out.push(`enum ${typeName(cls.name)}SortField { ${sortable.join(' ')} }`);
    out.push(`input ${typeName(cls.name)}OrderBy { field: ${typeName(cls.name)}SortField!, direction: SortDirection = ASC }`);

    const ref = typeRefFor(ontology, cls.name);
    connections.add(ref);
    const { one, many } = rootFieldNames(cls.name);
    root.push(`${describe(cls)}${one}(id: ID!, ${AS_OF_ARG}, ${CONSISTENCY_ARGS}): ${ref}`);
    root.push(`${many}(${connectionArgs(ref)}, ${AS_OF_ARG}, ${CONSISTENCY_ARGS}): ${ref}Connection!`);
  }
  for (const c of [...connections].sort()) out.push(connectionSdl(c));
  out.push(`type Query {\n  ${root.join('\n  ')}\n}`);
  return out.join('\n\n');
}

/** The fields of Node that every generated type repeats (exported for extensions and tests). */
export { NODE_FIELDS };
