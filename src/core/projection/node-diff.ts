/**
 * What an upsert changes, decided from the node as the store read it inside its write transaction — the one rule
 * every store applies: the more specific class wins and an unrelated class is a conflict; `set` replaces,
 * `add` appends without duplicates (turning a stored single value into a list), `unset` retracts; only real
 * changes are reported, and an upsert that changes nothing leaves the node (and its provenance) alone.
 * A property whose stored value is null or undefined is absent (Neo4j cannot store null; SQLite's JSON could).
 * Pure: the store writes what this decides.
 */
import { ProjectionConflictError } from '../errors.ts';
import type { Scalar, UpsertNodeOp } from './change-set.ts';

/** A node as stored: its class, labels (the class and its ancestors) and properties. */
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

/** `list` with the values of `add` it lacks appended, in order. */
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

/** What to write: new labels (undefined = keep), changed property values, and the keys changed / retracted. */
export interface NodeUpdate {
  readonly labels: readonly string[] | undefined;
  /** Property values to write (changed ones only; never a retracted key). */
  readonly write: Record<string, Scalar | readonly Scalar[]>;
  readonly changed: string[];
  readonly retracted: string[];
  /** Every property after the update (for stores that write the whole map). */
  readonly props: Record<string, unknown>;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * The update an upsert makes to a stored node; `undefined` when nothing changes. `set`, then `add`, then `unset`
 * apply in that order, so a key both set and unset in one op ends up retracted.
 */
export function diffUpsert(eventId: string, op: UpsertNodeOp, stored: StoredNode): NodeUpdate | undefined {
  const labels = refine(eventId, op.pointer, op.node.id, stored, op.node.class, op.labels);
  const props: Record<string, unknown> = { ...stored.props };
  const write: Record<string, Scalar | readonly Scalar[]> = {};
  const changed: string[] = [];
  const retracted: string[] = [];
  for (const [k, v] of Object.entries(op.set)) {
    if (props[k] !== v) {
      props[k] = write[k] = v;
      changed.push(k);
    }
  }
  for (const [k, vs] of Object.entries(op.add)) {
    const cur = props[k];
    const list = Array.isArray(cur) ? (cur as Scalar[]) : present(cur) ? [cur as Scalar] : [];
    const next = dedupe(list, vs);
    // A stored single value becomes a list even when nothing new is added (not reported as a change).
    if (next.length !== list.length || !Array.isArray(cur)) props[k] = write[k] = next;
    if (next.length !== list.length) changed.push(k);
  }
  for (const k of op.unset) {
    if (!present(props[k])) continue;
    delete props[k];
    delete write[k];
    retracted.push(k);
  }
  if (!labels && changed.length === 0 && retracted.length === 0) return undefined;
  return { labels, write, changed, retracted, props };
}
