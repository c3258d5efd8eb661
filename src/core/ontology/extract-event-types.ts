/**
 * Event types, declared with the trailgraph vocabulary (`ontology/trailgraph.ttl`):
 * `tg:creates` / `tg:asserts` / `tg:deletes` classes, `tg:assertsProperty` / `tg:retracts` properties,
 * one `tg:aggregate` class. Domain teams add an event type by editing Turtle, not code.
 */
import type { OntologySpec } from './build.ts';
import type { CompileContext } from './compile-context.ts';
import { readDocs, isDocumentation, unsupported } from './extract-docs.ts';
import { RDF, TG } from './vocabulary.ts';

type EventTypeSpec = NonNullable<OntologySpec['eventTypes']>[string];

const CLASS_LISTS = { [TG.creates]: 'creates', [TG.asserts]: 'asserts', [TG.deletes]: 'deletes' } as const;
const PROPERTY_LISTS = { [TG.assertsProperty]: 'assertsProperties', [TG.retracts]: 'retracts' } as const;

export function extractEventTypes(ctx: CompileContext): Record<string, EventTypeSpec> {
  const eventTypes: Record<string, EventTypeSpec> = {};
  for (const decl of ctx.declared.values()) {
    if (decl.kind !== 'eventType') continue;
    const lists = { creates: [] as string[], asserts: [] as string[], deletes: [] as string[], assertsProperties: [] as string[], retracts: [] as string[] };
    let aggregate: string | undefined;
    let ok = true;
    for (const t of ctx.index.about(decl.subject)) {
      const p = t.predicate.value;
      const classList = CLASS_LISTS[p as keyof typeof CLASS_LISTS];
      const propertyList = PROPERTY_LISTS[p as keyof typeof PROPERTY_LISTS];
      if (classList) {
        const c = ctx.classRef(t.object, t, ctx.short(t.predicate));
        if (c === undefined) ok = false;
        else if (c !== null && !lists[classList].includes(c)) lists[classList].push(c);
      } else if (propertyList) {
        const prop = ctx.propertyRef(t.object, t, ctx.short(t.predicate));
        if (!prop) ok = false;
        else if (!lists[propertyList].includes(prop.name)) lists[propertyList].push(prop.name);
      } else if (p === TG.aggregate) {
        const c = ctx.classRef(t.object, t, 'tg:aggregate');
        if (aggregate !== undefined) ctx.error(`event type ${decl.name} has several tg:aggregate; an event has one aggregate`, t, ctx.short(decl.subject));
        else if (c) aggregate = c;
        else ok = false;
      } else if (p === RDF.type) {
        if (t.object.value !== TG.EventType) unsupported(ctx, t);
      } else if (!isDocumentation(ctx, p)) {
        unsupported(ctx, t);
      }
    }
    if (!ok) continue;
    if (lists.creates.length + lists.asserts.length + lists.deletes.length === 0) {
      ctx.error(`event type ${decl.name} declares no tg:creates, tg:asserts or tg:deletes: it could change nothing`, decl.location, ctx.short(decl.subject));
      continue;
    }
    eventTypes[decl.name] = {
      iri: decl.iri,
      location: decl.location,
      ...readDocs(ctx, decl.subject),
      asserts: lists.asserts,
      creates: lists.creates,
      deletes: lists.deletes,
      assertsProperties: lists.assertsProperties,
      retracts: lists.retracts,
      ...(aggregate !== undefined && { aggregate }),
    };
  }
  return eventTypes;
}
