/**
 * Queries and mutations run through graphql-jit (`@envelop/graphql-jit`): each document is compiled once into a
 * JavaScript function (cached per parsed document, and yoga's parser cache hands back the same document for the
 * same text), which skips graphql-js's per-field interpretation on every request. Subscriptions keep graphql-js's
 * executor: their event streams and per-event execution go through the marks layer unchanged.
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  getNamedType,
  GraphQLError,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  isInputObjectType,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type OperationDefinitionNode,
  type TypeNode,
} from 'graphql';
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
 * Input object types from which a cycle is reachable (every `<Class>Where` contains itself through `AND`).
 * graphql-jit 0.8 compiles a variable of such a type by inlining its fields recursively and overflows the stack
 * (graphql-jit issues #81, #175): `query($where: ReferralWhere) { referrals(where: $where) … }` would fail.
 * Operations with such a variable run on graphql-js instead; literal arguments are unaffected.
 */
const cyclicInputs = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

function inputFieldTypes(t: GraphQLInputObjectType): GraphQLInputObjectType[] {
  return Object.values(t.getFields()).map((f) => getNamedType(f.type)).filter(isInputObjectType);
}

function cyclicInputTypes(schema: GraphQLSchema): ReadonlySet<string> {
  let found = cyclicInputs.get(schema);
  if (found) return found;
  const reachesCycle = (start: GraphQLInputObjectType): boolean => {
    // Depth-first over the input types reachable from `start`; a grey (on-stack) type seen again is a cycle.
    const state = new Map<string, 'grey' | 'black'>();
    const visit = (t: GraphQLInputObjectType): boolean => {
      state.set(t.name, 'grey');
      for (const u of inputFieldTypes(t)) {
        const s = state.get(u.name);
        if (s === 'grey' || (s === undefined && visit(u))) return true;
      }
      state.set(t.name, 'black');
      return false;
    };
    return visit(start);
  };
  found = new Set(Object.values(schema.getTypeMap()).filter((t): t is GraphQLInputObjectType => isInputObjectType(t) && reachesCycle(t)).map((t) => t.name));
  cyclicInputs.set(schema, found);
  return found;
}

function namedTypeOf(node: TypeNode): string {
  return node.kind === Kind.NAMED_TYPE ? node.name.value : namedTypeOf(node.type);
}

function hasCyclicVariable(op: OperationDefinitionNode, schema: GraphQLSchema): boolean {
  if (!op.variableDefinitions?.length) return false;
  const cyclic = cyclicInputTypes(schema);
  return op.variableDefinitions.some((v) => cyclic.has(namedTypeOf(v.type)));
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
      return op !== undefined && op.operation !== 'subscription' && !hasCyclicVariable(op, args.schema);
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
