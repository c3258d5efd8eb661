/**
 * How each step changes stored nodes, as a pure function a store's migration target runs over batches of
 * nodes. Every rewrite is idempotent: running it on an already-rewritten node changes nothing, which is what
 * makes an interrupted migration safe to re-run. Relationship-only steps (rename, reverse) have no node rewrite:
 * targets execute them directly on relationships (see `stepScope`).
 */
import type { PropertyValue, Scalar } from '../projection/change-set.ts';
import { movedNodeId } from './steps.ts';
import type { MigrationStep, NodeImage } from './steps.ts';

/** What a step iterates over in the store. */
export type StepScope =
  /** Nodes carrying `label` (every node when undefined), rewritten by `rewriteNode`. */
  | { readonly scope: 'nodes'; readonly label: string | undefined }
  /** Relationships of `type`: renamed to `to`, reversed when `reverse`. */
  | { readonly scope: 'relationships'; readonly type: string; readonly to: string; readonly reverse: boolean }
  /** Nothing stored changes (event-only steps). */
  | { readonly scope: 'none' };

export function stepScope(step: MigrationStep): StepScope {
  switch (step.kind) {
    case 'renameRelationship': return { scope: 'relationships', type: step.from, to: step.to, reverse: false };
    case 'reverseRelationship': return { scope: 'relationships', type: step.from, to: step.to, reverse: true };
    case 'renameEventType': return { scope: 'none' };
    case 'renameClass': return { scope: 'nodes', label: step.from };
    case 'renameProperty': case 'dropProperty': return { scope: 'nodes', label: step.class };
    case 'custom': return step.node ? { scope: 'nodes', label: step.class } : { scope: 'none' };
    default: return { scope: 'nodes', label: step.class };
  }
}

/** A relationship a rewrite creates. */
export interface NewRelationship {
  readonly type: string;
  readonly from: string;
  readonly to: string;
}

/** The outcome of rewriting one node. */
export interface NodeRewrite {
  /** The node to store instead; `null` deletes it (and its relationships); undefined leaves it alone. */
  readonly node?: NodeImage | null;
  /** Nodes to create, or merge into when they exist (properties of the new image win). */
  readonly create?: readonly NodeImage[];
  readonly relate?: readonly NewRelationship[];
}

export interface RewriteContext {
  /** Labels of a class in the TARGET ontology (the class and its ancestors). */
  readonly labelsOf: (className: string) => readonly string[];
  /** The node's last-change time (provenance), for derive functions. */
  readonly time: string;
}

const first = (v: PropertyValue | undefined): Scalar | undefined => (Array.isArray(v) ? (v as Scalar[])[0] : (v as Scalar | undefined));

function withProps(node: NodeImage, props: Record<string, PropertyValue>): NodeImage {
  return { ...node, properties: props };
}

/** Splits `value` into `n` parts at `separator`; the last part keeps the remainder. */
export function splitValue(value: Scalar, n: number, separator = ' '): (Scalar | undefined)[] {
  const parts = String(value).split(separator);
  const out: (Scalar | undefined)[] = parts.slice(0, n - 1);
  const rest = parts.slice(n - 1);
  if (rest.length) out.push(rest.join(separator));
  while (out.length < n) out.push(undefined);
  return out;
}

/** Rewrites one node for `step`. Returns `{}` when the node is not concerned or already migrated. */
export function rewriteNode(step: MigrationStep, node: NodeImage, ctx: RewriteContext): NodeRewrite {
  const props: Record<string, PropertyValue> = { ...node.properties };
  switch (step.kind) {
    case 'renameClass': {
      if (!node.labels.includes(step.from)) return {};
      const cls = node.class === step.from ? step.to : node.class;
      return { node: { ...node, class: cls, labels: ctx.labelsOf(cls) } };
    }
    case 'renameProperty': {
      if (!(step.from in props)) return {};
      const v = props[step.from];
      delete props[step.from];
      if (v !== undefined && !(step.to in props)) props[step.to] = v;
      return { node: withProps(node, props) };
    }
    case 'splitProperty': {
      const v = first(props[step.from]);
      if (v === undefined) return {};
      const parts = step.split ? step.split(v) : splitValue(v, step.into.length, step.separator);
      delete props[step.from];
      step.into.forEach((name, i) => {
        const part = parts[i];
        if (part !== undefined && part !== '') props[name] = part;
      });
      return { node: withProps(node, props) };
    }
    case 'mergeProperties': {
      if (!step.from.some((p) => p in props)) return {};
      const values = step.from.map((p) => first(props[p]));
      const merged = step.merge ? step.merge(values) : values.filter((v) => v !== undefined).join(step.separator ?? ' ');
      for (const p of step.from) delete props[p];
      if (merged !== undefined) props[step.into] = merged;
      return { node: withProps(node, props) };
    }
    case 'addProperty': {
      if (props[step.property] !== undefined) return {};
      const v = step.derive ? step.derive(node.properties, { id: node.id, time: ctx.time }) : step.default;
      if (v === undefined) return {};
      props[step.property] = v;
      return { node: withProps(node, props) };
    }
    case 'mapValues': {
      const v = props[step.property];
      if (v === undefined) return {};
      const map = (x: Scalar): Scalar => step.map[String(x)] ?? x;
      const next = Array.isArray(v) ? [...new Set((v as Scalar[]).map(map))] : map(v as Scalar);
      if (JSON.stringify(next) === JSON.stringify(v)) return {};
      props[step.property] = next;
      return { node: withProps(node, props) };
    }
    case 'moveProperty': {
      const moved: Record<string, PropertyValue> = {};
      for (const [from, to] of Object.entries(step.properties)) {
        const v = props[from];
        if (v === undefined) continue;
        moved[to] = v;
        delete props[from];
      }
      if (Object.keys(moved).length === 0) return {};
      const id = movedNodeId(step, node.id);
      return {
        node: withProps(node, props),
        create: [{ id, class: step.toClass, labels: ctx.labelsOf(step.toClass), properties: moved }],
        relate: [{ type: step.via, from: node.id, to: id }],
      };
    }
    case 'dropProperty': {
      if (!(step.property in props)) return {};
      delete props[step.property];
      return { node: withProps(node, props) };
    }
    case 'dropClass':
      return node.labels.includes(step.class) ? { node: null } : {};
    case 'custom': {
      if (!step.node) return {};
      const next = step.node(node);
      if (next === null) return { node: null };
      return JSON.stringify(next) === JSON.stringify(node) ? {} : { node: next };
    }
    default:
      return {};
  }
}
