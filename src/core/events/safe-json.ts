/**
 * Bounded, pollution-proof JSON intake. Every event passes through here before anything reads it:
 * sizes are bounded (so one hostile event cannot exhaust memory or CPU), and the keys `__proto__`,
 * `constructor` and `prototype` are rejected outright. `JSON.parse` itself never invokes the `__proto__`
 * setter (it defines an own property), so rejecting the key after parsing leaves nothing to pollute. A value
 * handed in already parsed is copied into fresh plain objects and frozen, detached from whatever the caller still
 * holds; a tree we parsed from text ourselves is checked and frozen in place in the same pass (nobody else holds it).
 */
import type { EventIssue } from '../errors.ts';
import { describeValue, toPointer, type PathSegment } from './json-pointer.ts';

/** Size limits on one event. All are inclusive maxima. */
export interface EnvelopeLimits {
  /** UTF-8 bytes of the serialized event. */
  readonly maxBytes: number;
  /** UTF-16 length of any one string (keys included). */
  readonly maxStringLength: number;
  /** Nesting depth of objects/arrays; the envelope itself is depth 1, `data` depth 2. */
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  /** Keys of any one object. */
  readonly maxKeys: number;
  /** Length of the event `id` (it doubles as the bus dedupe key). */
  readonly maxIdLength: number;
  /** Stop collecting after this many issues. */
  readonly maxIssues: number;
}

/** Defaults: generous for domain events, small enough that a flood of maximal events stays cheap. */
export const DEFAULT_ENVELOPE_LIMITS: EnvelopeLimits = Object.freeze({
  maxBytes: 256 * 1024,
  maxStringLength: 16 * 1024,
  maxDepth: 16,
  maxArrayLength: 1000,
  maxKeys: 256,
  maxIdLength: 256,
  maxIssues: 20,
});

/** Keys that could reach an object's prototype machinery if anything downstream merged objects naively. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const encoder = new TextEncoder();

/** UTF-8 byte length. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** Parses text as JSON, or reports where it is not JSON. */
export function parseJsonText(text: string, limits: EnvelopeLimits, issues: EventIssue[]): unknown {
  // One UTF-16 unit is 1 to 3 UTF-8 bytes: only text that might be too large needs its exact byte count (the
  // encode allocates a copy, which showed up in the ingest profile).
  if (text.length * 3 > limits.maxBytes) {
    const bytes = text.length > limits.maxBytes ? text.length : utf8Length(text);
    if (bytes > limits.maxBytes) {
      issues.push({ pointer: '', message: `event too large: expected at most ${limits.maxBytes} bytes, got ${bytes}` });
      return undefined;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    issues.push({ pointer: '', message: `expected a JSON object (a CloudEvent), but the text is not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
}

/** The state of one walk (module-level functions, not per-call closures: this runs for every event). */
interface Walk {
  readonly limits: EnvelopeLimits;
  readonly issues: EventIssue[];
  readonly before: number;
  readonly path: PathSegment[];
  /** Copy into fresh objects (a caller's value) or freeze in place (a tree JSON.parse just made, held by no one else). */
  readonly copy: boolean;
}

function addIssue(w: Walk, message: string): void {
  if (w.issues.length < w.before + w.limits.maxIssues) w.issues.push({ pointer: toPointer(w.path), message });
}

function visit(w: Walk, v: unknown, depth: number): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (v.length > w.limits.maxStringLength) addIssue(w, `string too long: expected at most ${w.limits.maxStringLength} characters, got ${v.length}`);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) addIssue(w, `expected a finite JSON number, got ${String(v)}`);
    return v;
  }
  if (typeof v !== 'object') {
    addIssue(w, `expected a JSON value, got ${describeValue(v)}`);
    return undefined;
  }
  if (depth > w.limits.maxDepth) {
    addIssue(w, `nested too deep: expected at most ${w.limits.maxDepth} levels of objects and arrays`);
    return undefined;
  }
  if (Array.isArray(v)) {
    if (v.length > w.limits.maxArrayLength) {
      addIssue(w, `array too long: expected at most ${w.limits.maxArrayLength} items, got ${v.length}`);
      return undefined;
    }
    const out: unknown[] = w.copy ? new Array<unknown>(v.length) : v;
    for (let i = 0; i < v.length; i++) {
      w.path.push(i);
      const item = visit(w, v[i], depth + 1);
      if (w.copy) out[i] = item;
      w.path.pop();
    }
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    addIssue(w, `expected a plain JSON object, got ${(v as object).constructor?.name ?? 'an exotic object'}`);
    return undefined;
  }
  const keys = Object.keys(v);
  if (keys.length > w.limits.maxKeys) {
    addIssue(w, `too many keys: expected at most ${w.limits.maxKeys}, got ${keys.length}`);
    return undefined;
  }
  const out: Record<string, unknown> = w.copy ? {} : (v as Record<string, unknown>);
  for (const key of keys) {
    w.path.push(key);
    if (FORBIDDEN_KEYS.has(key)) {
      addIssue(w, `forbidden key "${key}": keys __proto__, constructor and prototype are never accepted`);
    } else if (key.length > w.limits.maxStringLength) {
      addIssue(w, `key too long: expected at most ${w.limits.maxStringLength} characters, got ${key.length}`);
    } else {
      const item = visit(w, (v as Record<string, unknown>)[key], depth + 1);
      // Own data property, never the prototype setter (the key is not __proto__ here anyway).
      if (w.copy) Object.defineProperty(out, key, { value: item, enumerable: true, writable: false, configurable: false });
    }
    w.path.pop();
  }
  return Object.freeze(out);
}

/**
 * Checks a parsed tree against the limits and the forbidden keys, and returns a frozen plain-JSON copy.
 * Issues are appended with pointers; the copy is undefined when any issue was found.
 */
export function copyJsonTree(value: unknown, limits: EnvelopeLimits, issues: EventIssue[]): unknown {
  const before = issues.length;
  const copy = visit({ limits, issues, before, path: [], copy: true }, value, 1);
  return issues.length > before ? undefined : copy;
}

/**
 * The same checks as copyJsonTree, in one pass over a tree that `JSON.parse` has just made and nobody else holds:
 * it is frozen in place instead of copied (same issues, same result). Never pass a caller's value here.
 */
export function freezeParsedJson(value: unknown, limits: EnvelopeLimits, issues: EventIssue[]): unknown {
  const before = issues.length;
  const out = visit({ limits, issues, before, path: [], copy: false }, value, 1);
  return issues.length > before ? undefined : out;
}
