/**
 * The schema extensions a running service adds to the generated schema: the marks layer, the causal process view,
 * and the fields the last migration renamed, kept as deprecated aliases. `serve`, the demo and `ontology sdl` all take them from here, so
 * what is printed is what is served.
 */
import type { FieldAlias } from '../core/migrations/aliases.ts';
import type { CompiledOntology } from '../core/ontology/model.ts';
import type { MarkFeed } from '../ports/mark-feed.ts';
import { createMarksExtension } from './marks/index.ts';
import { createProcessExtension } from './process/index.ts';
import { deprecatedAliasesExtension } from './schema/deprecated-aliases.ts';
import type { SchemaExtension } from './schema/index.ts';

export interface ServiceSchemaOptions {
  /** Where mark subscriptions get their marks. */
  readonly feed: MarkFeed;
  /** Renamed fields still readable under their old names (from the ontology's evolution). */
  readonly deprecatedAliases?: readonly FieldAlias[];
}

/** The extensions of the served schema, in the order they are applied. */
export function serviceExtensions(ontology: CompiledOntology, { feed, deprecatedAliases = [] }: ServiceSchemaOptions): SchemaExtension[] {
  return [
    createMarksExtension({ feed }),
    createProcessExtension(),
    ...(deprecatedAliases.length ? [deprecatedAliasesExtension(ontology, deprecatedAliases)] : []),
  ];
}
