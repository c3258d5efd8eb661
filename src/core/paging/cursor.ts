/** Opaque keyset cursors: base64url of `[sortValue, id]`. One encoding for every store, so cursors look alike. */
import type { Scalar } from '../projection/change-set.ts';

export type CursorKey = readonly [Scalar | null, string];

export function encodeCursor(value: Scalar | null, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** Decodes a cursor; throws a RangeError that says what to do for one that was not made by this store. */
export function decodeCursor(cursor: string): CursorKey {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === 'string') {
      const s = v[0] as unknown;
      if (s === null || typeof s === 'string' || typeof s === 'number' || typeof s === 'boolean') return [s, v[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new RangeError(`invalid cursor "${cursor}": pass an endCursor/cursor returned by a previous page`);
}
