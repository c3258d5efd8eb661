/**
 * Crash-loop protection for the projector. A message that crashes the projector PROCESS (native crash, OOM,
 * `process.exit` in a dependency) never gets a thrown error to count, and on restart the consumer is recreated
 * at the store's checkpoint, which resets the broker's delivery count: without this it would loop forever.
 *
 * Before a batch is applied, its stream range is recorded in the store (meta `inflight:<checkpoint name>`). On
 * start, a marker whose range is beyond the checkpoint means the process died applying it: one crash. The count
 * travels with the next marker over the same range; after `maxCrashes` the range is applied one message at a
 * time, each marked alone, and the message that crashes alone twice is dead-lettered (reason `poison`) on the
 * next start without being applied again. Twice, because the process may die for reasons that have nothing to do
 * with the message (an operator's or the OOM killer's SIGKILL, a node lost): kills that repeatedly land on the
 * same range can push it into one-at-a-time mode, and one more landing during a single message's apply must not
 * dead-letter a healthy event; a message that really crashes the process does so every time it is applied.
 * Cost: one small meta write per batch.
 */
import type { GraphStore } from '../../ports/graph-store.ts';

interface Marker {
  readonly from: number;
  readonly to: number;
  readonly crashes: number;
  /** Set when one message was applied alone; `rangeTo` is the end of the range being isolated. */
  readonly single?: boolean;
  readonly rangeTo?: number;
  /** How many earlier processes died applying this message alone. */
  readonly aloneCrashes?: number;
}

/** Deaths while applying a message alone that make it poison (see above for why more than one). */
export const POISON_CONFIRMATIONS = 2;

export interface CrashGuard {
  /** Reads the marker left by the previous process; `checkpoint` is the store's committed position. */
  load(checkpoint: number): Promise<void>;
  /** True when messages from `seq` on must be applied one at a time (the range crashed too often). */
  isolating(seq: number): boolean;
  /** How many times the range holding `seq` crashed the process (0 when none). */
  crashes(seq: number): number;
  /** True for the message that crashed the process when applied alone: dead-letter it, do not apply it. */
  isPoison(seq: number): boolean;
  /** The poison message was dead-lettered and the checkpoint moved past it. */
  cleared(seq: number): void;
  /** Records the range about to be applied (call before applying). */
  mark(from: number, to: number): Promise<void>;
  /** Records one message about to be applied alone. */
  markSingle(seq: number): Promise<void>;
}

export function createCrashGuard(store: Pick<GraphStore, 'getMeta' | 'setMeta'>, name: string, maxCrashes: number): CrashGuard {
  const key = `inflight:${name}`;
  let suspect: { to: number; crashes: number } | undefined;
  let poisonSeq: number | undefined;
  /** The message that crashed alone fewer than POISON_CONFIRMATIONS times, and how often. */
  let alone: { seq: number; crashes: number } | undefined;
  const inSuspect = (seq: number): boolean => suspect !== undefined && seq <= suspect.to;

  return {
    async load(checkpoint) {
      suspect = undefined;
      poisonSeq = undefined;
      alone = undefined;
      const raw = await store.getMeta(key);
      if (!raw) return;
      const m = JSON.parse(raw) as Marker;
      if (checkpoint >= m.to) return; // that batch committed: no crash
      if (m.single) {
        const crashes = (m.aloneCrashes ?? 0) + 1;
        if (crashes >= POISON_CONFIRMATIONS) poisonSeq = m.from;
        else alone = { seq: m.from, crashes };
        suspect = { to: Math.max(m.rangeTo ?? m.to, m.to), crashes: m.crashes + 1 };
      } else suspect = { to: m.to, crashes: m.crashes + 1 };
    },
    isolating: (seq) => inSuspect(seq) && (suspect?.crashes ?? 0) >= maxCrashes,
    crashes: (seq) => (inSuspect(seq) ? (suspect?.crashes ?? 0) : 0),
    isPoison: (seq) => seq === poisonSeq,
    cleared(seq) {
      if (seq === poisonSeq) poisonSeq = undefined;
    },
    async mark(from, to) {
      const marker: Marker = { from, to, crashes: inSuspect(from) ? (suspect?.crashes ?? 0) : 0 };
      await store.setMeta(key, JSON.stringify(marker));
    },
    async markSingle(seq) {
      const aloneCrashes = alone?.seq === seq ? alone.crashes : 0;
      const marker: Marker = { from: seq, to: seq, crashes: suspect?.crashes ?? 0, single: true, rangeTo: suspect?.to ?? seq, ...(aloneCrashes > 0 && { aloneCrashes }) };
      await store.setMeta(key, JSON.stringify(marker));
    },
  };
}
