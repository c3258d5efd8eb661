/**
 * Leader failover on a real 3-node cluster: 20,000 events from 4 concurrent publisher connections (retrying with the
 * same ids), the event stream's leader `kill -9`ed a third of the way in and restarted after two thirds. Every
 * acknowledged event is in the graph exactly once, no duplicates, and the graph equals a clean replay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { createProjector, type Projector } from '../../../src/app/ingest/projector.ts';
import { assertExactlyOnce, ontology, projectorParts, startClusterRig, startLoad, streamLeader, until, type ClusterRig } from './cluster-rig.ts';
import { clinicWaves } from './fixtures.ts';

/** 20,000; TG_CLUSTER_EVENTS overrides it for a quicker local run. */
const TOTAL = Number(process.env.TG_CLUSTER_EVENTS ?? 20_000);

void describe('3-node cluster: stream leader kill -9 under load', () => {
  let rig: ClusterRig;
  let parts: Awaited<ReturnType<typeof projectorParts>>;
  let projector: Projector;
  const log: string[] = [];

  void before(async () => {
    rig = await startClusterRig(4);
    parts = await projectorParts(rig);
    const ingestor = createIngestor({ ontology, store: parts.store, deadLetters: parts.dlq });
    projector = createProjector({ bus: parts.bus, ingestor, store: parts.store, deadLetters: parts.dlq, batchSize: 500, log: (l) => log.push(l) });
    await projector.start();
  });
  void after(async () => {
    await projector?.stop();
    await parts?.bus.close();
    await parts?.store.close();
    await rig?.close();
  });

  void it(`${TOTAL} events, the leader killed mid-run and restarted later: each acked event projected exactly once`, { timeout: 600_000 }, async () => {
    const load = startLoad(rig, clinicWaves(TOTAL, 'f'));
    await until(load.acked, TOTAL / 3, 300_000, 'acked before the kill');
    const leader = await streamLeader(parts.bus);
    const victim = rig.cluster.node(leader);
    await victim.kill9();
    const killedAt = load.acked();
    const newLeader = await streamLeader(parts.bus, 60_000);
    assert.notEqual(newLeader, leader, 'another node took over the stream');
    await until(load.acked, (2 * TOTAL) / 3, 300_000, 'acked while the old leader is down');
    await victim.restart();
    const restartedAt = load.acked();
    const result = await load.done;
    await rig.cluster.waitHealthy(240_000);
    assert.ok(killedAt < TOTAL && restartedAt < TOTAL, 'both the kill and the restart happened while publishing');

    const once = await assertExactlyOnce(rig, parts, () => projector.position, result, TOTAL);
    process.stdout.write(
      `cluster failover: acked ${once.acked}, stored ${once.stored}, projected ${once.projected}, duplicates ${once.duplicates}; ` +
        `leader ${leader} killed at ${killedAt} acked, restarted at ${restartedAt}; longest publish ${result.longestPublishMs} ms, ` +
        `longest time without any ack ${result.longestAckGapMs} ms; ${result.duplicateAcks} retries deduplicated; ${result.seconds.toFixed(1)} s\n`,
    );
  });
});
