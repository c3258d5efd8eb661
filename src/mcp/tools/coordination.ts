/**
 * The stigmergic tools: leave and reinforce signal marks, claim / renew / release leases with fencing tokens, and
 * read the change marks since a cursor (for agents whose client cannot subscribe to the marks resource). They run
 * the marks layer's GraphQL mutations, so the policy, the attribution rules and the store's compare-and-set are
 * the ones every other client meets.
 */
import { toChangeMark } from '../../core/marks/change-mark.ts';
import { compileMarkFilter, type MarkWhere } from '../../core/marks/filter.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { LedgerEntry } from '../../ports/graph-store.ts';
import { ToolArgumentsError } from '../errors.ts';
import { type ToolContext, type ToolDef, limitSchema, objectSchema, opt } from './tool.ts';

const NODE = { type: 'string', minLength: 1, description: 'The node id.' } as const;
const PURPOSE = { type: 'string', minLength: 1, description: 'What the claim is for, e.g. notify; one holder per (node, purpose).' } as const;
const TOKEN = { type: 'integer', minimum: 1, description: 'The fencing token the claim tool returned.' } as const;
const TTL = { type: 'integer', minimum: 1, maximum: 3_600_000, description: 'Lease length in ms; renew before it ends or the claim expires.' } as const;
const AGENT = { type: 'string', minLength: 1, description: 'The acting agent, e.g. agent://notifier (open mode only; default: the session\'s agent).' } as const;

/** The agent argument only exists when the service runs open: with auth, the token says who acts. */
const withAgent = (open: boolean, props: Record<string, unknown>): Record<string, unknown> => (open ? { ...props, agent: AGENT } : props);

/** The acting agent for a write in open mode; with auth on the resolvers take it from the token. */
function actingAgent(tool: string, a: Record<string, unknown>, ctx: ToolContext): string | undefined {
  if (ctx.principal) return undefined;
  const agent = (a.agent as string | undefined) ?? ctx.agent;
  if (!agent) throw new ToolArgumentsError(tool, [{ pointer: '/agent', message: 'who is acting? pass agent (e.g. "agent://notifier"), or start the session with TRAILGRAPH_AGENT (stdio) or the x-trailgraph-agent header (HTTP)' }]);
  return agent;
}

const CLAIM_FIELDS = 'granted token expiresAt seq holder { agent token expiresAt }';

function markTools(open: boolean): ToolDef[] {
  const leave = `mutation McpLeaveMark($on: ID!, $kind: String!, $strength: Float, $halfLifeMs: Int, $ttlMs: Int, $note: String, $agent: String) {
    leaveMark(on: $on, kind: $kind, strength: $strength, halfLifeMs: $halfLifeMs, ttlMs: $ttlMs, note: $note, agent: $agent) { seq mark { id kind strength expiresAt } } }`;
  const remove = `mutation McpRemoveMark($id: ID!, $agent: String) { removeMark(id: $id, agent: $agent) }`;
  const reinforce = `mutation McpReinforceMark($id: ID!, $by: Float, $agent: String) { reinforceMark(id: $id, by: $by, agent: $agent) { seq mark { id kind strength expiresAt } } }`;
  return [
    {
      name: 'leave_mark',
      title: 'Leave a signal mark',
      description: 'Leaves a typed signal mark on a node (e.g. kind "needs-review") for other agents to sense. Its strength evaporates over `halfLifeMs`; it disappears after `ttlMs` or when too weak (give at least one of the two). Returns the mark id (for reinforce_mark) and the ledger seq.',
      inputSchema: objectSchema(withAgent(open, {
        on: NODE, kind: { type: 'string', minLength: 1, description: 'The mark kind, e.g. needs-review.' },
        strength: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: 1 }, halfLifeMs: { type: 'integer', minimum: 1 }, ttlMs: { type: 'integer', minimum: 1 },
        note: { type: 'string', maxLength: 500 },
      }), ['on', 'kind']),
      annotations: { title: 'Leave a signal mark', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      async call(a, ctx) {
        const { data } = await ctx.run<{ leaveMark: Record<string, unknown> }>(leave, {
          on: a.on, kind: a.kind, strength: opt(a.strength), halfLifeMs: opt(a.halfLifeMs), ttlMs: opt(a.ttlMs), note: opt(a.note), agent: actingAgent('leave_mark', a, ctx),
        }, ctx.principal);
        return data.leaveMark;
      },
    },
    {
      name: 'reinforce_mark',
      title: 'Reinforce a signal mark',
      description: 'Adds `by` to a mark\'s current strength (default: back to its initial strength), resetting its evaporation. Returns the mark and the ledger seq.',
      inputSchema: objectSchema(withAgent(open, { id: { type: 'string', minLength: 1, description: 'The mark id.' }, by: { type: 'number', exclusiveMinimum: 0 } }), ['id']),
      annotations: { title: 'Reinforce a signal mark', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      async call(a, ctx) {
        const { data } = await ctx.run<{ reinforceMark: Record<string, unknown> }>(reinforce, { id: a.id, by: opt(a.by), agent: actingAgent('reinforce_mark', a, ctx) }, ctx.principal);
        return data.reinforceMark;
      },
    },
    {
      name: 'remove_mark',
      title: 'Remove a signal mark',
      description: 'Removes a mark before it evaporates, e.g. once the "needs-review" it signalled has been done. Answers `removed: true` with the ledger `seq`, or `removed: false` when the mark was already gone (expired, evaporated or removed).',
      inputSchema: objectSchema(withAgent(open, { id: { type: 'string', minLength: 1, description: 'The mark id (leave_mark returned it; marks on a node are listed by get_node).' } }), ['id']),
      annotations: { title: 'Remove a signal mark', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      async call(a, ctx) {
        const { data } = await ctx.run<{ removeMark: number | null }>(remove, { id: a.id, agent: actingAgent('remove_mark', a, ctx) }, ctx.principal);
        return data.removeMark === null ? { removed: false } : { removed: true, seq: data.removeMark };
      },
    },
  ];
}

function claimTools(open: boolean): ToolDef[] {
  const claim = `mutation McpClaim($node: ID!, $purpose: String!, $ttlMs: Int!, $agent: String) { claim(node: $node, purpose: $purpose, ttlMs: $ttlMs, agent: $agent) { ${CLAIM_FIELDS} } }`;
  const renew = `mutation McpRenew($node: ID!, $purpose: String!, $token: Int!, $ttlMs: Int!, $agent: String) { renewClaim(node: $node, purpose: $purpose, token: $token, ttlMs: $ttlMs, agent: $agent) { ${CLAIM_FIELDS} } }`;
  const release = `mutation McpRelease($node: ID!, $purpose: String!, $token: Int!, $agent: String) { releaseClaim(node: $node, purpose: $purpose, token: $token, agent: $agent) }`;
  const write = { readOnlyHint: false, destructiveHint: false, openWorldHint: false } as const;
  return [
    {
      name: 'claim',
      title: 'Claim a node for a purpose',
      description: 'Takes an exclusive lease on (node, purpose) before acting, so no two agents do the same work: `granted: true` with a fencing `token` (strictly increasing; keep it for renew_claim / release_claim), or `granted: false` with the current `holder` — then leave the node alone. The lease ends after `ttlMs` unless renewed.',
      inputSchema: objectSchema(withAgent(open, { node: NODE, purpose: PURPOSE, ttlMs: TTL }), ['node', 'purpose', 'ttlMs']),
      annotations: { ...write, title: 'Claim a node for a purpose', idempotentHint: false },
      async call(a, ctx) {
        const { data } = await ctx.run<{ claim: Record<string, unknown> }>(claim, { node: a.node, purpose: a.purpose, ttlMs: a.ttlMs, agent: actingAgent('claim', a, ctx) }, ctx.principal);
        return data.claim;
      },
    },
    {
      name: 'renew_claim',
      title: 'Renew a claim',
      description: 'Extends your lease by `ttlMs` from now. `granted: false` means your token is no longer current (the lease expired and someone else may hold it): stop acting on the node.',
      inputSchema: objectSchema(withAgent(open, { node: NODE, purpose: PURPOSE, token: TOKEN, ttlMs: TTL }), ['node', 'purpose', 'token', 'ttlMs']),
      annotations: { ...write, title: 'Renew a claim', idempotentHint: true },
      async call(a, ctx) {
        const { data } = await ctx.run<{ renewClaim: Record<string, unknown> }>(renew, { node: a.node, purpose: a.purpose, token: a.token, ttlMs: a.ttlMs, agent: actingAgent('renew_claim', a, ctx) }, ctx.principal);
        return data.renewClaim;
      },
    },
    {
      name: 'release_claim',
      title: 'Release a claim',
      description: 'Releases your lease when the work is done. `released: false` means the token was no longer current (expired or taken over).',
      inputSchema: objectSchema(withAgent(open, { node: NODE, purpose: PURPOSE, token: TOKEN }), ['node', 'purpose', 'token']),
      annotations: { ...write, title: 'Release a claim', idempotentHint: true },
      async call(a, ctx) {
        const { data } = await ctx.run<{ releaseClaim: boolean }>(release, { node: a.node, purpose: a.purpose, token: a.token, agent: actingAgent('release_claim', a, ctx) }, ctx.principal);
        return { released: data.releaseClaim };
      },
    },
  ];
}

const WHERE_SCHEMA = objectSchema({
  classes: { type: 'array', items: { type: 'string' }, description: 'Node classes (subclasses included).' },
  ids: { type: 'array', items: { type: 'string' }, description: 'Node ids.' },
  eventTypes: { type: 'array', items: { type: 'string' }, description: 'Event types, e.g. AppointmentScheduled.' },
  relationships: { type: 'array', items: { type: 'string' }, description: 'Relationship types.' },
  kinds: { type: 'array', items: { type: 'string' }, description: 'Signal-mark kinds; "claim" for claim changes, "claim:<purpose>" for one purpose.' },
});

/** Ledger rows scanned per call at most: a filter that matches little still answers quickly, with a cursor. */
const SCAN = 500;

function marksSince(ontology: CompiledOntology): ToolDef {
  const doc = `query McpMarksSince($after: Int, $first: Int) { headSeq ledger(after: $after, first: $first) { seq kind eventId type source time committedAt subject traceparent correlationid causationid changes } }`;
  return {
    name: 'marks_since',
    title: 'Change marks since a cursor',
    description: 'The change marks committed after ledger seq `after` (0: from the beginning), oldest first: events, signal-mark and claim changes, each with what changed. Optional `where` (values in one field are alternatives; fields combine with AND). Answers `marks` and `cursor`: call again with `after: cursor` for what came next (no gap, no duplicate). Subscribing to the resource trailgraph://marks tells you when to call.',
    inputSchema: objectSchema({ after: { type: 'integer', minimum: 0, default: 0, description: 'The cursor of the previous answer (a ledger seq).' }, where: WHERE_SCHEMA, limit: limitSchema(20) }),
    annotations: { title: 'Change marks since a cursor', readOnlyHint: true, openWorldHint: false },
    async call(a, { run, principal }) {
      const limit = (a.limit as number | undefined) ?? 20;
      let match: (e: LedgerEntry) => boolean;
      try {
        const predicate = compileMarkFilter((a.where ?? {}) as MarkWhere, ontology);
        match = (e) => predicate(toChangeMark(e));
      } catch (err) {
        throw new ToolArgumentsError('marks_since', [{ pointer: '/where', message: (err as Error).message }]);
      }
      const after = (a.after as number | undefined) ?? 0;
      const { data } = await run<{ headSeq: number; ledger: LedgerEntry[] }>(doc, { after, first: SCAN }, principal);
      const marks: Record<string, unknown>[] = [];
      let cursor = data.ledger.at(-1)?.seq ?? after;
      for (const e of data.ledger) {
        if (!match(e)) continue;
        if (marks.length === limit) {
          cursor = marks.at(-1)?.seq as number;
          break;
        }
        marks.push({
          seq: e.seq, kind: e.kind, type: e.type, eventId: e.eventId, source: e.source, time: e.time, ...(e.subject && { subject: e.subject }),
          ...(e.correlationid && { correlationid: e.correlationid }), ...(e.causationid && { causationid: e.causationid }),
          ...(e.traceparent && { traceparent: e.traceparent }), changes: e.changes,
        });
      }
      return { marks, cursor, headSeq: data.headSeq };
    },
  };
}

/** The mark, claim and feed tools. `open`: the service runs without auth (writes take an `agent` argument). */
export function coordinationTools(ontology: CompiledOntology, open: boolean): ToolDef[] {
  return [...markTools(open), ...claimTools(open), marksSince(ontology)];
}
