/**
 * A whole-cluster restart on a real 3-node cluster: mid-load, the projector process and all three nats-server
 * nodes are `kill -9`ed together (a site power cycle), then the nodes are restarted on their store dirs and a new
 * projector process starts on the same SQLite file. It resumes from the store's checkpoint (not from what the
 * broker thinks was acked); the publishers ride the outage out with their retries. Nothing acknowledged is missing,
 * nothing is applied twice, and the graph equals a clean replay.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore } from '../../../src/adapters/sqlite/index.ts';
import { assertExactlyOnce, ontology, projectorParts, startClusterRig, startLoad, until, type ClusterRig } from './cluster-rig.ts';
import { clinicWaves } from './fixtures.ts';

/** 6,000; TG_CLUSTER_EVENTS overrides it for a quicker local run. */
const TOTAL = Number(process.env.TG_CLUSTER_EVENTS ?? 6_000);

/** A projector process (test/support/projector-process.ts) given every node's URL; follows the positions it prints. */
class ProjectorProcess {
  readonly proc: ChildProcess;
  /** Positions in the order printed; the first is the checkpoint it started from. */
  readonly positions: number[] = [];
  stderr = '';
  constructor(urls: string, dbPath: string) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/projector-process.ts', urls, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout?.on('data', (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('position ')) this.positions.push(Number(l.slice(9)));
    });
    this.proc.stderr?.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
  }
  get position(): number {
    return this.positions[this.positions.length - 1] ?? -1;
  }
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill(signal);
    await exited;
  }
}

void describe('3-node cluster: whole-cluster restart (all nodes and the projector kill -9)', () => {
  let rig: ClusterRig;
  let projector: ProjectorProcess | undefined;

  void before(async () => {
    rig = await startClusterRig(4);
  });
  void after(async () => {
    await projector?.kill('SIGKILL');
    await rig?.close();
  });

  void it(`${TOTAL} events across a restart of every node: the projector resumes from the store checkpoint, nothing acked is missing`, { timeout: 600_000 }, async () => {
    const dbPath = join(rig.dir, 'graph.db');
    projector = new ProjectorProcess(rig.cluster.urls, dbPath);
    const load = startLoad(rig, clinicWaves(TOTAL, 'w'));
    await until(load.acked, TOTAL / 2, 300_000, 'acked before the power cycle');
    await until(() => projector?.position ?? -1, 1, 120_000, 'projector progress before the power cycle');
    // Everything at once: the projector and the three nodes.
    await Promise.all([projector.kill('SIGKILL'), ...rig.cluster.nodes.map((n) => n.kill9())]);
    const ackedBefore = load.acked();
    const store = createSqliteStore({ path: dbPath, ontology });
    await store.init(ontology);
    const checkpoint = await store.getCheckpoint('nats:projector');
    await store.close();
    assert.ok(checkpoint > 0, 'the projector had committed something');
    await sleep(1000); // down for a while: the publishers' retries pile up

    await rig.cluster.restartAll();
    await rig.cluster.waitHealthy(240_000);
    projector = new ProjectorProcess(rig.cluster.urls, dbPath);
    const result = await load.done;
    await until(() => projector?.positions.length ?? 0, 1, 120_000, 'the new projector reports its start');
    assert.equal(projector.positions[0], checkpoint, `the new projector starts from the store's checkpoint ${checkpoint}`);

    const parts = await projectorParts(rig, 'check');
    try {
      const last = (await parts.bus.jsm.streams.info(parts.bus.streamName)).state.last_seq;
      await until(() => projector?.position ?? -1, last, 240_000, `projector position (stderr: ${projector.stderr.slice(-500)})`);
      await projector.kill('SIGTERM');
      // The graph is the projector's file: check it, not the empty one projectorParts opened.
      const graph = createSqliteStore({ path: dbPath, ontology });
      await graph.init(ontology);
      try {
        const once = await assertExactlyOnce(rig, { ...parts, store: graph }, () => last, result, TOTAL);
        process.stdout.write(
          `cluster restart: acked ${once.acked}, stored ${once.stored}, projected ${once.projected}, duplicates ${once.duplicates}; ` +
            `all nodes killed at ${ackedBefore} acked, store checkpoint ${checkpoint}, the new projector started there; ` +
            `longest publish ${result.longestPublishMs} ms, longest time without any ack ${result.longestAckGapMs} ms; ${result.seconds.toFixed(1)} s\n`,
        );
      } finally {
        await graph.close();
      }
    } finally {
      await parts.bus.close();
      await parts.store.close();
    }
  });
});
