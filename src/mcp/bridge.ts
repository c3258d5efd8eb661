/**
 * `trailgraph mcp --url …`: a desktop host's stdio session relayed to a running service's Streamable HTTP
 * endpoint, message for message. The service does all the work (one store, one mark feed, its auth), so a
 * desktop agent and the service's other agents share the same live graph; the bridge only adds the bearer token.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface BridgeOptions {
  /** The service's base URL; the endpoint is `<url>/mcp`. */
  readonly url: string;
  readonly token?: string;
  /** Open mode: the agent to act as (sent as x-trailgraph-agent). */
  readonly agent?: string;
  readonly log: (line: string) => void;
}

/** Relays until either side closes. */
export async function bridgeStdioToHttp(options: BridgeOptions): Promise<void> {
  const headers: Record<string, string> = {
    ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
    ...(options.agent !== undefined && { 'x-trailgraph-agent': options.agent }),
  };
  const remote = new StreamableHTTPClientTransport(new URL(`${options.url}/mcp`), { requestInit: { headers } });
  const local = new StdioServerTransport();
  let done: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (done = resolve));
  local.onmessage = (message) => {
    remote.send(message).catch((err: unknown) => {
      options.log(`trailgraph mcp: ${options.url}/mcp: ${(err as Error).message}`);
      // A request the service never got still gets an answer, so the host does not wait forever.
      if ('id' in message && 'method' in message) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `trailgraph service unreachable: ${(err as Error).message}` } } as JSONRPCMessage);
      }
    });
  };
  remote.onmessage = (message) => {
    // Later requests carry the negotiated protocol version, as the SDK's own client does.
    const result = (message as { result?: { protocolVersion?: unknown } }).result;
    if (typeof result?.protocolVersion === 'string') remote.setProtocolVersion(result.protocolVersion);
    void local.send(message);
  };
  remote.onerror = (err) => options.log(`trailgraph mcp: ${err.message}`);
  local.onclose = done;
  remote.onclose = done;
  process.stdin.once('end', done);
  await remote.start();
  await local.start();
  await closed;
  await remote.terminateSession().catch(() => undefined);
  await remote.close();
  await local.close();
}
