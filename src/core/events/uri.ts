/**
 * Syntax checks for the string formats CloudEvents and xsd use: URI references (RFC 3986), absolute URIs,
 * RFC 3339 timestamps, W3C traceparent. Syntax only — nothing is resolved.
 */

// Unreserved, reserved and `%`; anything else (spaces, quotes, control characters, non-ASCII) must be escaped.
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** True for an RFC 3986 URI-reference: an absolute URI (`agent://intake`) or a relative reference (`/agents/x`). */
export function isUriReference(value: string): boolean {
  if (!URI_CHARS.test(value) || BAD_PERCENT.test(value)) return false;
  // A colon before the first `/`, `?` or `#` introduces a scheme, which must then be well formed.
  const m = /^([^/?#]*):/.exec(value);
  return m === null || SCHEME.test(m[1] ?? '');
}

/** True for an absolute URI: a URI-reference with a scheme. */
export function isAbsoluteUri(value: string): boolean {
  const m = /^([^/?#]*):/.exec(value);
  return m !== null && SCHEME.test(m[1] ?? '') && isUriReference(value);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** True for an RFC 3339 date-time with a time zone (`2026-11-21T09:00:00Z`, `…+01:00`), calendar-checked. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 60) return false;
  return d >= 1 && d <= daysInMonth(y, mo);
}

/** True for an xsd:date in `YYYY-MM-DD` form, calendar-checked. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = m.slice(1, 4).map(Number) as [number, number, number];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** True for a W3C Trace Context `traceparent` (version 00 exactly; later versions may append fields). */
export function isTraceparent(value: string): boolean {
  const m = TRACEPARENT.exec(value);
  if (!m) return false;
  const [, version, traceId, parentId, , rest] = m;
  if (version === 'ff') return false;
  if (version === '00' && rest !== undefined) return false;
  return !/^0+$/.test(traceId ?? '') && !/^0+$/.test(parentId ?? '');
}
