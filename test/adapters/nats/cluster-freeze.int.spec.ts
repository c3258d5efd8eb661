/**
 * A frozen node on a real 3-node cluster: the event stream's leader is stopped with SIGSTOP for 10 s under load
 * (its sockets stay open but nothing answers — a long GC pause, a stalled VM), then resumed with SIGCONT. The
 * other two elect a new leader; the resumed node must step down and catch up, not fork the stream. Same
 * assertions as the kill -9 test: every acknowledged event projected exactly once, the graph equals a clean replay.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { createProjector, type Projector } from '../../../src/app/ingest/projector.ts';
import { assertExactlyOnce, ontology, projectorParts, startClusterRig, startLoad, streamLeader, until, type ClusterRig } from './cluster-rig.ts';
import { clinicWaves } from './fixtures.ts';

/** 6,000 (a 10 s freeze lands a third of the way in); TG_CLUSTER_EVENTS overrides it. */
const TOTAL = Number(process.env.TG_CLUSTER_EVENTS ?? 6_000);
const FROZEN_MS = 10_000;

void describe('3-node cluster: stream leader frozen (SIGSTOP) for 10 s under load', () => {
  let rig: ClusterRig;
  let parts: Awaited<ReturnType<typeof projectorParts>>;
  let projector: Projector;

  void before(async () => {
    rig = await startClusterRig(4);
    parts = await projectorParts(rig);
    const ingestor = createIngestor({ ontology, store: parts.store, deadLetters: parts.dlq });
    projector = createProjector({ bus: parts.bus, ingestor, store: parts.store, deadLetters: parts.dlq, batchSize: 500, log: () => undefined });
    await projector.start();
  });
  void after(async () => {
    for (const n of rig?.cluster.nodes ?? []) n.resume();
    await projector?.stop();
    await parts?.bus.close();
    await parts?.store.close();
    await rig?.close();
  });

  void it(`${TOTAL} events, the leader frozen for ${FROZEN_MS / 1000} s then resumed: each acked event projected exactly once`, { timeout: 600_000 }, async () => {
    const load = startLoad(rig, clinicWaves(TOTAL, 'z'));
    await until(load.acked, TOTAL / 3, 300_000, 'acked before the freeze');
    const leader = await streamLeader(parts.bus);
    const frozen = rig.cluster.node(leader);
    frozen.pause();
    const frozenAt = load.acked();
    await sleep(FROZEN_MS);
    const duringFreeze = load.acked() - frozenAt;
    frozen.resume();
    const result = await load.done;
    await rig.cluster.waitHealthy(240_000);
    assert.ok(frozenAt < TOTAL, 'the freeze happened while publishing');
    const newLeader = await streamLeader(parts.bus);

    const once = await assertExactlyOnce(rig, parts, () => projector.position, result, TOTAL);
    process.stdout.write(
      `cluster freeze: acked ${once.acked}, stored ${once.stored}, projected ${once.projected}, duplicates ${once.duplicates}; ` +
        `leader ${leader} frozen at ${frozenAt} acked (${duringFreeze} acked during the freeze; leader now ${newLeader}); ` +
        `longest publish ${result.longestPublishMs} ms, longest time without any ack ${result.longestAckGapMs} ms; ` +
        `${result.duplicateAcks} retries deduplicated; ${result.seconds.toFixed(1)} s\n`,
    );
  });
});
