/**
 * Referral 1.0.0 → 2.0.0, by the referral team:
 * - `priority` is renamed `triageLevel` (and gains the level `soon`, which old data never has: no value mapping);
 * - the insurance check moves off the referral into its own InsuranceVerification node, linked by
 *   `hasInsuranceVerification`; `insuranceStatus` becomes its `status`, `insuranceNote` its `note`.
 *   The node's id is derived from the referral's (`<referral id>-insurance`), so old events upcast onto the
 *   same node the migration creates. `verifiedAt` and `payer` stay empty for migrated data: 1.0.0 never knew them.
 * Event upcasting: a 1.0.0 event gets the same treatment (keys renamed, insurance fields nested into an
 * InsuranceVerification resource) before it is validated against 2.0.0.
 */
// A type-only import: the file loads without trailgraph's sources (the compiled package and the image ship none).
import type { Migration } from '../../src/core/migrations/steps.ts';

export default {
  from: '1.0.0',
  to: '2.0.0',
  description: 'priority → triageLevel; insurance status moves to an InsuranceVerification node',
  steps: [
    { kind: 'renameProperty', class: 'Referral', from: 'priority', to: 'triageLevel' },
    {
      kind: 'moveProperty',
      class: 'Referral',
      properties: { insuranceStatus: 'status', insuranceNote: 'note' },
      toClass: 'InsuranceVerification',
      via: 'hasInsuranceVerification',
      idOf: (referralId) => `${referralId}-insurance`,
    },
  ],
} satisfies Migration;
