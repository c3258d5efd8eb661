/**
 * The marks layer as a schema extension (see src/api/schema/index.ts SchemaExtension): signal marks, claims,
 * the `marks` where-filter and `Subscription.marks`. Transports: transports.ts.
 */
import type { MarkFeed } from '../../ports/mark-feed.ts';
import type { SchemaExtension } from '../schema/index.ts';
import { marksResolvers, marksWhereHandler } from './resolvers.ts';
import { marksTypeDefs } from './sdl.ts';
import { marksSubscription } from './subscription.ts';

export interface MarksExtensionOptions {
  /** Where subscriptions get their marks. */
  readonly feed: MarkFeed;
}

export function createMarksExtension({ feed }: MarksExtensionOptions): SchemaExtension {
  return {
    typeDefs: marksTypeDefs,
    resolvers: (ontology) => ({ ...marksResolvers(ontology), Subscription: { marks: marksSubscription(feed) } }),
    whereHandlers: { marks: marksWhereHandler },
  };
}

export { AGENT_HEADER, agentOf } from './agent.ts';
export { attachGraphqlWs } from './transports.ts';
