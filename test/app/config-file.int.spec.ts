/** trailgraph.config.json: the lowest settings layer (file < environment < flags), paths relative to the file. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { applyConfigFile, readConfigFile } from '../../src/service/config-file.ts';
import { loadConfig } from '../../src/service/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

void describe('trailgraph.config.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (value: unknown, name = 'trailgraph.config.json'): string => {
    const file = join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  void it('maps keys to TRAILGRAPH_* and resolves paths against the file, URLs untouched', () => {
    write({ ontology: 'ontology/clinic', store: 'neo4j://db:7687', url: 'http://127.0.0.1:4000', port: 4100 });
    assert.deepEqual(readConfigFile({}, dir), {
      TRAILGRAPH_ONTOLOGY: join(dir, 'ontology/clinic'), TRAILGRAPH_STORE: 'neo4j://db:7687', TRAILGRAPH_URL: 'http://127.0.0.1:4000', TRAILGRAPH_PORT: '4100',
    });
  });

  void it('the environment beats the file and flags beat both', () => {
    write({ ontology: 'ontology/clinic', store: 'from-file.db' });
    const env: NodeJS.ProcessEnv = { TRAILGRAPH_STORE: 'from-env.db' };
    applyConfigFile(env, dir);
    assert.equal(env.TRAILGRAPH_STORE, 'from-env.db');
    assert.equal(env.TRAILGRAPH_ONTOLOGY, join(dir, 'ontology/clinic'));
    const config = loadConfig({ store: 'from-flag.db' }, env);
    assert.deepEqual(config.store, { kind: 'sqlite', path: 'from-flag.db' });
    assert.equal(config.ontologyDir, join(dir, 'ontology/clinic'));
  });

  void it('TRAILGRAPH_CONFIG names another file; a missing one is an error, no file at all is not', () => {
    mkdirSync(join(dir, 'conf'), { recursive: true });
    write({ store: 'x.db' }, 'conf/other.json');
    assert.deepEqual(readConfigFile({ TRAILGRAPH_CONFIG: 'conf/other.json' }, dir), { TRAILGRAPH_STORE: join(dir, 'conf', 'x.db') });
    assert.throws(() => readConfigFile({ TRAILGRAPH_CONFIG: 'nope.json' }, dir), (e: unknown) => e instanceof ConfigError && e.setting === 'TRAILGRAPH_CONFIG');
    const empty = mkdtempSync(join(tmpdir(), 'tg-config-none-'));
    assert.deepEqual(readConfigFile({}, empty), {});
    rmSync(empty, { recursive: true, force: true });
  });

  void it('bad JSON and unknown keys are located errors naming the file (and the key)', () => {
    const file = write('{ "ontology": ');
    assert.throws(() => readConfigFile({}, dir), (e: unknown) => e instanceof ConfigError && e.setting === file && /not valid JSON/.test(e.message));
    write({ ontolgy: 'x' });
    assert.throws(() => readConfigFile({}, dir), (e: unknown) => e instanceof ConfigError && /ontolgy/.test(e.message) && e.message.startsWith(file));
  });
});
