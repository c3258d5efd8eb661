/** `trailgraph ontology check` as a user runs it: a real process, exit codes, file:line in the output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { lineOf } from './helpers.ts';

function trailgraph(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/trailgraph.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

void describe('trailgraph ontology check', () => {
  void it('describes the referral ontology and exits 0', () => {
    const r = trailgraph('ontology', 'check', 'ontology/referral/v1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ontology https:\/\/trailgraph\.dev\/ontology\/referral version 1\.0\.0/);
    assert.match(r.stdout, /^ {2}Specialist ⊂ Practitioner$/m);
    assert.match(r.stdout, /^ {2}forPatient: Referral → Patient \(functional; inverse referrals\)$/m);
    assert.match(r.stdout, /^ {2}ReferralAccepted: aggregate Referral; asserts Referral; properties status, referredTo$/m);
    assert.match(r.stdout, /problems: 0 error\(s\), 0 warning\(s\)/);
  });

  void it('exits 1 on a broken ontology and names file:line for every problem', () => {
    const file = 'test/fixtures/ontologies/broken-clinic/v1/clinic.ttl';
    const text = readFileSync(file, 'utf8');
    const r = trailgraph('ontology', 'check', 'test/fixtures/ontologies/broken-clinic');
    assert.equal(r.code, 1);
    assert.ok(r.stdout.includes(`${file}:${lineOf(text, 'rdfs:range ex:Patinet')}: error: range ex:Patinet is not a declared class`), r.stdout);
    assert.ok(r.stdout.includes(`${file}:${lineOf(text, 'owl:disjointWith')}: warning:`), r.stdout);
    assert.match(r.stdout, /1 error\(s\), 2 warning\(s\)/);
  });

  void it('exits 1 on a Turtle syntax error, at its line', () => {
    const r = trailgraph('ontology', 'check', 'test/fixtures/ontologies/syntax-error.ttl');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /syntax-error\.ttl:6: error: Turtle syntax error/);
  });

  void it('warnings alone do not fail: a real W3C ontology exits 0; --json gives a machine-readable report', () => {
    const r = trailgraph('ontology', 'check', '--json', 'test/fixtures/ontologies/w3c-org.ttl');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { ok: boolean; version: string; classes: { name: string }[]; diagnostics: { severity: string; location: { line: number } }[] };
    assert.equal(report.ok, true);
    assert.equal(report.version, '0.7');
    assert.ok(report.classes.some((c) => c.name === 'Organization'));
    assert.ok(report.diagnostics.length > 0 && report.diagnostics.every((d) => d.severity === 'warning' && d.location.line > 0));
  });

  void it('says what to do for a path that does not exist', () => {
    const r = trailgraph('ontology', 'check', 'ontology/nope');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ontology\/nope does not exist; pass ontology\/<domain>/);
  });
});
