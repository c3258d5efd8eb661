/**
 * The vocabulary of ontology changes and their compatibility, in the Confluent schema-registry sense applied to
 * event payloads:
 * - BACKWARD: consumers on the NEW version can read events written with the OLD one;
 * - FORWARD: consumers on the OLD version can read events written with the NEW one;
 * - FULL: both; NONE: neither (the step is breaking for payloads).
 * Payload validators are strict (an unknown property is an error), so adding even an optional property is
 * BACKWARD, not FULL. The GraphQL API is judged separately: removing, renaming or retyping a field breaks
 * clients unless the field is kept as a `@deprecated` alias.
 */

/** Payload compatibility of one change or of a whole step. */
export type PayloadCompatibility = 'FULL' | 'BACKWARD' | 'FORWARD' | 'NONE';

/** API effect of one change: additive, kept working through a deprecated alias, or breaking. */
export type ApiCompatibility = 'compatible' | 'deprecated' | 'breaking';

/** The classification of a version step, as `ontology diff` prints it. */
export type StepCompatibility = 'FULL' | 'BACKWARD' | 'FORWARD' | 'BREAKING';

/** Every kind of change the diff reports. */
export const CHANGE_KINDS = [
  'classAdded', 'classRemoved', 'classRenamed', 'superClassAdded', 'superClassRemoved',
  'propertyAdded', 'propertyRemoved', 'propertyRenamed', 'propertyKindChanged',
  'rangeNarrowed', 'rangeWidened', 'rangeChanged',
  'domainNarrowed', 'domainWidened', 'domainChanged',
  'functionalAdded', 'functionalRemoved',
  'minCountRaised', 'minCountLowered', 'maxCountLowered', 'maxCountRaised',
  'valuesAdded', 'valuesRemoved', 'enumerationAdded', 'enumerationRemoved',
  'patternAdded', 'patternRemoved', 'patternChanged',
  'constraintNarrowed', 'constraintWidened',
  'inverseChanged',
  'eventTypeAdded', 'eventTypeRemoved', 'eventTypeRenamed', 'eventTypeNarrowed', 'eventTypeWidened', 'eventTypeChanged',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One difference between two ontology versions. */
export interface OntologyChange {
  readonly kind: ChangeKind;
  /** The term: `Referral`, `priority`, `Referral.priority` (a property on a class), `ReferralRequested`. */
  readonly term: string;
  /** Human-readable detail, e.g. `values added: soon`. */
  readonly detail: string;
  readonly payload: PayloadCompatibility;
  readonly api: ApiCompatibility;
  /** For event types: the terms the change no longer accepts (so a migration mentioning them covers it). */
  readonly narrowedTerms?: readonly string[];
}

/** Meet of two payload compatibilities: FULL ∧ x = x; BACKWARD ∧ FORWARD = NONE. */
export function meet(a: PayloadCompatibility, b: PayloadCompatibility): PayloadCompatibility {
  if (a === b) return a;
  if (a === 'FULL') return b;
  if (b === 'FULL') return a;
  return 'NONE';
}

/** Compatibility of a narrowing (new accepts less: old consumers read new events) or a widening. */
export const NARROWED: PayloadCompatibility = 'FORWARD';
export const WIDENED: PayloadCompatibility = 'BACKWARD';

/** The classification of a whole step from its changes. */
export interface StepClassification {
  /** Payload compatibility of the step (the meet of its changes). */
  readonly payload: PayloadCompatibility;
  /** `breaking` when any change breaks GraphQL clients; `deprecated` when some only survive as aliases. */
  readonly api: ApiCompatibility;
  /** BREAKING when payloads are NONE or the API breaks; else the payload compatibility. */
  readonly level: StepCompatibility;
  /** The changes that make the step breaking (payload NONE or API breaking). */
  readonly breaking: readonly OntologyChange[];
}

/** Classifies a step from its changes. No change at all is FULL. */
export function classify(changes: readonly OntologyChange[]): StepClassification {
  let payload: PayloadCompatibility = 'FULL';
  let api: ApiCompatibility = 'compatible';
  for (const c of changes) {
    payload = meet(payload, c.payload);
    if (c.api === 'breaking') api = 'breaking';
    else if (c.api === 'deprecated' && api === 'compatible') api = 'deprecated';
  }
  const level: StepCompatibility = payload === 'NONE' || api === 'breaking' ? 'BREAKING' : payload;
  const breaking = changes.filter((c) => c.payload === 'NONE' || c.api === 'breaking');
  return { payload, api, level, breaking };
}
