/**
 * Mark fan-out across replicas over core NATS. Each replica publishes the change marks of its own commits to
 * `tg.marks.<kind>.<seq>` and listens to `tg.marks.>`, so a subscriber on any replica sees every replica's
 * changes. Core NATS is at-most-once: a lost message leaves a hole in the seqs, which the mark feed fills from
 * the shared store's ledger (and its periodic head check catches a loss at the very end). Marks are therefore
 * a low-latency hint here; the ledger stays the source of truth.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { parseChangeMark, toChangeMark, type ChangeMark } from '../../core/marks/change-mark.ts';
import type { GraphStore } from '../../ports/graph-store.ts';
import type { LiveMarkSource } from '../../ports/mark-feed.ts';

/** Subject prefix of change marks. */
export const MARKS_PREFIX = 'tg.marks';

/** `tg.marks.<kind>.<seq>`: the kind lets a NATS-level consumer (or a permission) pick e.g. claims only. */
export function markSubject(mark: Pick<ChangeMark, 'kind' | 'seq'>, prefix = MARKS_PREFIX): string {
  return `${prefix}.${mark.kind}.${mark.seq}`;
}

export interface NatsMarkSourceOptions {
  readonly nc: NatsConnection;
  /** This replica's store: its commits are published. */
  readonly store: GraphStore;
  readonly prefix?: string;
  /** Close the connection on close() (when the source owns it). */
  readonly ownsConnection?: boolean;
  readonly onError?: (err: unknown) => void;
}

/** A LiveMarkSource that reports this replica's commits at once and every replica's commits via NATS. */
export function createNatsMarkSource({ nc, store, prefix = MARKS_PREFIX, ownsConnection = false, onError = (e) => console.error('trailgraph: mark fan-out:', e) }: NatsMarkSourceOptions): LiveMarkSource {
  const listeners = new Set<(marks: readonly ChangeMark[]) => void>();
  const emit = (marks: readonly ChangeMark[]): void => {
    for (const l of listeners) l(marks);
  };
  const encoder = new TextEncoder();

  const unCommit = store.onCommit((entries) => {
    const marks = entries.map(toChangeMark);
    emit(marks);
    for (const m of marks) {
      try {
        nc.publish(markSubject(m, prefix), encoder.encode(JSON.stringify(m)));
      } catch (err) {
        // Connection closed or draining: the other replicas fill the hole from the store.
        onError(err);
      }
    }
  });

  const sub: Subscription = nc.subscribe(`${prefix}.>`, {
    callback: (err, msg) => {
      if (err) return onError(err);
      let mark: ChangeMark | undefined;
      try {
        mark = parseChangeMark(msg.json());
      } catch {
        mark = undefined;
      }
      if (mark) emit([mark]);
    },
  });

  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      unCommit();
      listeners.clear();
      sub.unsubscribe();
      if (ownsConnection && !nc.isClosed()) await nc.drain();
    },
  };
}
