/**
 * Who is acting: marks and claims are always attributed. Precedence: an authenticated identity the server put in
 * the context (`ctx.agent`), then the `agent` argument, then the `x-trailgraph-agent` request header (HTTP, SSE,
 * or the WebSocket upgrade request). Missing everywhere → BAD_USER_INPUT that says how to fix it.
 */
import { GraphQLError } from 'graphql';
import { ForbiddenError } from '../../core/auth/errors.ts';

/** The request header carrying the agent identity (docs/api.md "Agents"). */
export const AGENT_HEADER = 'x-trailgraph-agent';

interface AgentContext {
  readonly agent?: unknown;
  readonly request?: { readonly headers?: { get(name: string): string | null } };
}

export function agentOf(args: { readonly agent?: unknown }, ctx: unknown): string {
  const c = (ctx ?? {}) as AgentContext;
  if (typeof c.agent === 'string' && c.agent) {
    // Authenticated: acting as someone else is refused outright rather than silently corrected.
    if (typeof args.agent === 'string' && args.agent && args.agent !== c.agent) {
      throw new ForbiddenError(c.agent, 'act as another agent', `agent does not match the token: the request says ${args.agent}, the token is ${c.agent}`);
    }
    return c.agent;
  }
  if (typeof args.agent === 'string' && args.agent) return args.agent;
  const header = c.request?.headers?.get(AGENT_HEADER);
  if (header) return header;
  throw new GraphQLError(`who is acting? pass agent: "agent://you" or send the ${AGENT_HEADER} header`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}
