/**
 * Several write statements as one: each becomes a `CALL () { … }` unit subquery, in order, its parameters renamed
 * `s<i>_<name>` so that two statements' `$rows` stay apart. A batch's writes then cost one round trip instead of one
 * each — on a busy machine each round trip waits for both processes to be scheduled, which cost more than the
 * writes themselves (bench/RESULTS.md, "Projection into Neo4j: statement cuts").
 *
 * The subqueries run one after another for the single driving row, so a later one sees what an earlier one wrote,
 * exactly as separate statements of one transaction would.
 *
 * A parameter that several statements pass under the same name with the very same value (a batch's provenance
 * lists, provenance.ts) is sent once: the driver packs, and the server unpacks, each parameter value as often as
 * it appears.
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
  /** The first statement's value of each name, and what it was sent as. */
  const firstOf = new Map<string, { value: unknown; sentAs: string }>();
  const parts = statements.map((s, i) => {
    const sentAs = new Map<string, string>();
    for (const [k, v] of Object.entries(s.params)) {
      const first = firstOf.get(k);
      const name = first && first.value === v ? first.sentAs : `s${i}_${k}`;
      if (!first) firstOf.set(k, { value: v, sentAs: name });
      params[name] = v;
      sentAs.set(k, name);
    }
    return `CALL () { ${s.cypher.replace(PARAM, (_, name: string) => `$${sentAs.get(name) ?? `s${i}_${name}`}`)} }`;
  });
  return { cypher: parts.join(' '), params };
}
