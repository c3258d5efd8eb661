/**
 * The Neo4j test tier's tool:
 *   node --import tsx scripts/neo4j-test-server.ts prepare   resolve (and cache) the pinned Neo4j's classpath
 *   node --import tsx scripts/neo4j-test-server.ts start     run one until Ctrl-C, printing NEO4J_URI/NEO4J_PASSWORD
 * `npm run test:neo4j` runs the tests that use Neo4j against one such server.
 */
import { NEO4J_VERSION, neo4jClasspath, startNeo4jServer } from '../test/support/neo4j-server.ts';

const cmd = process.argv[2];
if (cmd === 'prepare') {
  const t = Date.now();
  const cp = neo4jClasspath();
  console.log(`neo4j ${NEO4J_VERSION}: classpath ready (${cp.split(':').length} jars, ${((Date.now() - t) / 1000).toFixed(1)} s)`);
} else if (cmd === 'start') {
  const s = await startNeo4jServer();
  console.log(`Neo4j ${s.version} up in ${(s.startMs / 1000).toFixed(1)} s\nNEO4J_URI=${s.uri}\nNEO4J_USER=${s.user}\nNEO4J_PASSWORD=${s.password}`);
  const stop = (): void => void s.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
} else {
  console.error('usage: neo4j-test-server.ts prepare|start');
  process.exit(2);
}
