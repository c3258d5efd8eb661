/**
 * Checks tool arguments against the tool's input JSON Schema (Ajv, draft 2020-12, formats on) before anything
 * runs, so a model gets every mistake at once, each located by a JSON pointer into its arguments.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { type ArgumentIssue, ToolArgumentsError } from './errors.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

/** Ajv's error → a pointer at the offending value itself (a missing or extra property is named in the pointer). */
function issueOf(e: ErrorObject): ArgumentIssue {
  const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  if (e.keyword === 'required' && params.missingProperty) return { pointer: `${e.instancePath}/${params.missingProperty}`, message: 'is required' };
  if (e.keyword === 'additionalProperties' && params.additionalProperty) {
    return { pointer: `${e.instancePath}/${params.additionalProperty}`, message: 'is not an argument of this tool' };
  }
  if (e.keyword === 'enum' && params.allowedValues) return { pointer: e.instancePath, message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
  return { pointer: e.instancePath, message: e.message ?? 'is invalid' };
}

/** A compiled argument check for one tool. */
export type ArgumentCheck = (args: unknown) => Record<string, unknown>;

/** Compiles `schema`; the check returns the arguments or throws ToolArgumentsError listing every issue. */
export function argumentCheck(tool: string, schema: Record<string, unknown>): ArgumentCheck {
  const validate: ValidateFunction = ajv.compile(schema);
  return (args) => {
    const value = args ?? {};
    if (validate(value)) return value as Record<string, unknown>;
    const seen = new Set<string>();
    const issues = (validate.errors ?? []).map(issueOf).filter((i) => {
      const key = `${i.pointer} ${i.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    throw new ToolArgumentsError(tool, issues.slice(0, 10));
  };
}
