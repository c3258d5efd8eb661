/**
 * RFC 6901 JSON pointers and short value descriptions: the two halves of every located event issue
 * (`/data/referredBy/name: expected a string, got 42`).
 */

/** One path segment: an object key or an array index. */
export type PathSegment = string | number;

/** Escapes one reference token: `~` → `~0`, `/` → `~1` (RFC 6901 §3; order matters). */
export function escapePointerToken(token: PathSegment): string {
  const s = String(token);
  // Most tokens need no escaping; skip the two regex passes for them (this runs for every op of every event).
  if (!s.includes('~') && !s.includes('/')) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a pointer from path segments; `[]` is the whole document (`''`). */
export function toPointer(path: readonly PathSegment[]): string {
  return path.map((s) => `/${escapePointerToken(s)}`).join('');
}

/** Parses a pointer back into its segments (array indexes stay strings: a pointer does not know the type). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new TypeError(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const MAX_SHOWN = 60;

/** Describes a received value for a message: strings quoted and truncated, containers by kind. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** `a, b, c` — or the first `max` and `(and N more)`. */
export function listOf(items: readonly (string | number | boolean)[], max = 10): string {
  if (items.length === 0) return '(none)';
  const shown = items.slice(0, max).map(String).join(', ');
  return items.length > max ? `${shown} (and ${items.length - max} more)` : shown;
}
