/** The in-process commit listeners every store adapter keeps (GraphStore.onCommit). */
import type { CommitListener, LedgerEntry } from '../../ports/graph-store.ts';

export interface CommitListeners {
  add(listener: CommitListener): () => void;
  /** Tells every listener about committed entries. Call only after the commit. */
  notify(entries: readonly LedgerEntry[]): void;
  clear(): void;
}

export function createCommitListeners(): CommitListeners {
  const listeners = new Set<CommitListener>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify(entries) {
      if (entries.length === 0) return;
      for (const l of listeners) {
        try {
          l(entries);
        } catch (err) {
          // The commit already happened: a failing listener must not turn it into a rejected call (the caller would
          // retry a committed batch), nor stop the other listeners. Surface it as an uncaught error instead.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
