/**
 * Zod schemas for property values, generated from the ontology: one scalar schema per (class, property) with the
 * xsd range and the SHACL value constraints, wrapped to accept one value or a list as the property allows.
 * Every schema carries its own message saying what was expected, so issues read well without a generic mapper.
 */
import { z } from 'zod';
import type { PropertyConstraint, ValueType } from '../ontology/model.ts';
import { describeValue, listOf, type PathSegment } from './json-pointer.ts';
import { isIsoDate, isRfc3339, isUriReference } from './uri.ts';

/** A schema whose output we never use: validation only. */
export type Check = z.ZodType<unknown>;

type RefineCtx = z.RefinementCtx<unknown>;

/** Re-reports the issues of a nested parse under `prefix` (paths relative to the value being refined). */
export function forward(ctx: RefineCtx, result: z.ZodSafeParseResult<unknown>, prefix: readonly PathSegment[] = []): void {
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...prefix, ...(issue.path as PathSegment[])] });
  }
}

/** A check written as a function returning the problem, or undefined when the value is fine. */
export function checkWith(fn: (value: unknown, ctx: RefineCtx) => string | undefined): Check {
  return z.unknown().superRefine((value, ctx) => {
    const problem = fn(value, ctx);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: [] });
  });
}

const expected = (what: string) => (iss: { input?: unknown }) => `expected ${what}, got ${describeValue(iss.input)}`;

const TYPE_NAMES: Readonly<Record<ValueType, string>> = {
  string: 'a string',
  integer: 'an integer',
  float: 'a number',
  boolean: 'true or false',
  date: 'a date as YYYY-MM-DD',
  dateTime: 'an RFC 3339 date-time such as "2026-11-21T09:00:00Z"',
  anyURI: 'a URI',
};

/** The schema of one scalar of `range`, with SHACL value constraints. */
export function scalarSchema(range: ValueType, c: PropertyConstraint): Check {
  const what = TYPE_NAMES[range];
  let s: z.ZodType<unknown>;
  switch (range) {
    case 'integer':
      s = numberChecks(z.int({ error: expected(what) }), c);
      break;
    case 'float':
      s = numberChecks(z.number({ error: expected(what) }), c);
      break;
    case 'boolean':
      s = z.boolean({ error: expected(what) });
      break;
    default: {
      let str = z.string({ error: expected(what) });
      if (range === 'date') str = str.refine(isIsoDate, { error: expected(what) });
      if (range === 'dateTime') str = str.refine(isRfc3339, { error: expected(what) });
      if (range === 'anyURI') str = str.refine(isUriReference, { error: expected(what) });
      if (c.minLength !== undefined) str = str.min(c.minLength, { error: expected(`at least ${c.minLength} characters`) });
      if (c.maxLength !== undefined) str = str.max(c.maxLength, { error: (iss) => `expected at most ${c.maxLength} characters, got ${String((iss.input as string).length)}` });
      if (c.pattern !== undefined) {
        const re = new RegExp(c.pattern);
        str = str.refine((v) => re.test(v), { error: expected(`a value matching /${c.pattern}/`) });
      }
      s = str;
    }
  }
  const allowed = c.in;
  if (allowed !== undefined) {
    s = s.refine((v) => allowed.includes(v as string | number | boolean), { error: expected(`one of ${listOf(allowed, 20)}`) });
  }
  return s;
}

function numberChecks(n: z.ZodNumber, c: PropertyConstraint): z.ZodNumber {
  let out = n;
  if (c.minInclusive !== undefined) out = out.gte(c.minInclusive, { error: expected(`a number ≥ ${c.minInclusive}`) });
  if (c.maxInclusive !== undefined) out = out.lte(c.maxInclusive, { error: expected(`a number ≤ ${c.maxInclusive}`) });
  return out;
}

/** How a property may be written in one event. */
export interface ValueRules {
  readonly property: string;
  readonly functional: boolean;
  readonly maxCount: number | undefined;
  /** The event type may retract it with `null`. */
  readonly retractable: boolean;
  /** The event type may set it (tg:assertsProperty); otherwise only `null` can be allowed. */
  readonly assertable: boolean;
  readonly eventType: string;
  readonly retracts: readonly string[];
  readonly assertsProperties: readonly string[];
}

/** One value or a list, null for retraction, per the rules; each item checked by `item`. */
export function valueSchema(rules: ValueRules, item: Check): Check {
  return z.unknown().superRefine((value, ctx) => {
    const fail = (message: string): void => ctx.addIssue({ code: 'custom', message, path: [] });
    const { property, eventType } = rules;
    if (value === null) {
      if (!rules.retractable) {
        fail(`null retracts ${property}, but event type ${eventType} may not retract it (tg:retracts: ${listOf(rules.retracts)})`);
      }
      return;
    }
    if (!rules.assertable) {
      fail(`event type ${eventType} may not set ${property}: expected only ${listOf(rules.assertsProperties)} (tg:assertsProperty)`);
      return;
    }
    if (!Array.isArray(value)) {
      forward(ctx, item.safeParse(value));
      return;
    }
    if (rules.functional) fail(`expected a single value (${property} is functional), got ${describeValue(value)}`);
    else if (rules.maxCount !== undefined && value.length > rules.maxCount) {
      fail(`expected at most ${rules.maxCount} value(s) for ${property}, got ${value.length}`);
    } else value.forEach((v, i) => forward(ctx, item.safeParse(v), [i]));
  });
}
