/**
 * Bounded, pollution-proof JSON intake. Every event passes through here before anything reads it:
 * sizes are bounded (so one hostile event cannot exhaust memory or CPU), and the keys `__proto__`,
 * `constructor` and `prototype` are rejected outright. `JSON.parse` itself never invokes the `__proto__`
 * setter (it defines an own property), so rejecting the key after parsing leaves nothing to pollute; the tree is
 * then copied into fresh plain objects and frozen, detached from whatever the caller still holds.
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
  // UTF-16 length never exceeds the UTF-8 length, so the cheap test can reject early.
  const bytes = text.length > limits.maxBytes ? text.length : utf8Length(text);
  if (bytes > limits.maxBytes) {
    issues.push({ pointer: '', message: `event too large: expected at most ${limits.maxBytes} bytes, got ${bytes}` });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    issues.push({ pointer: '', message: `expected a JSON object (a CloudEvent), but the text is not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
}

/**
 * Checks a parsed tree against the limits and the forbidden keys, and returns a frozen plain-JSON copy.
 * Issues are appended with pointers; the copy is undefined when any issue was found.
 */
export function copyJsonTree(value: unknown, limits: EnvelopeLimits, issues: EventIssue[]): unknown {
  const before = issues.length;
  const path: PathSegment[] = [];
  const add = (message: string, at: PathSegment[] = path): void => {
    if (issues.length < before + limits.maxIssues) issues.push({ pointer: toPointer(at), message });
  };

  const visit = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) add(`string too long: expected at most ${limits.maxStringLength} characters, got ${v.length}`);
      return v;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) add(`expected a finite JSON number, got ${String(v)}`);
      return v;
    }
    if (typeof v !== 'object') {
      add(`expected a JSON value, got ${describeValue(v)}`);
      return undefined;
    }
    if (depth > limits.maxDepth) {
      add(`nested too deep: expected at most ${limits.maxDepth} levels of objects and arrays`);
      return undefined;
    }
    if (Array.isArray(v)) {
      if (v.length > limits.maxArrayLength) {
        add(`array too long: expected at most ${limits.maxArrayLength} items, got ${v.length}`);
        return undefined;
      }
      return Object.freeze(v.map((item, i) => {
        path.push(i);
        const out = visit(item, depth + 1);
        path.pop();
        return out;
      }));
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      add(`expected a plain JSON object, got ${(v as object).constructor?.name ?? 'an exotic object'}`);
      return undefined;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeys) {
      add(`too many keys: expected at most ${limits.maxKeys}, got ${keys.length}`);
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) {
        add(`forbidden key "${key}": keys __proto__, constructor and prototype are never accepted`);
      } else if (key.length > limits.maxStringLength) {
        add(`key too long: expected at most ${limits.maxStringLength} characters, got ${key.length}`);
      } else {
        const item = visit((v as Record<string, unknown>)[key], depth + 1);
        // Own data property, never the prototype setter (the key is not __proto__ here anyway).
        Object.defineProperty(out, key, { value: item, enumerable: true, writable: false, configurable: false });
      }
      path.pop();
    }
    return Object.freeze(out);
  };

  const copy = visit(value, 1);
  return issues.length > before ? undefined : copy;
}
