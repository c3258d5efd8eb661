/**
 * The GraphQL questions both stores must answer identically: get (one and many), list with every filter operator
 * on every property, every sort field both ways and cursor walks, relationship connections both ways (filtered,
 * sorted, paged), counts, neighbourhoods, paths, history / ledger / event, marks and claims. Filter values are
 * taken from the data (so filters select something), chosen by a seeded PRNG.
 */
import type { GraphQLSchema } from 'graphql';
import { createRandom } from '../../src/demo/referral/synthetic.ts';
import { type ClassInfo, fullSelection, NODE_REF, PROVENANCE, rowSelection } from './selections.ts';

export interface Question {
  readonly kind: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** When set: a cursor walk — re-ask with `after` = the endCursor found at this path while hasNextPage (≤ 6 pages). */
  readonly pagePath?: readonly string[];
}

/** What the generator may pick from: each class's rows as the reference store listed them. */
export type Rows = ReadonlyMap<string, readonly Record<string, unknown>[]>;

const REL = 'type fromId toId _provenance { eventId source time seq createdSeq } from { __typename ... on Node { id } } to { __typename ... on Node { id } }';

export function questions(schema: GraphQLSchema, classes: readonly ClassInfo[], rows: Rows, seed: number): Question[] {
  const rnd = createRandom(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
  const sample = <T>(xs: readonly T[], n: number): T[] => Array.from({ length: Math.min(n, xs.length) }, () => pick(xs)!);
  const allIds = [...rows.values()].flatMap((rs) => rs.map((r) => String(r.id)));
  const out: Question[] = [];
  const q = (kind: string, query: string, variables: Record<string, unknown> = {}, pagePath?: string[]): void => {
    out.push({ kind, query, variables, ...(pagePath && { pagePath }) });
  };

  for (const c of classes) {
    const ids = (rows.get(c.type) ?? []).map((r) => String(r.id));
    const list = (kind: string, vars: Record<string, unknown>, first = 40): void => {
      const decl = ['$after: String', ...(vars.where !== undefined ? [`$where: ${c.type}Where`] : []), ...(vars.orderBy !== undefined ? [`$orderBy: ${c.type}OrderBy`] : [])];
      const args = ['after: $after', ...(vars.where !== undefined ? ['where: $where'] : []), ...(vars.orderBy !== undefined ? ['orderBy: $orderBy'] : [])];
      q(`list/${c.type}/${kind}`, `query(${decl.join(', ')}) { ${c.many}(first: ${first}, ${args.join(', ')}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${rowSelection(c)} } } } }`, vars, [c.many]);
    };

    // get: known ids of this class, ids of other classes (null or the subclass answer), an unknown id.
    for (const id of [...sample(ids, 6), ...sample(allIds, 3), 'no-such-id']) q(`get/${c.type}`, `query($id: ID!) { ${c.one}(id: $id) { ${fullSelection(schema, c.type)} } }`, { id });

    // list: unfiltered in every sort order, walked with cursors.
    list('all', {});
    for (const field of c.sortFields) for (const direction of ['ASC', 'DESC']) list(`sort:${field}:${direction}`, { orderBy: { field, direction } }, field === 'id' ? 97 : 61);

    // list: every filter key with every operator of its input type, values from the data.
    for (const [key, input] of c.where) {
      for (const where of filtersFor(key, input, rows.get(c.type) ?? [], pick)) list(`where:${key}:${Object.keys(where[key] as object).join(',')}`, { where, orderBy: { field: 'id', direction: 'DESC' } });
    }
    if (c.type === 'Referral') {
      list('where:AND', { where: { AND: [{ status: { in: ['completed', 'cancelled'] } }, { triageLevel: { ne: 'routine' } }, { followUps: { exists: true } }] } });
      list('where:combined-sorted', { where: { requiresLab: { eq: true }, reason: { contains: 'pain' } }, orderBy: { field: 'requestedAt', direction: 'DESC' } }, 5);
    }

    // relationships both ways: each connection of a few parents, sorted where possible, walked with cursors.
    for (const field of c.connections) {
      for (const id of sample(ids, 3)) {
        q(`rel/${c.type}.${field}`, `query($id: ID!, $after: String) { ${c.one}(id: $id) { id ${field}(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE_REF} ${PROVENANCE} } } } ${field}Count } }`, { id }, [c.one, field]);
      }
    }
  }
  relationshipWalks(q);
  graphQuestions(q, rows, sample, allIds);
  return out;
}

/** Filter objects for one where-key: each operator its input type offers, with values present in the data. */
function filtersFor(key: string, input: string, rows: readonly Record<string, unknown>[], pick: <T>(xs: readonly T[]) => T | undefined): Record<string, unknown>[] {
  if (input === 'RelationshipFilter') return [{ [key]: { exists: true } }, { [key]: { exists: false } }];
  if (input === 'MarkPresence') return [{ marks: [{ kind: 'needs-review' }] }, { marks: [{ kind: 'needs-review', minStrength: 0.5 }] }, { marks: [{ kind: 'needs-review', absent: true }] }];
  const values = rows.flatMap((r) => (Array.isArray(r[key]) ? (r[key] as unknown[]) : [r[key]])).filter((v) => v !== null && v !== undefined);
  const v = pick(values);
  const w = pick(values);
  if (v === undefined || w === undefined) return [{ [key]: input === 'IDFilter' ? { eq: 'none' } : { exists: true } }];
  const f = (op: Record<string, unknown>): Record<string, unknown> => ({ [key]: op });
  const common = [f({ eq: v }), f({ ne: v })];
  switch (input) {
    case 'IDFilter': return [...common, f({ in: [v, w, 'no-such-id'] }), f({ prefix: String(v).slice(0, 3) })];
    case 'StringFilter': {
      const s = String(v);
      return [...common, f({ in: [v, w] }), f({ prefix: s.slice(0, 2) }), f({ contains: s.slice(1, Math.max(2, Math.floor(s.length / 2))) }), f({ exists: true }), f({ exists: false })];
    }
    case 'BooleanFilter': return [...common, f({ exists: false })];
    default: // Int, Float, Date, DateTime
      return [...common, f({ in: [v, w] }), f({ gt: v }), f({ gte: v }), f({ lt: v }), f({ lte: v }), f({ exists: true }), f({ exists: false })];
  }
}

/** Nested connections with their own filters and sort orders (the to-many side read from the parent). */
function relationshipWalks(q: (kind: string, query: string, variables?: Record<string, unknown>, pagePath?: string[]) => void): void {
  q('rel/Specialty.referralsRequested:sorted', 'query($after: String) { specialty(id: "spec-card") { referralsRequested(first: 7, after: $after, orderBy: { field: requestedAt, direction: DESC }, where: { status: { ne: "cancelled" } }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status requestedAt } } } } }', {}, ['specialty', 'referralsRequested']);
  q('rel/Specialty.specialists', 'query($after: String) { specialty(id: "spec-derm") { specialists(first: 1, after: $after, orderBy: { field: name, direction: DESC }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { __typename id name } } } } }', {}, ['specialty', 'specialists']);
  q('rel/GeneralPractitioner.referralsMade', 'query($after: String) { generalPractitioner(id: "gp-5") { referralsMade(first: 9, after: $after, orderBy: { field: triageLevel }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id triageLevel } } } } }', {}, ['generalPractitioner', 'referralsMade']);
  q('rel/Condition.referralsFor', 'query($after: String) { condition(id: "cond-I20.9") { referralsFor(first: 6, after: $after, where: { triageLevel: { in: ["urgent", "emergency"] } }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id triageLevel } } } } }', {}, ['condition', 'referralsFor']);
  q('rel/Referral.followUps', 'query { referrals(first: 30, where: { followUps: { exists: true } }) { nodes { id followUps(first: 5) { totalCount edges { cursor node { __typename id } } } followUpsCount } } }');
}

function graphQuestions(
  q: (kind: string, query: string, variables?: Record<string, unknown>, pagePath?: string[]) => void,
  rows: Rows, sample: <T>(xs: readonly T[], n: number) => T[], allIds: readonly string[],
): void {
  const ids = (t: string): string[] => (rows.get(t) ?? []).map((r) => String(r.id));
  q('nodes', `query($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_REF} ... on Node { _labels ${PROVENANCE} } } }`, { ids: [...sample(allIds, 40), 'no-such-id'] });
  for (const id of [...sample(ids('Referral'), 6), ...sample(ids('Specialty'), 2), ...sample(ids('Patient'), 3), 'gp-2', 'sp-card-2']) {
    for (const hops of [1, 2, 3]) {
      q('neighbourhood', `query($id: ID!, $hops: Int) { neighbourhood(id: $id, hops: $hops) { truncated nodes { distance node { ${NODE_REF} } } relationships { ${REL} } } }`, { id, hops });
    }
    q('neighbourhood:via', `query($id: ID!) { neighbourhood(id: $id, hops: 2, via: [forPatient, referredTo, hasSpecialty]) { truncated nodes { distance node { ${NODE_REF} } } relationships { ${REL} } } }`, { id });
    q('neighbourhood:limit', `query($id: ID!) { neighbourhood(id: $id, hops: 3, limit: 7) { truncated nodes { distance node { ${NODE_REF} } } relationships { ${REL} } } }`, { id });
  }
  const pairs: [string, string][] = [];
  for (const r of rows.get('Referral')?.slice(0, 400) ?? []) if (pairs.length < 8 && typeof r.id === 'string') pairs.push([r.id, 'spec-card']);
  pairs.push(['gp-1', 'gp-2'], ['p-0001', 'spec-derm'], ['sp-card-1', 'p-0003'], ['p-0002', 'no-such-id'], ['p-0004', 'p-0004']);
  for (const [from, to] of pairs) {
    for (const maxHops of [2, 4]) q('paths', `query($from: ID!, $to: ID!, $maxHops: Int) { paths(from: $from, to: $to, maxHops: $maxHops, limit: 6) { length nodes { ${NODE_REF} } relationships { ${REL} } } }`, { from, to, maxHops });
    q('paths:via', `query($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxHops: 4, via: [requestedSpecialty, forPatient, referredBy]) { length nodes { ${NODE_REF} } relationships { type fromId toId } } }`, { from, to });
  }
  q('headSeq', '{ headSeq }');
  const entry = 'seq kind eventId type source time subject traceparent correlationid causationid changes event';
  for (let after = 0; after < 8000; after += 250) q('ledger', `query($after: Int) { ledger(after: $after, first: 250) { ${entry} } }`, { after });
  for (const id of ['request-r-0001', 'reg-p-0002', 'refine-sp-card-2', 'bad-0', 'no-such-event']) q('event', `query($id: ID!) { event(id: $id) { ${entry} } }`, { id });
  for (const id of sample(allIds, 12)) q('history', `query($id: ID!) { node(id: $id) { id history(first: 3, after: 2) { seq eventId changes } all: history(first: 200) { seq eventId type changes } } }`, { id });
  for (const id of sample(ids('Referral'), 10)) {
    q('marks', `query($id: ID!) { node(id: $id) { id needs: marks(kind: "needs-review") { id kind strength agent } strong: marks(minStrength: 0.5) { id kind strength } claims { nodeId purpose agent token expiresAt grantedAt } } }`, { id });
  }
}
