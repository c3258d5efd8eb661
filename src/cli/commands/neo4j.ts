/**
 * `trailgraph neo4j schema`: prints the constraints and indexes the Neo4j store needs for an ontology, as Cypher
 * an admin can pipe into cypher-shell (the service creates them itself at start when it has schema rights).
 */
import type { Command } from 'commander';
import { loadOntology } from '../../app/ontology/ontology-loader.ts';
import { schemaStatements } from '../../adapters/neo4j/cypher/schema.ts';
import { historySchema } from '../../adapters/neo4j/cypher/history.ts';
import { createSearchIndex, searchProperties } from '../../adapters/neo4j/cypher/search.ts';

export function register(program: Command): void {
  const neo4j = program.command('neo4j').description('Neo4j store tools');
  neo4j
    .command('schema')
    .description('print the Cypher constraints and indexes for the ontology (pipe into cypher-shell)')
    .option('--ontology <dir>', 'ontology directory (a domain folder or a version folder)', 'ontology/referral')
    .addHelpText('after', '\nExample:\n  trailgraph neo4j schema --ontology ontology/referral | cypher-shell -u neo4j -p "$NEO4J_PASSWORD"\n')
    .action(async (opts: { ontology: string }) => {
      const ontology = await loadOntology(opts.ontology);
      process.stdout.write(`// trailgraph schema for ${ontology.iri} ${ontology.version}\n`);
      // Everything the store's init() creates: the ontology's constraints and indexes, the history indexes of
      // as-of reads, and the full-text index.
      for (const s of [...schemaStatements(ontology), ...historySchema()]) process.stdout.write(`${s.cypher};\n`);
      // The full-text index the store keeps for search (rebuilt by the store itself when the searchable set changes).
      if (searchProperties(ontology).length > 0) process.stdout.write(`${createSearchIndex(ontology).cypher};\n`);
    });
}
