import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkSameAnswers } from '../../bench/peer.ts';
import { PG_BIN, startPostgres, type PostgresCluster } from '../../bench/support/postgres-cluster.ts';
import { peerQuerySpecs, seedSql, startPostGraphile } from '../../bench/support/postgraphile.ts';
import { seededStore, shapeOf } from '../../bench/support/query-seed.ts';
import { startServe, type ServerProcess } from '../../bench/support/serve-process.ts';
import { processCpuSeconds, processTreeCpuSeconds, runWrk } from '../../bench/support/wrk.ts';

// The peer benchmark (bench/peer.ts) compares trailgraph with PostGraphile 5 on PostgreSQL: if the peer's queries
// stop matching its generated schema, or the two servers stop answering alike, its figures mean nothing. A small
// graph, both servers, every peer query once and one short wrk run check the chain in seconds. PostGraphile 5 needs
// Node ≥ 22 (CI's Node 24 pass runs this; its Node 20 pass skips it).
const why = [
  Number(process.versions.node.split('.')[0]) < 22 ? `PostGraphile 5 needs Node ≥ 22 (this is ${process.version})` : '',
  !existsSync(join(PG_BIN, 'initdb')) && process.env.CI !== 'true' ? `PostgreSQL not at ${PG_BIN} (apt-get install postgresql-15)` : '',
  spawnSync('wrk', ['--version']).error !== undefined && process.env.CI !== 'true' ? 'wrk not on PATH (apt-get install wrk)' : '',
].filter(Boolean);

void describe('peer bench driver (PostgreSQL cluster, PostGraphile 5, same answers as trailgraph)', { skip: why.join('; ') || false, timeout: 120_000 }, () => {
  const nodes = 400;
  const shape = shapeOf(nodes);
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-peer-spec-'));
  let pg: PostgresCluster | undefined;
  const servers: ServerProcess[] = [];
  let peerUrl = '';
  let peerPid = 0;
  before(async () => {
    pg = await startPostgres();
    pg.psql(seedSql(shape));
    const peer = await startPostGraphile(pg, process.execPath);
    servers.push(peer);
    peerUrl = peer.url;
    peerPid = peer.pid;
  });
  after(async () => {
    for (const s of servers) await s.stop();
    pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void test('PostgreSQL holds the seeded shape', () => {
    assert.equal(pg!.psql('SELECT count(*) FROM patient;').trim(), String(shape.patients));
    assert.equal(pg!.psql('SELECT count(*) FROM referral;').trim(), String(shape.referrals));
    assert.equal(pg!.psql("SELECT count(*) FROM referral WHERE specialty_id = 'sp-card';").trim(), String(shape.referrals));
  });

  void test('every peer query row is valid against PostGraphile\'s schema and finds its data', async () => {
    for (const q of peerQuerySpecs(shape)) {
      const body = q.body.template.replace('"$ID"', JSON.stringify(`${q.body.idPrefix ?? ''}1`));
      const res = await fetch(peerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      assert.equal(json.errors, undefined, `${q.key}: ${JSON.stringify(json.errors)}`);
      const top = Object.values(json.data ?? {})[0];
      assert.ok(top !== null && top !== undefined, `${q.key} found nothing: ${JSON.stringify(json)}`);
    }
  });

  void test('trailgraph and PostGraphile name the same referrals and GPs', async () => {
    const { path } = await seededStore(dataDir, nodes);
    const tg = await startServe({ store: path });
    servers.push(tg);
    await checkSameAnswers(tg.url, peerUrl, shape);
    assert.ok(processCpuSeconds(tg.pid) > 0);
  });

  void test('a short wrk run against the peer counts its Node process and its PostgreSQL backends', async () => {
    const oneHop = peerQuerySpecs(shape).find((q) => q.key === '1-hop')!;
    const backendsBefore = processTreeCpuSeconds(pg!.pid);
    const r = await runWrk({ url: peerUrl, body: oneHop.body, seconds: 1, connections: 2, threads: 1, serverCpu: () => processCpuSeconds(peerPid) + processTreeCpuSeconds(pg!.pid) });
    assert.ok(r.requests > 0, 'requests made');
    assert.equal(r.errors, 0, 'no GraphQL errors');
    assert.ok(r.serverCpu > 0, `server CPU ${r.serverCpu}`);
    assert.ok(processTreeCpuSeconds(pg!.pid) > backendsBefore, 'PostgreSQL backends did the reads');
  });
});
