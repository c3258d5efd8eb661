/** The package's public entry points load and expose what the README names. */
import assert from 'node:assert/strict';
import { it } from 'node:test';

void it('trailgraph and trailgraph/client export the documented factories', async () => {
  const main = await import('trailgraph');
  for (const name of ['loadOntology', 'compileOntology', 'createRuntime', 'createApi', 'createSqliteStore', 'createIngestor', 'createClient', 'InvalidEventError']) {
    assert.equal(typeof (main as Record<string, unknown>)[name], 'function', name);
  }
  const client = await import('trailgraph/client');
  assert.equal(typeof client.createClient, 'function');
});
