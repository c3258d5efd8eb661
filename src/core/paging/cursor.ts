/** Opaque keyset cursors: base64url of `[sortValue, id]`. One encoding for every store, so cursors look alike. */
import { BadInputError } from '../errors.ts';
import type { Scalar } from '../projection/change-set.ts';

export type CursorKey = readonly [Scalar | null, string];

export function encodeCursor(value: Scalar | null, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** Decodes a cursor; throws a BadInputError (argument `after`) that says what to do for one not made by a store. */
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
  throw new BadInputError('after', `is not a cursor ("${cursor.slice(0, 64)}"): pass an endCursor/cursor returned by a previous page`);
}
