/** IRIs of the access-policy vocabulary (documented in ontology/trailgraph-policy.ttl). */
import { NS } from '../ontology/vocabulary.ts';

export const TGP = Object.freeze({
  AccessPolicy: `${NS.tg}AccessPolicy`,
  Role: `${NS.tg}Role`,
  Any: `${NS.tg}Any`,
  governs: `${NS.tg}governs`,
  mayPublish: `${NS.tg}mayPublish`,
  mayRead: `${NS.tg}mayRead`,
  mayReadWhere: `${NS.tg}mayReadWhere`,
  mayClaim: `${NS.tg}mayClaim`,
  mayMark: `${NS.tg}mayMark`,
  class: `${NS.tg}class`,
  path: `${NS.tg}path`,
  callerClaim: `${NS.tg}callerClaim`,
});
