/**
 * A real 3-node JetStream cluster for integration tests: three nats-server processes on free loopback ports, each
 * routing to the other two, each with its own store dir, all including the deployed JetStream and cluster config
 * (nats-server.ts). Nodes can be killed (-9), restarted on the same ports and store, frozen (SIGSTOP) and resumed.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNatsServer, type NatsServer } from './nats-server.ts';

export interface NatsCluster {
  readonly nodes: readonly NatsServer[];
  /** Every node's client URL, comma-separated: what TRAILGRAPH_NATS_URL takes. */
  readonly urls: string;
  /** The node with this server_name (the name stream info reports as leader). */
  node(serverName: string): NatsServer;
  /** Resolves once every running node answers /healthz with 200 (JetStream current on that node). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Restarts every node at once (a whole-cluster restart: none can become ready alone). */
  restartAll(): Promise<void>;
  stop(): Promise<void>;
}

/** `n` distinct free loopback ports, held open together so they differ, then released for the servers to bind. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => {
    const address = s.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** /healthz of one node: 'ok' once its JetStream is current (meta leader known, its assets caught up), else why not. */
async function health(node: NatsServer): Promise<string> {
  if (!node.running) return 'ok';
  try {
    const res = await fetch(`http://127.0.0.1:${node.monitorPort}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 ? 'ok' : `${res.status} ${(await res.text()).slice(0, 300)}`;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function startNatsCluster(options: { readonly size?: number; readonly name?: string } = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const prefix = options.name ?? `tg-${process.pid}`;
  const routes = await freePorts(size);
  // Started together: a clustered JetStream node waits for its peers before it elects a meta leader.
  const nodes = await Promise.all(routes.map((port, i) =>
    startNatsServer({ jetstream: true, serverName: `${prefix}-n${i + 1}`, cluster: { port, routes }, readyTimeoutMs: 30_000 })));
  const cluster: NatsCluster = {
    nodes,
    get urls() {
      return nodes.map((n) => n.url).join(',');
    },
    node(serverName) {
      const found = nodes.find((n) => n.serverName === serverName);
      if (!found) throw new Error(`no node named ${serverName} (nodes: ${nodes.map((n) => n.serverName).join(', ')})`);
      return found;
    },
    async waitHealthy(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(nodes.map(health));
        if (states.every((s) => s === 'ok')) return;
        if (Date.now() > deadline) {
          throw new Error(`cluster not healthy after ${timeoutMs} ms: ${nodes.map((n, i) => `${n.serverName}: ${states[i]}`).join('; ')}`);
        }
        await sleep(200);
      }
    },
    async restartAll() {
      await Promise.all(nodes.map((n) => n.restart()));
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
  try {
    await cluster.waitHealthy();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
