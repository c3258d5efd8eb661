/**
 * MCP over Streamable HTTP at `/mcp`, as a yoga plugin on the service's port: POST for requests, GET for the
 * server-to-client stream (resource notifications), DELETE to end a session. Authentication is the service's
 * (useAuthentication answers 401 before this runs); each request's verified Principal reaches the tools through
 * `authInfo`, and a session stays with the agent that opened it. Sessions are bounded in number and idle time.
 */
import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Plugin } from 'graphql-yoga';
import type { AccessControl } from '../app/auth/access-control.ts';
import { principalOf } from '../api/auth/authenticate.ts';
import { AGENT_HEADER } from '../api/marks/agent.ts';
import type { Principal } from '../core/auth/principal.ts';
import type { McpHost } from './server.ts';

export const MCP_PATH = '/mcp';

export interface McpHttpOptions {
  readonly access?: AccessControl;
  /** Largest request body in bytes. */
  readonly maxBodyBytes: number;
  /** Open sessions at most; the least recently used goes first. Default 1000. */
  readonly maxSessions?: number;
  /** A session unused this long is closed. Default 30 minutes. */
  readonly idleMs?: number;
}

interface Session {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly server: Server;
  /** The agent that opened it (auth on). */
  readonly agent: string | undefined;
  used: number;
}

/** The MCP endpoint: the yoga plugin and `close()` for the service's shutdown. */
export interface McpEndpoint {
  readonly plugin: Plugin;
  /** Open sessions (for tests and /status). */
  readonly sessions: () => number;
  close(): Promise<void>;
}

const rpcError = (status: number, message: string): Response =>
  new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), { status, headers: { 'content-type': 'application/json' } });

function authInfoOf(p: Principal | undefined): AuthInfo | undefined {
  if (!p) return undefined;
  // The token itself stays out: nothing downstream needs it, and it must not reach logs.
  return { token: '', clientId: p.agent, scopes: [...p.roles], ...(p.expiresAt !== undefined && { expiresAt: Math.floor(p.expiresAt / 1000) }), extra: { principal: p } };
}

export function createMcpEndpoint(host: McpHost, options: McpHttpOptions): McpEndpoint {
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? 1000;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const end = async (id: string): Promise<void> => {
    const s = sessions.get(id);
    sessions.delete(id);
    await s?.server.close();
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, s] of sessions) if (now - s.used > idleMs) void end(id);
  }, Math.min(idleMs, 60_000));
  sweep.unref();

  const open = async (request: Request, principal: Principal | undefined): Promise<Response> => {
    // The session exists once the server is connected; the transport announces its id later, during initialize.
    const opened: { session?: Session } = {};
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      maxRequestBodySize: options.maxBodyBytes,
      onsessioninitialized: (id) => {
        if (!opened.session) return;
        sessions.set(id, opened.session);
        if (sessions.size > maxSessions) void end(sessions.keys().next().value as string);
      },
    });
    const agent = principal?.agent ?? request.headers.get(AGENT_HEADER) ?? undefined;
    const server = await host.connect(transport, agent === undefined ? {} : { agent });
    opened.session = { transport, server, agent: principal?.agent, used: Date.now() };
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    const response = await transport.handleRequest(request, { ...(principal && { authInfo: authInfoOf(principal) }) });
    // Anything but a successful initialize leaves no session behind.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await server.close();
    return response;
  };

  const handle = async (request: Request): Promise<Response> => {
    if (Number(request.headers.get('content-length') ?? 0) > options.maxBodyBytes) return rpcError(413, `request body larger than ${options.maxBodyBytes} bytes`);
    const principal = options.access ? await principalOf(options.access, request) : undefined;
    const id = request.headers.get('mcp-session-id');
    if (id === null) {
      if (request.method !== 'POST') return rpcError(400, 'no mcp-session-id: start a session with an initialize request (POST)');
      return open(request, principal);
    }
    const session = sessions.get(id);
    if (!session) return rpcError(404, 'unknown or expired MCP session: initialize a new one');
    if (session.agent !== principal?.agent) return rpcError(403, `this MCP session belongs to ${session.agent ?? 'an unauthenticated caller'}`);
    session.used = Date.now();
    return session.transport.handleRequest(request, { ...(principal && { authInfo: authInfoOf(principal) }) });
  };

  return {
    plugin: {
      async onRequest({ request, url, endResponse }) {
        if (url.pathname !== MCP_PATH) return;
        endResponse(await handle(request));
      },
    },
    sessions: () => sessions.size,
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map(end));
    },
  };
}
