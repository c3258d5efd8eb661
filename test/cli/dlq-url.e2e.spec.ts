/**
 * `trailgraph dlq --url`: an operator lists, shows and replays the dead letters of a running service (auth on)
 * through its /dead-letters API, instead of opening the store file behind it; agents without an operator role
 * are refused, on the API and through the CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { issueToken } from '../../src/adapters/jose/issue.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { type CliRun, runTrailgraph } from '../support/cli-process.ts';

const SECRET = 'dlq-url-test-secret-0123456789abcdef0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tg-dlq-url-'));
let serve: ServeProcess;
const tokens: Record<'admin' | 'intake' | 'observer', string> = { admin: '', intake: '', observer: '' };

const trailgraph = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runTrailgraph(args, { env });

const tokenFile = (name: keyof typeof tokens): string => {
  const path = join(dir, `${name}.jwt`);
  writeFileSync(path, tokens[name]);
  return path;
};

before(async () => {
  for (const [name, roles] of [['admin', ['admin']], ['intake', ['intake']], ['observer', ['observer']]] as const) {
    tokens[name] = await issueToken({ secret: SECRET, agent: `agent://${name}`, roles, issuer: 'trailgraph', audience: 'trailgraph' });
  }
  serve = await startServe(['--store', join(dir, 'graph.db'), '--ontology', 'ontology/referral'], { env: { TRAILGRAPH_AUTH_SECRET: SECRET, TRAILGRAPH_MODE: 'development' } });
  // One letter: a patient with a malformed birth date (a replay sends the same bytes, so it stays rejected).
  const post = (event: unknown): Promise<Response> => fetch(`${serve.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${tokens.intake}` },
    body: JSON.stringify(event),
  });
  const bad = await post({ specversion: '1.0', id: 'dlq-bad', source: 'agent://intake', type: 'PatientRegistered', subject: 'Patient/p-x', data: { '@type': 'Patient', id: 'p-x', birthDate: 'not a date' } });
  assert.equal(bad.status, 422, await bad.text());
});
after(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

void describe('dlq --url against a running service with auth on', () => {
  void test('list and show as an operator', async () => {
    const list = await trailgraph(['dlq', 'list', '--url', serve.url, '--token-file', tokenFile('admin')]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^1\tinvalid\tdlq-bad\t\/data\//m);
    assert.match(list.stdout, /1 shown, 1 in total/);
    const id = /^(\S+)\tinvalid\tdlq-bad/m.exec(list.stdout)?.[1] as string;
    const show = await trailgraph(['dlq', 'show', id, '--url', serve.url], { TRAILGRAPH_TOKEN: tokens.admin });
    assert.equal(show.code, 0, show.stderr);
    const letter = JSON.parse(show.stdout) as { eventId: string; payload: string; issues: { pointer: string }[] };
    assert.equal(letter.eventId, 'dlq-bad');
    assert.match(letter.payload, /"not a date"/, 'the payload as received');
    assert.ok(letter.issues.some((i) => i.pointer === '/data/birthDate'), JSON.stringify(letter.issues));
  });

  void test('replay of a letter that is still invalid exits 1 and keeps it', async () => {
    const r = await trailgraph(['dlq', 'replay', '1', '--url', serve.url, '--token-file', tokenFile('admin')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /✗ 1 \(dlq-bad\) still rejected: .*birthDate/);
    const again = await fetch(`${serve.url}/dead-letters/1`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    assert.equal(again.status, 200, 'still there');
  });

  void test('agents without an operator role are refused: 403 on the API, a clear message from the CLI', async () => {
    for (const who of ['intake', 'observer'] as const) {
      const res = await fetch(`${serve.url}/dead-letters`, { headers: { authorization: `Bearer ${tokens[who]}` } });
      assert.equal(res.status, 403, who);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /operator role/);
    }
    const none = await fetch(`${serve.url}/dead-letters`);
    assert.equal(none.status, 401, 'no token at all');
    const cli = await trailgraph(['dlq', 'list', '--url', serve.url, '--token-file', tokenFile('observer')]);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /refused: .*may not read dead letters/);
    const replay = await fetch(`${serve.url}/dead-letters/1/replay`, { method: 'POST', headers: { authorization: `Bearer ${tokens.intake}` } });
    assert.equal(replay.status, 403);
  });

  void test('bad arguments: 400 for ?limit, 404 for an unknown id, 405 for the wrong method', async () => {
    const auth = { authorization: `Bearer ${tokens.admin}` };
    assert.equal((await fetch(`${serve.url}/dead-letters?limit=0`, { headers: auth })).status, 400);
    assert.equal((await fetch(`${serve.url}/dead-letters/nope`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${serve.url}/dead-letters/1/replay`, { headers: auth })).status, 405);
  });
});
