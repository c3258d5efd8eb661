/**
 * Event upcasting: an event written against an older ontology version, rewritten into the current version's
 * terms through each migration's steps, before payload validation. Pure; the ingest pipeline calls it through
 * the `upcast` hook (app/upcaster.ts decides WHEN an event is old).
 *
 * Steps see the event's resources (top-level and nested) with an explicit `@type`: nested resources that
 * relied on the property's range get it written out first, using the version the event was written against.
 */
import { GRAPH_KEY, isJsonObject, splitSubject, TYPE_KEY } from '../events/resources.ts';
import type { CloudEvent } from '../events/cloud-event.ts';
import { isA } from '../ontology/model.ts';
import type { CompiledOntology } from '../ontology/model.ts';
import type { Scalar } from '../projection/change-set.ts';
import { splitValue } from './node-rewrite.ts';
import { movedNodeId } from './steps.ts';
import type { Migration, MigrationStep } from './steps.ts';

type Obj = Record<string, unknown>;

/** A resource in the event being upcast: the object (mutable copy) and where it hangs. */
interface View {
  readonly obj: Obj;
  /** The parent resource and key when nested; undefined at top level. */
  readonly parent?: { readonly obj: Obj; readonly key: string };
}

/** Every resource of `data`, depth first; `range` fills a missing nested `@type` from the property's range. */
function walk(data: unknown, range: (key: string) => string | undefined): View[] {
  const out: View[] = [];
  const visit = (obj: Obj, parent?: View['parent']): void => {
    out.push(parent ? { obj, parent } : { obj });
    for (const [key, value] of Object.entries(obj)) {
      if (key.startsWith('@')) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (!isJsonObject(v)) continue;
        const child = v as Obj;
        if (child[TYPE_KEY] === undefined) {
          const r = range(key);
          if (r !== undefined) child[TYPE_KEY] = r;
        }
        visit(child, { obj, key });
      }
    }
  };
  if (!isJsonObject(data)) return out;
  const graph = (data as Obj)[GRAPH_KEY];
  if (Array.isArray(graph)) for (const r of graph) if (isJsonObject(r)) visit(r as Obj);
  if (graph === undefined) visit(data as Obj);
  return out;
}

/** Turns `data` into `{ "@graph": [...] }` so resources can be appended. */
function asGraph(event: Obj): unknown[] {
  const data = event.data;
  if (isJsonObject(data) && Array.isArray((data as Obj)[GRAPH_KEY])) return (data as Obj)[GRAPH_KEY] as unknown[];
  const graph = isJsonObject(data) ? [data] : [];
  event.data = { [GRAPH_KEY]: graph };
  return graph;
}

const mapScalar = (v: unknown, f: (s: Scalar) => unknown): unknown =>
  v === null ? null : Array.isArray(v) ? v.map((x) => (x === null ? x : f(x as Scalar))) : f(v as Scalar);

/**
 * Upcasts `event` through one migration. `before` is the version the event was written against (to resolve
 * nested types and subclasses), `after` the version the migration leads to.
 */
export function upcastThrough(event: CloudEvent, migration: Migration, before: CompiledOntology, after: CompiledOntology): CloudEvent {
  const e = structuredClone(event) as Obj & CloudEvent;
  const out = e as Obj;
  // Names renamed so far (new → old) so class tests can still use `before`'s hierarchy.
  const oldName = new Map<string, string>();
  const isClass = (type: unknown, cls: string): boolean => {
    if (typeof type !== 'string') return false;
    if (type === cls) return true;
    const t = oldName.get(type) ?? type;
    const c = oldName.get(cls) ?? cls;
    return before.classes.has(t) ? isA(before, t, c) : isA(after, type, cls);
  };
  const range = (key: string): string | undefined => {
    const p = before.properties.get(key) ?? after.properties.get(key);
    return p?.kind === 'object' ? p.range : undefined;
  };
  walk(e.data, range);
  const creates = (type: unknown): boolean =>
    (before.eventTypes.get(event.type)?.creates ?? []).some((c) => isClass(type, c) || isClass(type, oldName.get(c) ?? c));

  for (const step of migration.steps) {
    if (step.kind === 'custom') {
      if (step.upcast) Object.assign(out, step.upcast(structuredClone(out)));
      continue;
    }
    if (step.kind === 'renameEventType') {
      if (out.type === step.from) out.type = step.to;
      continue;
    }
    if (step.kind === 'renameClass') {
      const s = typeof out.subject === 'string' ? splitSubject(out.subject) : undefined;
      if (s && s.class === step.from) out.subject = `${step.to}/${s.id}`;
      oldName.set(step.to, oldName.get(step.from) ?? step.from);
    }
    for (const view of walk(out.data, range)) applyStep(step, view, out, { isClass, creates, time: String(out.time ?? '') });
  }
  if (after.versionIri !== undefined) out.dataschema = after.versionIri;
  return out as unknown as CloudEvent;
}

interface StepContext {
  isClass(type: unknown, cls: string): boolean;
  creates(type: unknown): boolean;
  time: string;
}

function rename(obj: Obj, from: string, to: string): void {
  if (!(from in obj)) return;
  const v = obj[from];
  delete obj[from];
  obj[to] = v;
}

function applyStep(step: MigrationStep, view: View, event: Obj, ctx: StepContext): void {
  const r = view.obj;
  const type = r[TYPE_KEY];
  const of = (cls: string | undefined): boolean => cls === undefined || ctx.isClass(type, cls);
  switch (step.kind) {
    case 'renameClass':
      if (type === step.from) r[TYPE_KEY] = step.to;
      return;
    case 'renameProperty':
      if (of(step.class)) rename(r, step.from, step.to);
      return;
    case 'renameRelationship':
      rename(r, step.from, step.to);
      return;
    case 'dropProperty':
      if (of(step.class)) delete r[step.property];
      return;
    case 'mapValues':
      if (of(step.class) && step.property in r) r[step.property] = mapScalar(r[step.property], (x) => step.map[String(x)] ?? x);
      return;
    case 'splitProperty': {
      if (!of(step.class) || !(step.from in r)) return;
      const v = r[step.from];
      delete r[step.from];
      const one = Array.isArray(v) ? v[0] : v;
      if (one === null || one === undefined) {
        for (const name of step.into) r[name] = null;
        return;
      }
      const parts = step.split ? step.split(one as Scalar) : splitValue(one as Scalar, step.into.length, step.separator);
      step.into.forEach((name, i) => {
        const part = parts[i];
        if (part !== undefined && part !== '') r[name] = part;
      });
      return;
    }
    case 'mergeProperties': {
      if (!of(step.class) || !step.from.some((p) => p in r)) return;
      const values = step.from.map((p) => r[p]);
      for (const p of step.from) delete r[p];
      if (values.every((v) => v === null)) {
        r[step.into] = null;
        return;
      }
      const defined = values.map((v) => (v === null || v === undefined ? undefined : ((Array.isArray(v) ? v[0] : v) as Scalar)));
      const merged = step.merge ? step.merge(defined) : defined.filter((v) => v !== undefined).join(step.separator ?? ' ');
      if (merged !== undefined) r[step.into] = merged;
      return;
    }
    case 'addProperty': {
      if (!of(step.class) || r[step.property] !== undefined || r['@delete'] !== undefined) return;
      if ((step.onCreateOnly ?? true) && !ctx.creates(type)) return;
      const id = typeof r.id === 'string' ? r.id : '';
      const v = step.derive ? step.derive(r as never, { id, time: ctx.time }) : step.default;
      if (v !== undefined) r[step.property] = v;
      return;
    }
    case 'moveProperty': {
      if (!of(step.class) || typeof r.id !== 'string') return;
      const keys = Object.keys(step.properties).filter((k) => k in r);
      if (keys.length === 0) return;
      const moved: Obj = { [TYPE_KEY]: step.toClass, id: movedNodeId(step, r.id) };
      for (const k of keys) {
        moved[step.properties[k] ?? k] = r[k];
        delete r[k];
      }
      r[step.via] = moved;
      return;
    }
    case 'reverseRelationship': {
      if (!(step.from in r) || typeof r.id !== 'string') return;
      const targets = r[step.from];
      delete r[step.from];
      for (const t of Array.isArray(targets) ? targets : [targets]) {
        if (isJsonObject(t)) (t as Obj)[step.to] = r.id;
        else if (typeof t === 'string') asGraph(event).push({ [TYPE_KEY]: step.targetClass, id: t, [step.to]: r.id });
      }
      return;
    }
    case 'dropClass': {
      if (!ctx.isClass(type, step.class)) return;
      if (view.parent) {
        const v = view.parent.obj[view.parent.key];
        if (Array.isArray(v)) view.parent.obj[view.parent.key] = v.filter((x) => x !== r);
        else delete view.parent.obj[view.parent.key];
      } else {
        const graph = asGraph(event);
        const i = graph.indexOf(r);
        if (i >= 0) graph.splice(i, 1);
      }
      return;
    }
    default:
      return;
  }
}
