/**
 * The pieces of the SQLite store's own BM25 ranking that need no database: FTS5's formula (hand-computed values),
 * the tokenizer stand-in, SQLite's varints, and the BINARY collation order of ids.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bm25Idf, bm25Score, documentTokens } from '../../src/core/search/bm25.ts';
import { byteOrder, fts5Varints } from '../../src/adapters/sqlite/search-rank.ts';

void describe('BM25 as FTS5 computes it', () => {
  void it('IDF is log((N - n + 0.5) / (n + 0.5)), floored at 1e-6 for a word in half the rows or more', () => {
    assert.equal(bm25Idf(1000, 1), Math.log(999.5 / 1.5));
    assert.equal(bm25Idf(1000, 500), 1e-6);
    assert.equal(bm25Idf(1000, 900), 1e-6);
  });

  void it('a term scores idf · f·(k1+1) / (f + k1·(1 − b + b·len/avg)) and terms add up', () => {
    const one = 2 * ((1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 4) / 2)));
    assert.equal(bm25Score([2], [1], 4, 2), one);
    assert.equal(bm25Score([2, 3], [1, 0], 4, 2), one, 'a term a document lacks adds nothing');
    assert.ok(bm25Score([2], [2], 4, 2) > one, 'more occurrences score higher');
    assert.ok(bm25Score([2], [1], 8, 2) < one, 'a longer document scores lower');
  });

  void it('tokens are runs of letters and digits, lowercased, not normalized', () => {
    assert.deepEqual(documentTokens('Dr. Ada MOSS-Wren, MRN-000123'), ['dr', 'ada', 'moss', 'wren', 'mrn', '000123']);
    assert.deepEqual(documentTokens('José'), ['josé']);
    assert.deepEqual(documentTokens(''), []);
  });
});

void describe('SQLite encodings the ranking reads', () => {
  void it('varints: 7 bits a byte, big-endian, the ninth byte whole', () => {
    assert.deepEqual(fts5Varints(Uint8Array.from([0x33, 0x81, 0x18, 0x81, 0x0a])), [51, 152, 138]);
    assert.deepEqual(fts5Varints(Uint8Array.from([0x00, 0x7f, 0x82, 0x80, 0x00])), [0, 127, 32768]);
    assert.deepEqual(fts5Varints(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xff, 0x05])), [255, 5]);
  });

  void it('ids sort in UTF-8 byte order (SQLite BINARY), not UTF-16 order', () => {
    const ids = ['b', 'a', 'ab', '', 'é', '\uffff', '\u{1f600}', 'z\ue000', 'z\u{10000}', 'Z'];
    const bytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...ids].sort(byteOrder), bytes);
    assert.ok(byteOrder('\u{1f600}', '\uffff') > 0, 'a character beyond U+FFFF sorts after U+FFFF');
    assert.equal(byteOrder('same', 'same'), 0);
  });
});
