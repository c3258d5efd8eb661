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

/**
 * The cursor of a node in a list sorted by `sortProperty` (default id): `[sort value, id]`, the sort value being
 * the id itself when sorting by id, null when the node lacks the property. Both stores make cursors with this, so
 * the same page has the same cursors whichever store answers.
 */
export function cursorOf(node: { readonly id: string; readonly properties: Readonly<Record<string, unknown>> }, sortProperty = 'id'): string {
  const value = sortProperty === 'id' ? node.id : node.properties[sortProperty];
  return encodeCursor(value === undefined || Array.isArray(value) ? null : (value as Scalar | null), node.id);
}
