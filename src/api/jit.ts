/**
 * Queries and mutations run through graphql-jit (`@envelop/graphql-jit`): each document is compiled once into a
 * JavaScript function (cached per parsed document, and yoga's parser cache hands back the same document for the
 * same text), which skips graphql-js's per-field interpretation on every request. Subscriptions keep graphql-js's
 * executor: their event streams and per-event execution go through the marks layer unchanged.
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The operation `args` will run (by name, or the only one). */
function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    if (name ? d.name?.value === name : !found) found = d;
    else if (!name) return undefined; // several operations and no name: graphql-js reports that error
  }
  return found;
}

/**
 * graphql-jit reports a resolver's error as its own GraphQLError look-alike whose `extensions` is a read-only
 * `undefined` when the thrown error had none; the error masking (errors.ts) fills in the extensions of the error it
 * is given. Such errors become plain graphql-js errors (same message, locations, path and original error).
 */
function normalised(e: GraphQLError): GraphQLError {
  if (e.extensions !== undefined) return e;
  const out = new GraphQLError(e.message, { ...(e.path && { path: e.path }), ...(e.originalError && { originalError: e.originalError }), extensions: {} });
  if (e.locations) (out as { locations?: GraphQLError['locations'] }).locations = e.locations;
  return out;
}

/** graphql-jit for query and mutation operations only. */
export function useJitExecution(): Plugin {
  const jit = useGraphQlJit({}, {
    enableIf: (args: ExecutionArgs) => {
      const op = operationOf(args.document, args.operationName);
      return op !== undefined && op.operation !== 'subscription';
    },
  }) as Plugin;
  return {
    ...jit,
    onExecute(payload) {
      void jit.onExecute?.(payload);
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.some((e) => e.extensions === undefined)) return;
          setResult({ ...result, errors: result.errors.map(normalised) });
        },
      };
    },
  };
}
