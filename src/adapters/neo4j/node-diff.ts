/**
 * What an upsert changes, decided from the node as read inside the locked write transaction. The rules are the
 * SQLite adapter's (src/adapters/sqlite/apply.ts): the more specific class wins, an unrelated class is a conflict,
 * only real changes are reported, and an upsert that changes nothing leaves the node (and its provenance) alone.
 */
import { ProjectionConflictError } from '../../core/errors.ts';
import type { Scalar, UpsertNodeOp } from '../../core/projection/change-set.ts';

export interface StoredNode {
  readonly class: string;
  readonly labels: readonly string[];
  readonly props: Readonly<Record<string, unknown>>;
}

/** The labels to switch to for `wanted`, undefined to keep the stored class; throws on an unrelated class. */
export function refine(eventId: string, pointer: string, id: string, stored: StoredNode, wanted: string, wantedLabels: readonly string[]): readonly string[] | undefined {
  if (stored.class === wanted || stored.labels.includes(wanted)) return undefined;
  if (wantedLabels.includes(stored.class)) return wantedLabels;
  throw new ProjectionConflictError(eventId, pointer, `node ${id} is a ${stored.class}; a ${wanted} cannot have the same id (unrelated classes)`);
}

export function dedupe(list: readonly Scalar[], add: readonly Scalar[]): Scalar[] {
  const out = [...list];
  for (const v of add) if (!out.includes(v)) out.push(v);
  return out;
}

/** Properties of a new node: `set`, then `add` lists deduplicated. */
export function createdProps(op: UpsertNodeOp): Record<string, Scalar | readonly Scalar[]> {
  const props: Record<string, Scalar | readonly Scalar[]> = { ...op.set };
  for (const [k, vs] of Object.entries(op.add)) props[k] = dedupe([], vs);
  return props;
}

export interface NodeUpdate {
  readonly labels: readonly string[] | undefined;
  /** Property values to write (changed ones only). */
  readonly write: Record<string, Scalar | readonly Scalar[]>;
  readonly changed: string[];
  readonly retracted: string[];
}

/** The update an upsert makes to a stored node; `undefined` when nothing changes. */
export function diffUpsert(eventId: string, op: UpsertNodeOp, stored: StoredNode): NodeUpdate | undefined {
  const labels = refine(eventId, op.pointer, op.node.id, stored, op.node.class, op.labels);
  const write: Record<string, Scalar | readonly Scalar[]> = {};
  const changed: string[] = [];
  const retracted: string[] = [];
  for (const [k, v] of Object.entries(op.set)) {
    if (stored.props[k] !== v) {
      write[k] = v;
      changed.push(k);
    }
  }
  for (const [k, vs] of Object.entries(op.add)) {
    const cur = stored.props[k];
    const list = Array.isArray(cur) ? (cur as Scalar[]) : cur === undefined || cur === null ? [] : [cur as Scalar];
    const next = dedupe(list, vs);
    if (next.length !== list.length || !Array.isArray(cur)) write[k] = next;
    if (next.length !== list.length) changed.push(k);
  }
  for (const k of op.unset) if (stored.props[k] !== undefined && stored.props[k] !== null) retracted.push(k);
  if (!labels && changed.length === 0 && retracted.length === 0) return undefined;
  return { labels, write, changed, retracted };
}
