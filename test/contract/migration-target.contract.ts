/**
 * The migration-target contract (src/ports/migration-target.ts), run on every adapter. The rulebook is core's
 * `rewriteNode` and `stepScope`: for each kind of step, the graph a target leaves must be what those pure functions
 * say of the graph it started from — read back through the GraphStore port, so the check is the same for every
 * store. Each step also proves the port's promises:
 * - the dry run counts what the run then touches (and creates), and writes nothing;
 * - batches of 2 record their progress in the store, and a run resumed from the progress read back ends the same;
 * - a re-run of a finished step changes nothing and touches nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteNode } from '../../src/core/migrations/node-rewrite.ts';
import { planSteps, type PlannedStep } from '../../src/core/migrations/plan.ts';
import type { MigrationStep, NodeImage } from '../../src/core/migrations/steps.ts';
import { buildOntology } from '../../src/core/ontology/build.ts';
import { labelsOf, type CompiledOntology } from '../../src/core/ontology/model.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import type { MigrationTarget, StepProgress } from '../../src/ports/migration-target.ts';
import { clinicSpec, CLINIC_IRI } from '../fixtures/clinic-ontology.ts';
import { changeSet, link, upsert } from './change-sets.ts';

/** An empty store of one kind and its migration target. */
export interface MigrationFixture {
  readonly store: GraphStore;
  readonly target: MigrationTarget;
  close(): Promise<void>;
}

const spec = clinicSpec();
/** Version 2: version 1 plus every name the steps below introduce. */
const v2: CompiledOntology = buildOntology({
  ...spec,
  version: '2.0.0',
  versionIri: `${CLINIC_IRI}/2.0.0`,
  classes: { ...spec.classes, Consultant: { superClasses: ['Practitioner'] }, Insurance: {} },
  datatypeProperties: {
    ...spec.datatypeProperties,
    triageLevel: { domain: ['Referral'], range: 'string', functional: true },
    givenName: { domain: ['Patient'], range: 'string', functional: true },
    familyName: { domain: ['Patient'], range: 'string', functional: true },
    summary: { domain: ['Referral'], range: 'string', functional: true },
    channel: { domain: ['Referral'], range: 'string', functional: true },
    urgent: { domain: ['Referral'], range: 'boolean', functional: true },
    state: { domain: ['Insurance'], range: 'string', functional: true },
  },
  objectProperties: {
    ...spec.objectProperties,
    insurance: { domain: ['Referral'], range: 'Insurance', functional: true },
    hasReferral: { domain: ['Patient'], range: 'Referral' },
    sentBy: { domain: ['Referral'], range: 'Practitioner', functional: true },
  },
});

const STEPS: Record<string, MigrationStep> = {
  renameClass: { kind: 'renameClass', from: 'Specialist', to: 'Consultant' },
  renameProperty: { kind: 'renameProperty', class: 'Referral', from: 'priority', to: 'triageLevel' },
  splitProperty: { kind: 'splitProperty', class: 'Patient', from: 'name', into: ['givenName', 'familyName'] },
  mergeProperties: { kind: 'mergeProperties', class: 'Referral', from: ['reason', 'status'], into: 'summary', separator: ' / ' },
  addPropertyDefault: { kind: 'addProperty', class: 'Referral', property: 'channel', default: 'fax' },
  addPropertyDerived: { kind: 'addProperty', class: 'Referral', property: 'urgent', derive: (p) => p.priority === 'urgent' },
  mapValues: { kind: 'mapValues', class: 'Referral', property: 'priority', map: { emergency: 'urgent' } },
  moveProperty: { kind: 'moveProperty', class: 'Referral', properties: { status: 'state' }, toClass: 'Insurance', via: 'insurance' },
  dropProperty: { kind: 'dropProperty', class: 'Referral', property: 'score' },
  dropClass: { kind: 'dropClass', class: 'Specialty' },
  reverseRelationship: { kind: 'reverseRelationship', from: 'forPatient', to: 'hasReferral', targetClass: 'Patient' },
  renameRelationship: { kind: 'renameRelationship', from: 'referredBy', to: 'sentBy' },
  custom: { kind: 'custom', description: 'names in capitals', class: 'Patient', node: (n) => ({ ...n, properties: { ...n.properties, name: String(n.properties.name).toUpperCase() } }) },
};

const PRIORITIES = ['routine', 'urgent', 'emergency'];
const REFERRALS = 7;
const SEEDED = ['p-1', 'p-2', 'p-3', 'spec-1', 'spec-2', 's-1', 's-2', 'g-1', ...Array.from({ length: REFERRALS }, (_, k) => `r-${k + 1}`)];
/** Seeded ids and the ids of nodes a step may create (moveProperty's `<owner>-Insurance`). */
const IDS = [...SEEDED, ...SEEDED.map((id) => `${id}-Insurance`)];

/** Patients (one with a one-word name), practitioners of two classes, specialties, and referrals linking them. */
async function seed(store: GraphStore): Promise<void> {
  // Opened on version 2 from the start, so reads know the names steps introduce; the seed uses version 1's names
  // only, and version 2 holds all of them. (One init per store: on Neo4j a changed searchable set rebuilds an index.)
  await store.init(v2);
  const people = [
    upsert('Patient/p-1', { name: 'Ann van Lee' }), upsert('Patient/p-2', { name: 'Bo Chen' }), upsert('Patient/p-3', { name: 'Cy' }),
    upsert('Specialty/spec-1', { code: 'CAR' }), upsert('Specialty/spec-2', { code: 'DER' }),
    upsert('Specialist/s-1', { name: 'Dr A', capacity: 3 }), upsert('Specialist/s-2', { name: 'Dr B' }),
    upsert('GeneralPractitioner/g-1', { name: 'Dr G' }),
    link('hasSpecialty', 'Specialist/s-1', 'Specialty/spec-1'), link('hasSpecialty', 'Specialist/s-2', 'Specialty/spec-2'),
  ];
  const referrals = Array.from({ length: REFERRALS }, (_, k) => {
    const i = k + 1;
    const r = `Referral/r-${i}`;
    return changeSet(`seed-r-${i}`, [
      upsert(r, { reason: `reason ${i}`, priority: PRIORITIES[k % 3]!, ...(i % 2 === 1 && { status: 'requested' }), ...(i <= 2 && { score: 3 }) }),
      link('forPatient', r, `Patient/p-${(k % 3) + 1}`),
      link('requestedSpecialty', r, `Specialty/spec-${(k % 2) + 1}`),
      link('referredBy', r, 'GeneralPractitioner/g-1'),
      ...(i === 1 ? [link('referredTo', r, 'Specialist/s-1')] : []),
    ]);
  });
  await store.applyBatch([changeSet('seed-people', people), ...referrals]);
}

interface Graph {
  readonly nodes: Map<string, NodeImage>;
  readonly rels: Set<string>;
}

const relKey = (type: string, from: string, to: string): string => `${from} -${type}-> ${to}`;

/** The whole graph through the GraphStore port: every node by id, every relationship of a type `o` knows. */
async function readGraph(store: GraphStore, o: CompiledOntology): Promise<Graph> {
  const ids = IDS;
  const nodes = new Map<string, NodeImage>();
  for (const [id, n] of await store.getNodes([...ids])) nodes.set(id, { id, class: n.class, labels: [...n.labels].sort(), properties: n.properties });
  const rels = new Set<string>();
  for (const [type, def] of o.properties) {
    if (def.kind !== 'object') continue;
    const related = await store.related({ ids: [...nodes.keys()], type, direction: 'out', first: 1000 });
    for (const [from, page] of related) for (const { node } of page.items) rels.add(relKey(type, from, node.id));
  }
  return { nodes, rels };
}

/** What core's rules say `step` makes of `before`. */
function expected(step: PlannedStep, before: Graph): Graph {
  const nodes = new Map(before.nodes);
  let rels = new Set(before.rels);
  const scope = step.scope;
  if (scope.scope === 'relationships') {
    rels = new Set([...before.rels].map((r) => {
      const [from, type, to] = r.split(/ -(.+)-> /) as [string, string, string];
      if (type !== scope.type) return r;
      return scope.reverse ? relKey(scope.to, to, from) : relKey(scope.to, from, to);
    }));
  } else if (scope.scope === 'nodes') {
    const ctx = { labelsOf: (c: string) => labelsOf(v2, c), time: '2026-11-21T09:00:00Z' };
    for (const node of before.nodes.values()) {
      if (scope.label !== undefined && !node.labels.includes(scope.label)) continue;
      const r = rewriteNode(step.step, node, ctx);
      if (r.node === null) {
        nodes.delete(node.id);
        rels = new Set([...rels].filter((x) => !x.startsWith(`${node.id} -`) && !x.endsWith(`-> ${node.id}`)));
      } else if (r.node) nodes.set(node.id, r.node);
      for (const c of r.create ?? []) {
        const had = nodes.get(c.id);
        nodes.set(c.id, had ? { ...had, properties: { ...had.properties, ...c.properties } } : c);
      }
      for (const l of r.relate ?? []) rels.add(relKey(l.type, l.from, l.to));
    }
  }
  const sorted = new Map([...nodes].map(([id, n]) => [id, { ...n, labels: [...n.labels].sort() }]));
  return { nodes: sorted, rels };
}

/** Runs `step` to the end with `target`, `size` per batch, from `from`. */
async function runToEnd(target: MigrationTarget, step: PlannedStep, size: number, from?: StepProgress): Promise<{ progress: StepProgress; batches: number }> {
  let progress = from;
  let batches = 0;
  do {
    progress = await target.runBatch(step, progress, size, v2);
    batches++;
    assert.ok(batches < 100, 'the step ends');
  } while (!progress.done);
  return { progress, batches };
}

/**
 * The full-text index follows the rewrite: every word of a searchable property of the graph finds exactly the
 * nodes that have it (migrations write nodes outside the projection; the index must not be left behind).
 */
async function assertSearch(store: GraphStore, g: Graph, what: string): Promise<void> {
  const searchable = [...v2.properties.values()].filter((p) => p.kind === 'datatype' && p.searchable).map((p) => p.name);
  const holders = new Map<string, Set<string>>();
  for (const n of g.nodes.values()) {
    for (const p of searchable) {
      const v = n.properties[p];
      for (const s of Array.isArray(v) ? v : [v]) {
        if (typeof s !== 'string') continue;
        for (const w of s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) holders.set(w, (holders.get(w) ?? new Set()).add(n.id));
      }
    }
  }
  assert.ok(holders.size > 0, `${what}: the graph has searchable text`);
  for (const [word, ids] of holders) {
    const hits = (await store.search({ text: `"${word}"`, first: 100 })).items.map((i) => i.node.id).filter((id) => IDS.includes(id));
    assert.deepEqual(hits.sort(), [...ids].sort(), `${what}: search "${word}"`);
  }
}

const sortedNodes = (g: Graph): NodeImage[] => [...g.nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
const assertGraph = (actual: Graph, want: Graph, what: string): void => {
  assert.deepEqual(sortedNodes(actual), sortedNodes(want), `${what}: nodes`);
  assert.deepEqual([...actual.rels].sort(), [...want.rels].sort(), `${what}: relationships`);
};

export function migrationTargetContract(kind: string, make: () => Promise<MigrationFixture>): void {
  void describe(`migration target contract (${kind})`, () => {
    /** A seeded store, the graph read back (with the ids a step may create), and the planned step. */
    const setUp = async (name: string): Promise<{ f: MigrationFixture; step: PlannedStep; before: Graph }> => {
      const f = await make();
      await seed(f.store);
      const [step] = planSteps([{ from: '1.0.0', to: '2.0.0', steps: [STEPS[name]!] }]);
      const before = await readGraph(f.store, v2);
      assert.equal(before.nodes.size, SEEDED.length, 'seeded');
      return { f, step: step!, before };
    };

    void it('counts nodes by label and relationships by type', async () => {
      const f = await make();
      try {
        await seed(f.store);
        const t = f.target;
        assert.equal(await t.countNodes('Referral'), REFERRALS);
        assert.equal(await t.countNodes('Practitioner'), 3);
        assert.equal(await t.countNodes(), REFERRALS + 8);
        assert.equal(await t.countRelationships('forPatient'), REFERRALS);
        assert.equal(await t.countRelationships('referredTo'), 1);
        assert.equal(await t.progress(planSteps([{ from: '1.0.0', to: '2.0.0', steps: [STEPS.renameClass!] }])[0]!), undefined, 'no progress before the first batch');
      } finally {
        await f.close();
      }
    });

    for (const name of Object.keys(STEPS)) {
      void it(`${name}: leaves what core's rules say, counted by the dry run, in batches that resume and re-run to no effect`, async () => {
        const { f, step, before } = await setUp(name);
        try {
          const want = expected(step, before);
          assert.notDeepEqual([sortedNodes(want), [...want.rels].sort()], [sortedNodes(before), [...before.rels].sort()], 'the case changes something');

          const [estimate] = await f.target.estimate([step], v2);
          assertGraph(await readGraph(f.store, v2), before, 'a dry run writes nothing');

          // One batch, then the run goes on from the progress read back from the store, as a restarted process does.
          const first = await f.target.runBatch(step, undefined, 2, v2);
          const resumedFrom = await f.target.progress(step);
          assert.deepEqual(resumedFrom, first, 'progress is recorded with the batch');
          const { progress } = first.done ? { progress: first } : await runToEnd(f.target, step, 2, resumedFrom);
          assert.equal(progress.done, true);
          assert.deepEqual(await f.target.progress(step), progress, 'the finished step is recorded done');

          assertGraph(await readGraph(f.store, v2), want, name);
          await assertSearch(f.store, want, name);
          assert.equal(progress.touched, estimate?.touched, 'the dry run counted what the run touched');
          const created = [...want.nodes.keys()].filter((id) => !before.nodes.has(id)).length;
          assert.equal(estimate?.created ?? 0, created, 'the dry run counted the nodes the run created');

          const again = await runToEnd(f.target, step, 2);
          assert.equal(again.progress.touched, 0, 'a re-run touches nothing');
          assertGraph(await readGraph(f.store, v2), want, `${name} re-run`);
        } finally {
          await f.close();
        }
      });
    }
  });
}
