/** The subject is the ordering/partition key and the unit of permissions: an event that disagrees with it is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventSubject, subjectEventProblem } from '../../src/adapters/nats/subjects.ts';

const ev = { type: 'ReferralRequested', subject: 'Referral/r-1' };

void test('an event on its own subject passes (with and without the agent token, escaped ids too)', () => {
  assert.equal(subjectEventProblem(eventSubject('referral', ev.type, ev.subject), 'referral', ev), undefined);
  assert.equal(subjectEventProblem(eventSubject('referral', ev.type, ev.subject, 'agent://a'), 'referral', ev), undefined);
  const odd = { type: 'ReferralRequested', subject: 'Referral/r.1*x' };
  assert.equal(subjectEventProblem(eventSubject('referral', odd.type, odd.subject), 'referral', odd), undefined);
  assert.equal(subjectEventProblem(eventSubject('referral', 'PatientRegistered', undefined), 'referral', { type: 'PatientRegistered' }), undefined);
});

void test('type, aggregate or domain at odds with the subject, or a subject outside the scheme: "subject does not match the event" with the pointer', () => {
  const cases: [string, string, string][] = [
    ['tg.events.referral.PatientRegistered.r-1', '/type', /type is ReferralRequested, the subject's PatientRegistered/.source],
    ['tg.events.referral.ReferralRequested.r-2', '/subject', /aggregate is r-1, the subject's r-2/.source],
    ['tg.events.billing.ReferralRequested.r-1', '', /domain is billing/.source],
    ['tg.events.x', '', /not an event subject/.source],
    ['tg.events.referral.ReferralRequested._', '/subject', /aggregate is r-1, the subject's \(none\)/.source],
  ];
  for (const [subject, pointer, detail] of cases) {
    const p = subjectEventProblem(subject, 'referral', ev);
    assert.ok(p, subject);
    assert.equal(p.pointer, pointer, subject);
    assert.match(p.message, /^subject does not match the event: /);
    assert.match(p.message, new RegExp(detail));
  }
});
