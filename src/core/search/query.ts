/**
 * The full-text query language, one for every store: words (all must match, in any searchable property), a
 * trailing `*` for a prefix (`card*`), and double quotes for a phrase (`"chest pain"`). Text is cut into words the
 * way both indexes cut it (letters and digits; everything else separates) and lowercased, then each store writes
 * the terms in its own syntax — FTS5 (`"chest pain" AND "card"*`) or Lucene (`+"chest pain" +card*`). Parsing here
 * means user text never reaches either query parser raw: no syntax error, no injected operator. Pure.
 */
import { BadInputError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../paging/cursor.ts';

/** One term of a query: a word (maybe a prefix) or a phrase of words in order. */
export type SearchTerm =
  | { readonly kind: 'word'; readonly word: string; readonly prefix: boolean }
  | { readonly kind: 'phrase'; readonly words: readonly string[] };

/** Most terms a query may have (each is one index lookup). */
export const MAX_SEARCH_TERMS = 16;
/** Longest query text. */
export const MAX_SEARCH_TEXT = 500;

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of `text`, lowercased, as the indexes split them. */
export function searchWords(text: string): string[] {
  return (text.normalize('NFC').toLowerCase().match(WORD) ?? []);
}

/**
 * The terms of a query. Throws BadInputError (argument `text`) for a query with no word, an unclosed quote, or
 * more than MAX_SEARCH_TERMS terms.
 */
export function parseSearch(text: string): SearchTerm[] {
  if (text.length > MAX_SEARCH_TEXT) throw new BadInputError('text', `is ${text.length} characters long; at most ${MAX_SEARCH_TEXT}`);
  const quotes = (text.match(/"/g) ?? []).length;
  if (quotes % 2 === 1) throw new BadInputError('text', 'has an unclosed " — a phrase is written "like this"');
  const terms: SearchTerm[] = [];
  // Even pieces are outside quotes, odd ones are phrases.
  text.split('"').forEach((piece, i) => {
    if (i % 2 === 1) {
      const words = searchWords(piece);
      if (words.length === 1) terms.push({ kind: 'word', word: words[0] as string, prefix: false });
      else if (words.length > 1) terms.push({ kind: 'phrase', words });
      return;
    }
    for (const token of piece.split(/\s+/)) {
      const words = searchWords(token);
      const prefix = /\*$/.test(token);
      words.forEach((word, j) => terms.push({ kind: 'word', word, prefix: prefix && j === words.length - 1 }));
    }
  });
  if (terms.length === 0) throw new BadInputError('text', 'has no word to search for (letters or digits)');
  if (terms.length > MAX_SEARCH_TERMS) throw new BadInputError('text', `has ${terms.length} terms; at most ${MAX_SEARCH_TERMS}`);
  return terms;
}

/** The terms as an SQLite FTS5 query: every term quoted (no FTS5 syntax can come from the words), AND-ed. */
export function toFts5(terms: readonly SearchTerm[]): string {
  return terms.map((t) => (t.kind === 'phrase' ? `"${t.words.join(' ')}"` : `"${t.word}"${t.prefix ? '*' : ''}`)).join(' AND ');
}

/** The terms as a Lucene query (Neo4j full-text index): every term required. Words are letters and digits only. */
export function toLucene(terms: readonly SearchTerm[]): string {
  return terms.map((t) => (t.kind === 'phrase' ? `+"${t.words.join(' ')}"` : `+${t.word}${t.prefix ? '*' : ''}`)).join(' ');
}

const CURSOR_TAG = 'search';

/** A search page's cursor: the rank of the last hit (search pages are ranked, so they page by position). */
export function searchCursor(offset: number): string {
  return encodeCursor(offset, CURSOR_TAG);
}

/** The offset after `after` (0 without one). Throws BadInputError (argument `after`) for another kind of cursor. */
export function searchOffset(after: string | undefined): number {
  if (after === undefined) return 0;
  const [offset, tag] = decodeCursor(after);
  if (tag !== CURSOR_TAG || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new BadInputError('after', 'is not a search cursor: pass the endCursor of a previous search page');
  }
  return offset;
}
