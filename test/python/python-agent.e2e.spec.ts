/**
 * docs/python.md's agent (examples/python/triage_agent.py) against a live `trailgraph serve`: it subscribes over
 * SSE, claims each new referral, publishes ReferralTriaged and releases — with requests + sseclient-py installed
 * from PyPI into a cached venv. Outside CI, no python3/venv/PyPI skips with the reason; in CI it fails.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'python');

/** A venv with the example's requirements, cached by their hash; a reason string when it cannot be made. */
function pythonWithRequirements(): string | { reason: string } {
  const requirements = readFileSync(join(EXAMPLE, 'requirements.txt'), 'utf8');
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const venv = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trailgraph', `python-agent-${hash}`);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.complete'))) return python;
  const make = spawnSync('python3', ['-m', 'venv', '--clear', venv], { encoding: 'utf8' });
  if (make.status !== 0) return { reason: `python3 -m venv failed: ${make.error?.message ?? make.stderr.trim()}` };
  const pip = spawnSync(python, ['-m', 'pip', 'install', '-q', '-r', join(EXAMPLE, 'requirements.txt')], { encoding: 'utf8', timeout: 300_000 });
  if (pip.status !== 0) return { reason: `pip install failed: ${pip.stderr.trim().split('\n').slice(-3).join(' ')}` };
  spawnSync(python, ['-c', `open(${JSON.stringify(join(venv, '.complete'))}, "w").close()`]);
  return python;
}

const python = pythonWithRequirements();
const skip = typeof python === 'string' || process.env.CI === 'true' ? false : python.reason;

void describe('the Python agent from docs/python.md against a live server', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-python-'));
  let serve: ChildProcess | undefined;
  let url = '';
  before(async () => {
    assert.equal(typeof python, 'string', typeof python === 'string' ? '' : python.reason);
    serve = spawn(process.execPath, [join(ROOT, 'bin', 'trailgraph.js'), 'serve', '--port', '0', '--store', join(dir, 'graph.db'), '--ontology', join(ROOT, 'ontology', 'referral'), '--queries', join(ROOT, 'queries')], {
      env: { ...process.env, TRAILGRAPH_MODE: 'development', TRAILGRAPH_NATS_URL: '', TRAILGRAPH_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    serve.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    serve.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!url) {
      url = /(http:\/\/[\d.:]+)\/graphql/.exec(output)?.[1] ?? '';
      if (Date.now() > deadline || serve.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(() => {
    serve?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const referral = (id: string) => ({
    specversion: '1.0', id: `req-${id}`, source: 'agent://intake', type: 'ReferralRequested', subject: `Referral/${id}`, time: '2026-11-21T09:00:00Z',
    data: {
      '@type': 'Referral', id, reason: 'Chest pain on exertion', triageLevel: 'routine', status: 'requested', requestedAt: '2026-11-21T09:00:00Z',
      forPatient: { '@type': 'Patient', id: `p-${id}`, name: 'Ann Lee', birthDate: '1970-02-03', mrn: 'MRN-000001' },
      referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
      requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
    },
  });

  void test('subscribes over SSE, claims each new referral, publishes ReferralTriaged, releases', async () => {
    const agent = spawn(python as string, [join(EXAMPLE, 'triage_agent.py'), '--url', url, '--agent', 'agent://triage-py', '--count', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let buffered = '';
    agent.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    agent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => agent.once('exit', r));
    try {
      const deadline = Date.now() + 60_000;
      while (!lines.some((l) => l.ready)) {
        if (Date.now() > deadline || agent.exitCode !== null) throw new Error(`agent did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const id of ['r-py-1', 'r-py-2']) {
        const res = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(referral(id)) });
        assert.equal(res.status, 201, await res.text());
      }
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 90_000)))]);
      clearTimeout(timer);
      assert.equal(code, 0, `agent exit ${String(code)}: ${stderr}`);
    } finally {
      if (agent.exitCode === null) agent.kill('SIGKILL');
    }
    const triaged = lines.filter((l) => l.triaged);
    assert.deepEqual(triaged.map((l) => [l.triaged, l.status]), [['r-py-1', 'applied'], ['r-py-2', 'applied']]);
    assert.ok(triaged.every((l) => typeof l.token === 'number' && typeof l.seq === 'number'));
    const body = (await (await fetch(`${url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ a: referral(id: "r-py-1") { triageLevel history { type source } } b: referral(id: "r-py-2") { triageLevel } }' }),
    })).json()) as { data: { a: { triageLevel: string; history: { type: string; source: string }[] }; b: { triageLevel: string } } };
    assert.equal(body.data.a.triageLevel, 'soon');
    assert.equal(body.data.b.triageLevel, 'soon');
    assert.ok(body.data.a.history.some((h) => h.type === 'ReferralTriaged' && h.source === 'agent://triage-py'));
  });
});
