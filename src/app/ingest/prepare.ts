/**
 * validate → plan for one raw event, shared by the ingestor (main thread) and the prepare worker: envelope parsing,
 * the ontology migration upcast, payload validation against the ontology, and the change-set plan.
 */
import { InvalidEventError } from '../../core/errors.ts';
import type { CloudEvent } from '../../core/events/cloud-event.ts';
import { parseEnvelope, type EnvelopeLimits } from '../../core/events/envelope.ts';
import { validatePayload } from '../../core/events/payload.ts';
import type { CompiledOntology } from '../../core/ontology/model.ts';
import type { ChangeSet } from '../../core/projection/change-set.ts';
import { planChangeSet } from '../../core/projection/planner.ts';

export interface PrepareOptions {
  /** Time of receipt: the event time when the event has none. */
  readonly receivedAt: string;
  /** Runs after envelope parsing, before payload validation: where ontology migrations upgrade old events. */
  readonly upcast?: (event: CloudEvent) => CloudEvent;
  readonly limits?: Partial<EnvelopeLimits>;
}

/** The change set of one event; throws InvalidEventError for an event that can never apply. */
export function prepareEvent(payload: unknown, ontology: CompiledOntology, { receivedAt, upcast, limits }: PrepareOptions): ChangeSet {
  const received = parseEnvelope(payload, limits);
  let event = received;
  if (upcast) {
    try {
      event = upcast(received);
    } catch (err) {
      if (err instanceof InvalidEventError) throw err;
      // A broken migration must not block the stream: the event waits in dead letters for a replay.
      const message = err instanceof Error ? err.message : String(err);
      throw new InvalidEventError(received.id, [{ pointer: '', message: `upcasting failed: ${message}` }], { cause: err });
    }
  }
  const validated = validatePayload(event, ontology);
  const changeSet = planChangeSet(event, ontology, { receivedAt });
  // The text as received is the ledger's copy when it is still exactly the event (saves re-serializing it).
  return typeof payload === 'string' && validated === received ? { ...changeSet, eventJson: payload } : changeSet;
}
