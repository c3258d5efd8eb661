/** `Mutation.publishEvent`: the GraphQL face of the one publish path (the runtime's Publisher). */
import { GraphQLError } from 'graphql';
import { InvalidEventError } from '../../core/errors.ts';
import type { ApiContext } from '../context.ts';
import { publishGuarded } from '../../app/auth/guard-publish.ts';
import { inGraphqlSpan } from '../../observability/spans.ts';

export async function publishEventResolver(_: unknown, args: { event: unknown; wait?: boolean | null }, ctx: ApiContext): Promise<unknown> {
  if (args.event === null || typeof args.event !== 'object' || Array.isArray(args.event)) {
    throw new InvalidEventError(undefined, [{ pointer: '', message: 'event must be one CloudEvent JSON object' }]);
  }
  const guard = ctx.access && ctx.principal ? { access: ctx.access, principal: ctx.principal, ...(ctx.deadLetters && { deadLetters: ctx.deadLetters }) } : undefined;
  const request = (ctx as { request?: Request }).request;
  const [outcome] = await inGraphqlSpan(request, { type: 'mutation', field: 'publishEvent' }, () =>
    publishGuarded(ctx.publisher, [{ payload: args.event }], { waitMs: args.wait === false ? 0 : ctx.limits.defaultWaitMs }, guard));
  if (!outcome) throw new GraphQLError('publisher returned no outcome');
  if (outcome.status === 'rejected') {
    const id = (args.event as { id?: unknown }).id;
    throw outcome.error ?? new InvalidEventError(typeof id === 'string' ? id : undefined, [{ pointer: '', message: 'rejected' }]);
  }
  return { eventId: outcome.eventId ?? (args.event as { id?: string }).id, status: outcome.status, seq: outcome.seq ?? null };
}
