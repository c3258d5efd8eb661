/**
 * Persisted (trusted) operations: the `.graphql` files in `queries/`. Each is addressable by its file name
 * (`pending-referrals-without-insurance`) and by the sha256 of its text (Apollo's `persistedQuery` extension).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface PersistedOperation {
  readonly name: string;
  readonly file: string;
  readonly sha256: string;
  readonly document: string;
}

/** Reads every `*.graphql` under `dir` (not recursive). Missing dir = none. */
export function loadPersistedOperations(dir: string): PersistedOperation[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const file = join(dir, f);
    const document = readFileSync(file, 'utf8');
    return { name: basename(f, '.graphql'), file, sha256: createHash('sha256').update(document).digest('hex'), document };
  });
}

/** Lookup by name or hash. */
export function indexPersistedOperations(ops: readonly PersistedOperation[]): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  for (const op of ops) {
    m.set(op.name, op.document);
    m.set(op.sha256, op.document);
  }
  return m;
}
