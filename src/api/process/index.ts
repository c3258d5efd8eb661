/**
 * `Query.causalProcess(id)`: the emergent process reconstructed from the ledger (src/app/process-view.ts) — the causal
 * DAG of a correlation, each step's agent and reaction time, and what is still waiting (open marks, live claims).
 */
import type { ProcessReport } from '../../app/causality/process-view.ts';
import { reconstructProcess } from '../../app/causality/process-view.ts';
import { formatProcess } from '../../core/causality/process.ts';
import type { ApiContext } from '../context.ts';
import type { SchemaExtension } from '../schema/index.ts';

const typeDefs = /* GraphQL */ `
  "One event of a process: who did what, in reaction to which event, how long after it."
  type CausalStep {
    seq: Int!
    eventId: String!
    type: String!
    "The agent (the event's source)."
    agent: String!
    time: String!
    committedAt: String!
    subject: String
    causationid: String
    correlationid: String
    traceparent: String
    "Causation steps from a root of the process."
    depth: Int!
    "The cause, when it belongs to this process."
    causedBy: String
    "Milliseconds from the cause's commit to this event's commit: how long the agent took to react."
    reactionMs: Float
    "Event ids this step caused."
    effects: [String!]!
  }
  "An open signal mark on one of the process's aggregates."
  type WaitingMark { nodeId: ID! kind: String! strength: Float! agent: String! expiresAt: String! note: String }
  "A live claim on one of the process's aggregates."
  type WaitingClaim { nodeId: ID! purpose: String! agent: String! token: Int! expiresAt: String! }
  type CausalWaiting { marks: [WaitingMark!]! claims: [WaitingClaim!]! }
  "The emergent process of one correlation, reconstructed from the ledger."
  type CausalProcess {
    correlationId: String!
    "In commit order."
    steps: [CausalStep!]!
    roots: [String!]!
    "Agents in order of their first step."
    agents: [String!]!
    durationMs: Float!
    "What is still waiting: open marks and live claims on the process's aggregates."
    waiting: CausalWaiting!
    "True when a bound cut the reconstruction short."
    truncated: Boolean!
    "The process as text (what trailgraph trace prints)."
    text: String!
  }
  extend type Query {
    "The process a correlation id or an event id belongs to; null when the ledger knows neither."
    causalProcess(id: String!): CausalProcess
  }
`;

export function createProcessExtension(): SchemaExtension {
  return {
    typeDefs,
    resolvers: {
      Query: {
        // A scoped caller finds a correlation only through an event it may see (the scan is not scoped).
        causalProcess: (_: unknown, args: Record<string, unknown>, ctx: ApiContext) =>
          reconstructProcess(ctx.readAccess === 'all' ? ctx.store : { findEvent: (id) => ctx.store.findEvent(id), history: (id, page) => ctx.store.history(id, page), marksOn: (ids) => ctx.store.marksOn(ids), claimsOn: (ids) => ctx.store.claimsOn(ids) }, String(args.id)),
      },
      CausalProcess: {
        text: (p: ProcessReport) => formatProcess(p),
        waiting: (p: ProcessReport) => ({
          marks: p.waiting.marks.map((m) => ({ nodeId: m.on.id, kind: m.kind, strength: m.strength, agent: m.agent, expiresAt: m.expiresAt, note: m.note ?? null })),
          claims: p.waiting.claims.map((c) => ({ nodeId: c.on.id, purpose: c.purpose, agent: c.agent, token: c.token, expiresAt: c.expiresAt })),
        }),
      },
      CausalStep: { agent: (s: { source: string }) => s.source },
    },
  };
}
