/**
 * SDL of the marks layer, added on top of the generated schema: signal marks and claims on every node type,
 * a `marks` filter on every `<Class>Where`, the marks/claims mutations and the `marks` subscription.
 */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { hasSubclasses, typeName } from '../schema/names.ts';

const AGENT_ARG = '"The acting agent; default: the x-trailgraph-agent header." agent: String';

const FIXED_SDL = /* GraphQL */ `
"A signal mark an agent left on a node; its strength evaporates over its half-life."
type SignalMark {
  id: ID!
  kind: String!
  "Strength now (decayed)."
  strength: Float!
  "Strength at the last reinforcement."
  initialStrength: Float!
  halfLifeMs: Int
  expiresAt: DateTime!
  agent: String!
  note: String
  createdAt: DateTime!
  reinforcedAt: DateTime!
  nodeId: ID!
  node: Node
}

"A lease an agent holds on a node for a purpose."
type Claim {
  nodeId: ID!
  node: Node
  purpose: String!
  agent: String!
  "Fencing token: strictly increases per (node, purpose). Pass it with every write the claim protects."
  token: Int!
  expiresAt: DateTime!
  grantedAt: DateTime!
}

"The answer to claim / renewClaim: granted with your token, or refused with the current holder."
type ClaimResult {
  granted: Boolean!
  "Your fencing token (when granted)."
  token: Int
  "When your lease ends (when granted)."
  expiresAt: DateTime
  "The current holder: you when granted, someone else when refused."
  holder: Claim
  "Ledger seq of the grant (when granted)."
  seq: Int
}

type SignalMarkResult {
  mark: SignalMark!
  "Ledger seq of the change."
  seq: Int!
}

"Nodes with (or, with absent: true, without) a mark of this kind stronger than minStrength."
input MarkPresence {
  kind: String!
  minStrength: Float = 0
  absent: Boolean = false
}

enum ChangeMarkKind { event mark claim }

"A node as a change mark names it."
type NodeRef {
  id: ID!
  class: String!
}

"One change inside a change mark. Which fields are set depends on kind (node | relationship | mark | claim)."
type MarkChange {
  kind: String!
  "node: created | updated | deleted; relationship: created | retracted; mark: left | reinforced | evaporated | removed; claim: granted | renewed | released | expired."
  change: String!
  "node: the node id."
  id: ID
  "node: its class."
  class: String
  "node: properties set or added."
  properties: [String!]
  "node: properties retracted."
  retracted: [String!]
  "relationship: its type."
  type: String
  from: NodeRef
  to: NodeRef
  "mark / claim: the node it is on."
  on: NodeRef
  markId: ID
  markKind: String
  strength: Float
  agent: String
  purpose: String
  token: Int
  expiresAt: DateTime
}

"One committed change to the shared environment (an event, a signal-mark change or a claim change)."
type ChangeMark {
  "Ledger seq: resume a subscription with after: seq."
  seq: Int!
  eventId: String!
  type: String!
  kind: ChangeMarkKind!
  source: String!
  time: DateTime!
  committedAt: DateTime!
  subject: String
  traceparent: String
  correlationid: String
  causationid: String
  changes: [MarkChange!]!
  "The CURRENT state of the nodes this mark touched (deleted ones are absent)."
  nodes: [Node!]!
}

"Which change marks to receive. Values in one field are alternatives; fields combine with AND."
input MarkWhere {
  "Classes, subclasses included."
  classes: [String!]
  ids: [ID!]
  eventTypes: [String!]
  "Relationship types."
  relationships: [String!]
  "Signal-mark kinds; 'claim' for every claim change, 'claim:<purpose>' for one purpose."
  kinds: [String!]
}

extend interface Node {
  "Signal marks on this node (strength decayed to now)."
  marks(kind: String, minStrength: Float): [SignalMark!]!
  "Live claims on this node."
  claims: [Claim!]!
}

extend type Mutation {
  "Leaves a signal mark. At least one of halfLifeMs / ttlMs is required."
  leaveMark(on: ID!, kind: String!, strength: Float = 1, halfLifeMs: Int, ttlMs: Int, note: String, ${AGENT_ARG}): SignalMarkResult!
  "Adds by to the current strength (default: back to the initial strength)."
  reinforceMark(id: ID!, by: Float, ${AGENT_ARG}): SignalMarkResult!
  "Removes a mark; returns the ledger seq, or null when it was already gone."
  removeMark(id: ID!, ${AGENT_ARG}): Int
  "Compare-and-set lease on (node, purpose): granted when free or expired, refused with the holder otherwise."
  claim(node: ID!, purpose: String!, ttlMs: Int!, ${AGENT_ARG}): ClaimResult!
  "Extends your lease; refused when token is no longer current."
  renewClaim(node: ID!, purpose: String!, token: Int!, ttlMs: Int!, ${AGENT_ARG}): ClaimResult!
  "Releases your lease; false when token is no longer current (expired or taken over)."
  releaseClaim(node: ID!, purpose: String!, token: Int!, ${AGENT_ARG}): Boolean!
  "Same as releaseClaim."
  release(node: ID!, purpose: String!, token: Int!, ${AGENT_ARG}): Boolean!
}

type Subscription {
  """
  Change marks as they are committed. With after: seq, first the missed marks from the ledger, then live ones:
  no gap, no duplicate. A subscriber that falls behind is ended with SLOW_SUBSCRIBER and resumeAfterSeq.
  """
  marks(where: MarkWhere, after: Int): ChangeMark!
}
`;

const NODE_MARK_FIELDS = 'marks(kind: String, minStrength: Float): [SignalMark!]!\n  claims: [Claim!]!';

/**
 * The marks SDL for `ontology`. A property named `marks` or `claims` cannot clash: the field plan serves it as
 * `marks_` / `claims_` (MACHINERY_FIELDS in schema/field-plan.ts).
 */
export function marksTypeDefs(ontology: CompiledOntology): string {
  const out = [FIXED_SDL];
  for (const cls of ontology.classes.keys()) {
    out.push(`extend type ${typeName(cls)} {\n  ${NODE_MARK_FIELDS}\n}`);
    if (hasSubclasses(ontology, cls)) out.push(`extend interface ${typeName(cls)}Like {\n  ${NODE_MARK_FIELDS}\n}`);
    out.push(`extend input ${typeName(cls)}Where {\n  "Signal marks the node must carry (or lack)." marks: [MarkPresence!]\n}`);
  }
  return out.join('\n\n');
}
