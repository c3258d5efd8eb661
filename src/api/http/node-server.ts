/** Mounts the API's fetch handler on node:http, with a graceful stop (finish in-flight requests, then close). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../core/errors.ts';
import type { Api } from '../server.ts';
import { nodeListenerOf } from './graphql-node-path.ts';

export interface RunningServer {
  readonly server: Server;
  /** e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`, then cuts connections). */
  stop(graceMs?: number): Promise<void>;
}

/** Start-up failures users cause and can fix, said plainly (not a Node stack). */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new ConfigError('--port / TRAILGRAPH_PORT', `port ${port} is in use — stop the other process or pass --port`, { cause: err });
  if (err.code === 'EACCES') return new ConfigError('--port / TRAILGRAPH_PORT', `port ${port} needs privileges on ${host} — pass a port above 1023 with --port`, { cause: err });
  if (err.code === 'EADDRNOTAVAIL') return new ConfigError('--host / TRAILGRAPH_HOST', `${host} is not an address of this machine — pass --host 127.0.0.1 or 0.0.0.0`, { cause: err });
  return err;
}

/** Listens on `host:port`; a port in use or a foreign address is a ConfigError naming the setting. */
export async function listen(api: Api, { host, port }: { host: string; port: number }): Promise<RunningServer> {
  // createApi's node listener: POST /graphql JSON on node:http directly, everything else through yoga.
  const server = createServer(nodeListenerOf(api));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
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
