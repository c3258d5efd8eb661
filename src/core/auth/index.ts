/** Access control, pure: principals, the compiled policy, the decision function and read scopes. */
export type { Principal } from './principal.ts';
export { describePrincipal } from './principal.ts';
export type { CompiledPolicy, ReadGrant, RolePolicy, RowRule, RuleStep, NameSet } from './policy.ts';
export { compilePolicy, type PolicySource, type PolicyCompileResult } from './compile-policy.ts';
export { decide, authorize, describeAction, type Action, type Decision } from './decide.ts';
export { readScope, mayShowLabels, type ReadScope, type ReadAccess, type RuledLabel } from './read-scope.ts';
export { UnauthenticatedError, ForbiddenError, PolicyError } from './errors.ts';
