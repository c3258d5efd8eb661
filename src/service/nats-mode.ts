/**
 * NATS mode's wiring, called by the composition root (runtime.ts) when `config.natsUrl` is set: the JetStream
 * bus, the dead-letter stream, an ingestor that files dead letters there, the projector and the NATS publisher.
 */
import type { EventIssue } from '../core/errors.ts';
import type { ChangeSet } from '../core/projection/change-set.ts';
import { publishedEvent } from '../core/events/idempotency.ts';
import { basename } from 'node:path';
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { DeadLetterStore } from '../ports/dead-letters.ts';
import type { GraphStore } from '../ports/graph-store.ts';
import { createIngestor, type IngestorOptions } from '../app/ingest/ingest.ts';
import { createNatsPublisher } from '../app/publish/nats-publisher.ts';
import { createProjector, type Projector } from '../app/ingest/projector.ts';
import type { Publisher } from '../app/publish/publisher.ts';
import { countDeadLetters } from '../observability/instrument.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface NatsModeOptions {
  readonly url: string;
  readonly ontology: CompiledOntology | (() => CompiledOntology);
  readonly store: GraphStore;
  /** The ontology folder; its name is the `<domain>` subject token (`ontology/referral` → `referral`). */
  readonly ontologyDir?: string;
  /** Run the projector in this process (default true; false for publish-only edges such as the CLI). */
  readonly project?: boolean;
  /** Upgrades events written against older ontology versions (the same hook the embedded ingestor gets). */
  readonly upcast?: IngestorOptions['upcast'];
  /** Counts the pipeline and reports the projector's lag (stream position − store checkpoint). */
  readonly metrics?: Metrics;
  /** Copies of the event and dead-letter streams (3 on a 3-node cluster). Default 1. */
  readonly replicas?: number;
  /**
   * Auth on: events travel on agent-qualified subjects, and the projector refuses (dead-letters) an event whose
   * subject carries no agent or another agent than its `source`.
   */
  readonly agentSubjects?: boolean;
  /** The loop breaker's limits (the ingestor's default when absent). */
  readonly loopLimits?: IngestorOptions['loopLimits'];
}

export interface NatsMode {
  readonly publisher: Publisher;
  /** Events on the stream not yet committed to the store (stream position − the projector's checkpoint). */
  readonly lag: () => Promise<number>;
  readonly deadLetters: DeadLetterStore;
  readonly projector?: Projector;
  close(): Promise<void>;
}

export async function startNatsMode({ url, ontology, store, ontologyDir, project = true, upcast, metrics, replicas, agentSubjects = false, loopLimits }: NatsModeOptions): Promise<NatsMode> {
  const { createJetStreamBus } = await import('../adapters/nats/jetstream-bus.ts');
  const { subjectAgentProblem, subjectEventProblem } = await import('../adapters/nats/subjects.ts');
  const domain = ontologyDir ? basename(ontologyDir) : 'default';
  const checkSubject = (subject: string, event: ChangeSet): EventIssue | undefined => {
    const agent = subjectAgentProblem(subject, event.source, agentSubjects);
    if (agent !== undefined) return { pointer: '/source', message: agent };
    // The event as published (before any upcast): its own type and subject, not a subject the planner derived.
    const sent = publishedEvent(event.event);
    return subjectEventProblem(subject, domain, { type: String(sent.type), ...(typeof sent.subject === 'string' && { subject: sent.subject }) });
  };
  const { createNatsDeadLetters } = await import('../adapters/nats/dead-letters.ts');
  const bus = await createJetStreamBus({ url, domain, ...(replicas && { replicas }) });
  try {
    const stream = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm, ...(replicas && { replicas }) });
    const deadLetters = metrics ? countDeadLetters(stream, metrics) : stream;
    const checkpointName = `nats:${bus.streamName}:${bus.consumerSettings.durable}`;
    const ingestor = createIngestor({ ontology, store, deadLetters, checkSubject, ...(upcast && { upcast }), ...(metrics && { metrics }), ...(loopLimits !== undefined && { loopLimits }), messagingSystem: 'nats', consumerName: checkpointName });
    const projector = project ? createProjector({ bus, ingestor, store, deadLetters, checkpointName }) : undefined;
    // Read from the store, not the projector: a serving-only replica reports the lag of the projector it relies on.
    const lag = async (): Promise<number> => Math.max(0, (await bus.lastSeq()) - (await store.getCheckpoint(checkpointName)));
    metrics?.watch({ lag });
    await projector?.start();
    const publisher = createNatsPublisher({ bus, ingestor, store, deadLetters, agentSubjects });
    return {
      publisher,
      lag,
      deadLetters,
      ...(projector && { projector }),
      async close() {
        await publisher.close();
        await projector?.stop();
        await bus.close();
      },
    };
  } catch (err) {
    await bus.close();
    throw err;
  }
}
