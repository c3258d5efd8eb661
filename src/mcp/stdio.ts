/**
 * MCP over stdio for desktop hosts: one session on this process's stdin/stdout (stdout carries only the
 * protocol; logs go to stderr). Resolves when the host closes the stream.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpHost, McpSession } from './server.ts';

export async function serveStdio(host: McpHost, session: McpSession): Promise<void> {
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  const server = await host.connect(transport, session);
  await closed;
  await server.close();
}
