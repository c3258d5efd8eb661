/** The read limits every store applies, so a query answers the same from any of them. Pure. */

/** Largest page a list, a related query or a history page may return. */
export const MAX_PAGE = 1000;
/** History page size when none is asked. */
export const DEFAULT_HISTORY_PAGE = 100;
/** Neighbourhood node limit when none is asked. */
export const DEFAULT_NEIGHBOURHOOD_LIMIT = 500;
/** Path count limit when none is asked. */
export const DEFAULT_PATH_LIMIT = 10;
/** Deepest neighbourhood walk and longest path searched, whatever hops / maxHops ask. */
export const MAX_HOPS = 6;

/**
 * The page size for `first`: capped at MAX_PAGE.
 * @throws RangeError when `first` is not a non-negative integer
 */
export function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 0) throw new RangeError(`first must be a non-negative integer, got ${first}`);
  return Math.min(first, MAX_PAGE);
}

/** A history page size: DEFAULT_HISTORY_PAGE when not asked, at most MAX_PAGE. */
export function historyPageSize(first: number | undefined): number {
  return Math.min(first ?? DEFAULT_HISTORY_PAGE, MAX_PAGE);
}

/** The neighbourhood / path limit: the default when not asked, at least 1. */
export function resultLimit(limit: number | undefined, fallback: number): number {
  return Math.max(1, limit ?? fallback);
}

/** The hop count a neighbourhood walk or a path search uses: whole, between 0 and MAX_HOPS. */
export function hopsWithin(maxHops: number): number {
  return Math.min(Math.max(0, Math.floor(maxHops)), MAX_HOPS);
}
