/**
 * Resolvers of the marks layer: signal marks and claims on nodes (batched per request), the mutations, and the
 * fields of change marks. The subscription lives in subscription.ts.
 */
import type { GraphQLFieldResolver } from 'graphql';
import { touchedNodeIds, type ChangeMark } from '../../core/marks/change-mark.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { Claim, ClaimResult, MarkFilter, MarkGuard, NodeRecord, SignalMark } from '../../ports/graph-store.ts';
import type { ApiContext } from '../context.ts';
import type { ResolverMap } from '../schema/resolvers.ts';
import type { WhereKeyHandler } from '../schema/where.ts';
import { agentOf } from './agent.ts';
import type { Action } from '../../core/auth/decide.ts';
import { NotFoundError } from '../../core/errors.ts';

/**
 * With access control on: the policy must allow the action, and the node must be one the caller may read
 * (a claim or mark on a node it cannot see would reveal that the node exists).
 */
async function permit(ctx: ApiContext, action: Action, node: string): Promise<void> {
  if (!ctx.access || !ctx.principal) return;
  ctx.access.authorize(ctx.principal, action);
  if (!(await ctx.loaders.node.load(node))) throw new NotFoundError(`no node ${node} that ${ctx.principal.agent} may read`);
}

/** With access control on: the check of a mark's kind against the caller's roles, for the store to make. */
function markGuard(ctx: ApiContext): { guard?: MarkGuard } {
  const { access, principal } = ctx;
  if (!access || !principal) return {};
  return { guard: { checkKind: (markKind) => access.authorize(principal, { kind: 'mark', markKind }) } };
}

type Args = Record<string, unknown>;
type Resolver = GraphQLFieldResolver<unknown, ApiContext, Args>;

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function nodeMarkFields(): Record<string, Resolver> {
  return {
    marks: (n, args, ctx) => {
      const kind = opt(args.kind as string | null);
      const minStrength = opt(args.minStrength as number | null);
      return ctx.loaders
        .custom<string, readonly SignalMark[]>(`marks:${kind ?? ''}:${minStrength ?? ''}`, async (ids) => {
          const found = await ctx.store.marksOn(ids, {
            ...(kind !== undefined && { kind }),
            ...(minStrength !== undefined && { minStrength }),
          });
          return ids.map((id) => found.get(id) ?? []);
        })
        .load((n as NodeRecord).id);
    },
    claims: (n, _, ctx) =>
      ctx.loaders
        .custom<string, readonly Claim[]>('claims', async (ids) => {
          const found = await ctx.store.claimsOn(ids);
          return ids.map((id) => found.get(id) ?? []);
        })
        .load((n as NodeRecord).id),
  };
}

/** ClaimResult (port) → GraphQL ClaimResult. */
function claimResult(r: ClaimResult): Record<string, unknown> {
  return r.granted
    ? { granted: true, token: r.claim.token, expiresAt: r.claim.expiresAt, holder: r.claim, seq: r.seq }
    : { granted: false, token: null, expiresAt: null, holder: r.holder, seq: null };
}

const mutations: Record<string, Resolver> = {
  leaveMark: async (_, a, ctx) => {
    await permit(ctx, { kind: 'mark', markKind: String(a.kind) }, String(a.on));
    return ctx.store.leaveMark({
      on: String(a.on),
      kind: String(a.kind),
      strength: typeof a.strength === 'number' ? a.strength : 1,
      ...(typeof a.halfLifeMs === 'number' && { halfLifeMs: a.halfLifeMs }),
      ...(typeof a.ttlMs === 'number' && { ttlMs: a.ttlMs }),
      ...(typeof a.note === 'string' && { note: a.note }),
      agent: agentOf(a, ctx),
    });
  },
  // Reinforce and remove: anyone's mark (reinforcing others' marks is how stigmergy works), but only of a kind the
  // caller's roles may mark, and only on a node it may read (the scoped store adds that). The kind is known once
  // the store has the mark, so the store asks, in its transaction.
  reinforceMark: (_, a, ctx) =>
    ctx.store.reinforceMark({ markId: String(a.id), ...(typeof a.by === 'number' && { by: a.by }), agent: agentOf(a, ctx), ...markGuard(ctx) }),
  removeMark: async (_, a, ctx) => (await ctx.store.removeMark(String(a.id), agentOf(a, ctx), markGuard(ctx).guard)) ?? null,
  claim: async (_, a, ctx) => {
    await permit(ctx, { kind: 'claim', purpose: String(a.purpose) }, String(a.node));
    return claimResult(await ctx.store.claim({ on: String(a.node), purpose: String(a.purpose), ttlMs: Number(a.ttlMs), agent: agentOf(a, ctx) }));
  },
  // Renew and release: the store accepts them only from the holder (its agent and fencing token), and with auth
  // on the agent is the token's, so nobody renews or releases another agent's claim.
  renewClaim: async (_, a, ctx) =>
    claimResult(
      await ctx.store.renewClaim({ on: String(a.node), purpose: String(a.purpose), ttlMs: Number(a.ttlMs), token: Number(a.token), agent: agentOf(a, ctx) }),
    ),
  releaseClaim: (_, a, ctx) => ctx.store.releaseClaim({ on: String(a.node), purpose: String(a.purpose), token: Number(a.token), agent: agentOf(a, ctx) }),
};
mutations.release = mutations.releaseClaim as Resolver;

/** The resolver map of the marks layer (without the subscription). */
export function marksResolvers(ontology: CompiledOntology): ResolverMap {
  const map: ResolverMap = {
    Mutation: mutations,
    SignalMark: {
      nodeId: (m: SignalMark) => m.on.id,
      node: (m: SignalMark, _: Args, ctx: ApiContext) => ctx.loaders.node.load(m.on.id),
    },
    Claim: {
      nodeId: (c: Claim) => c.on.id,
      node: (c: Claim, _: Args, ctx: ApiContext) => ctx.loaders.node.load(c.on.id),
    },
    ChangeMark: {
      // Fresh from the store for every mark: a subscription's context (and its loaders) lives for hours.
      nodes: async (m: ChangeMark, _: Args, ctx: ApiContext) => {
        const ids = touchedNodeIds(m);
        const found = await ctx.store.getNodes(ids);
        return ids.flatMap((id) => found.get(id) ?? []);
      },
    },
  };
  for (const cls of ontology.classes.keys()) map[cls] = nodeMarkFields();
  return map;
}

/** `<Class>Where.marks: [MarkPresence!]` → store mark filters. */
export const marksWhereHandler: WhereKeyHandler = (value, parts) => {
  for (const m of value as readonly { kind: string; minStrength?: number | null; absent?: boolean | null }[]) {
    const filter: MarkFilter = { kind: m.kind, minStrength: m.minStrength ?? 0, absent: m.absent ?? false };
    parts.marks.push(filter);
  }
};
