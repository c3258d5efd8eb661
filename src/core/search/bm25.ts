/**
 * BM25 exactly as SQLite FTS5's `bm25()` computes it, so a ranking computed outside FTS5 orders hits as
 * `ORDER BY bm25(...)` does and gives the same scores: k1 = 1.2, b = 0.75, every column weighted 1, a document's
 * length is its tokens in all columns, the average length is the index's total tokens over its row count, and an
 * IDF at or below zero (a term in more than half the rows) is floored at 1e-6. Pure.
 */

const K1 = 1.2;
const B = 0.75;
const MIN_IDF = 1e-6;

/** A term's IDF: `log((rows - docs + 0.5) / (docs + 0.5))`, floored at 1e-6. */
export function bm25Idf(rows: number, docs: number): number {
  const idf = Math.log((rows - docs + 0.5) / (docs + 0.5));
  return idf <= 0 ? MIN_IDF : idf;
}

/**
 * One document's score (positive: FTS5's `bm25()` returns its negation, smaller first). `idfs[i]` and `freqs[i]`
 * belong to the query's i-th term; `length` is the document's tokens, `avgLength` the index's average.
 */
export function bm25Score(idfs: readonly number[], freqs: readonly number[], length: number, avgLength: number): number {
  let score = 0;
  for (let i = 0; i < idfs.length; i++) {
    const f = freqs[i] ?? 0;
    score += (idfs[i] ?? 0) * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * length) / avgLength)));
  }
  return score;
}

/** Token characters of the indexes' tokenizer (FTS5 unicode61's default categories: letters, digits, private use). */
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

/**
 * A stored text's tokens as FTS5's `unicode61 remove_diacritics 0` cuts them: runs of letters and digits, case
 * folded, not normalized (the index keeps the text's own code points; queries are normalized to NFC before they
 * match). JavaScript's lowercasing and FTS5's folding can disagree on rare characters; callers that need FTS5's
 * exact counts compare the token count with the index's.
 */
export function documentTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}
