/**
 * Well-formed Unicode: a string holding a lone UTF-16 surrogate cannot be encoded as UTF-8, so every store would
 * replace it with U+FFFD on the way in — two different ids would collapse into one unreadable name. Such strings
 * are refused wherever text enters (event ids and payloads, mark kinds and notes, claim purposes). Pure.
 */

// With the `u` flag a surrogate pair is one astral code point, so only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

/** True when `s` holds no lone surrogate (String.prototype.isWellFormed, which Node 20's typings lack). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** RFC 6901 escaping of one reference token. */
function token(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The JSON pointer (relative to `base`) of the first string — value or object key — that is not well-formed, or
 * undefined when all are. Depth-first, bounded by the value's own size.
 */
export function findIllFormedString(value: unknown, base = ''): string | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : base;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormedString(value[i], `${base}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isWellFormed(k)) return `${base}/${token(k.replace(LONE_SURROGATE, '\uFFFD'))}`;
    const found = findIllFormedString(v, `${base}/${token(k)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
