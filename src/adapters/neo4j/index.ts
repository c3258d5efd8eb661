/** The Neo4j graph store adapter (production). */
export { createNeo4jStore, type Neo4jStoreOptions } from './store.ts';
export { schemaStatements } from './cypher/schema.ts';
export type { Statement } from './cypher/statement.ts';
