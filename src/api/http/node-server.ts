/** Mounts the API's fetch handler on node:http, with a graceful stop (finish in-flight requests, then close). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from '../server.ts';

export interface RunningServer {
  readonly server: Server;
  /** e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`, then cuts connections). */
  stop(graceMs?: number): Promise<void>;
}

export async function listen(api: Api, { host, port }: { host: string; port: number }): Promise<RunningServer> {
  // yoga is a node request listener as well as a fetch handler.
  const server = createServer(api);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let stopping: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? 'localhost' : shownHost}:${addr.port}`,
    stop(graceMs = 10_000) {
      stopping ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}
