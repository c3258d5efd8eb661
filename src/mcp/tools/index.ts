/** The tool catalogue of one ontology: publish tools per event type, the read and search tools and the coordination tools. */
import type { CompiledOntology } from '../../core/ontology/model.ts';
import { coordinationTools } from './coordination.ts';
import { publishTools } from './publish.ts';
import { readTools } from './reads.ts';
import { searchTool } from './search.ts';
import type { ToolDef } from './tool.ts';

export interface CatalogueOptions {
  /** The service runs without auth: writes take an `agent` argument. */
  readonly open: boolean;
  readonly maxResults: number;
  readonly maxHops: number;
}

export function toolCatalogue(ontology: CompiledOntology, options: CatalogueOptions): ToolDef[] {
  return [...readTools(ontology, options), searchTool(ontology), ...coordinationTools(ontology, options.open), ...publishTools(ontology, options.open)];
}

export type { ToolContext, ToolDef } from './tool.ts';
