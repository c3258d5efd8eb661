/** The CI check refuses a breaking version step without a migration, and accepts it with one (JSON form). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'tg-ci-'));
after(() => rmSync(root, { recursive: true, force: true }));

cpSync('ontology/trailgraph.ttl', join(root, 'ontology', 'trailgraph.ttl'));
cpSync('ontology/referral/v1', join(root, 'ontology', 'clinic', 'v1'), { recursive: true });
cpSync('ontology/referral/v2', join(root, 'ontology', 'clinic', 'v2'), { recursive: true });

const check = () =>
  spawnSync(process.execPath, ['--import', 'tsx', resolve('scripts/check-ontology-steps.ts'), join(root, 'ontology')], { encoding: 'utf8' });

void test('a BREAKING step without a migration fails CI and says which file to add', () => {
  const res = check();
  assert.equal(res.status, 1, res.stdout + res.stderr);
  assert.match(res.stderr, /clinic v1 \(1\.0\.0\) → v2 \(2\.0\.0\) is BREAKING and has no migration: add migrations\/clinic\/v1-to-v2\.ts/);
});

void test('a migration that handles only part of the breaking changes still fails, naming what is missing', () => {
  mkdirSync(join(root, 'migrations', 'clinic'), { recursive: true });
  writeFileSync(join(root, 'migrations', 'clinic', 'v1-to-v2.json'), JSON.stringify({
    from: '1.0.0', to: '2.0.0', steps: [{ kind: 'renameProperty', class: 'Referral', from: 'priority', to: 'triageLevel' }],
  }));
  const res = check();
  assert.equal(res.status, 1);
  assert.match(res.stderr, /not handled by any migration step: propertyRemoved insuranceStatus/);
  assert.doesNotMatch(res.stderr, /priority/);
});

void test('with a complete migration the step passes', () => {
  writeFileSync(join(root, 'migrations', 'clinic', 'v1-to-v2.json'), JSON.stringify({
    from: '1.0.0', to: '2.0.0', steps: [
      { kind: 'renameProperty', class: 'Referral', from: 'priority', to: 'triageLevel' },
      { kind: 'moveProperty', class: 'Referral', properties: { insuranceStatus: 'status', insuranceNote: 'note' }, toClass: 'InsuranceVerification', via: 'hasInsuranceVerification' },
    ],
  }));
  const res = check();
  assert.equal(res.status, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /BREAKING .* migration with 2 step\(s\)/);
  assert.match(res.stdout, /ontology steps: ok/);
});
