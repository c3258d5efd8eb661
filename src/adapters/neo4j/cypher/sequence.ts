/**
 * Several write statements as one: each becomes a `CALL () { … }` unit subquery, in order, its parameters renamed
 * `s<i>_<name>` so that two statements' `$rows` stay apart. A batch's writes then cost one round trip instead of one
 * each — on a busy machine each round trip waits for both processes to be scheduled, which cost more than the
 * writes themselves (bench/RESULTS.md, "Projection into Neo4j: statement cuts").
 *
 * The subqueries run one after another for the single driving row, so a later one sees what an earlier one wrote,
 * exactly as separate statements of one transaction would.
 */
import type { Statement } from './statement.ts';

/** Cypher parameter references. Builders write no `$` anywhere else: names are IDENT-checked, values are params. */
const PARAM = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * One statement running `statements` in order. Each must be a write statement without RETURN (a unit subquery
 * returns nothing); an empty list gives undefined.
 */
export function inSequence(statements: readonly Statement[]): Statement | undefined {
  if (statements.length === 0) return undefined;
  if (statements.length === 1) return statements[0];
  const params: Record<string, unknown> = {};
  const parts = statements.map((s, i) => {
    for (const [k, v] of Object.entries(s.params)) params[`s${i}_${k}`] = v;
    return `CALL () { ${s.cypher.replace(PARAM, (_, name: string) => `$s${i}_${name}`)} }`;
  });
  return { cypher: parts.join(' '), params };
}
