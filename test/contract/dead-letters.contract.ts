/**
 * What every DeadLetterStore must do, run against each adapter (SQLite table, JetStream stream) by
 * test/adapters/dead-letters.int.spec.ts. A letter is the last copy of an event nobody could apply, so the suite
 * insists on exact round trips of the awkward parts: payloads that are not JSON, headers that carry
 * `Nats-Msg-Id`, ids with quotes and non-ASCII text.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DeadLetter, DeadLetterStore, NewDeadLetter } from '../../src/ports/dead-letters.ts';

/** A fresh, empty store of one adapter, and how to dispose of it. */
export type MakeDeadLetters = () => Promise<{ store: DeadLetterStore; cleanup(): Promise<void> }>;

function using(make: MakeDeadLetters, body: (store: DeadLetterStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, cleanup } = await make();
    try {
      await body(store);
    } finally {
      await cleanup();
    }
  };
}

let n = 0;
/** A letter with every optional field set, unique per call. */
function fullLetter(overrides: Partial<NewDeadLetter> = {}): NewDeadLetter {
  n += 1;
  return {
    eventId: `ev-"${n}"-ünïcode`,
    reason: 'invalid',
    message: `event ev-${n}: /data/priority: expected one of routine, urgent\n(second line)`,
    issues: [{ pointer: '/data/priority', message: 'expected one of routine, urgent' }],
    subject: `tg.events.clinic.Referral.${n}`,
    headers: { 'Nats-Msg-Id': `ev-${n}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    payload: `{"id":"ev-${n}","data":{"priority":"soon","note":"naïve — ✓ \\u0000"}}`,
    deliveries: 3,
    receivedAt: '2026-12-07T08:00:00.000Z',
    ...overrides,
  };
}

/** The fields a reader gets back, without the store-assigned id. */
function content(letter: DeadLetter): Omit<DeadLetter, 'id'> {
  const { id: _id, ...rest } = letter;
  return rest;
}

/** Registers the dead-letter contract's tests for one adapter. */
export function deadLetterContract(make: MakeDeadLetters): void {
  void it('put returns the letter with its id, and get reads back every field exactly', using(make, async (store) => {
    const letter = fullLetter();
    const filed = await store.put(letter);
    assert.match(filed.id, /\S/);
    assert.deepEqual(content(filed), letter);
    const read = await store.get(filed.id);
    assert.ok(read, 'get finds the letter put returned');
    assert.deepEqual(read, filed);
  }));

  void it('keeps a payload that is not JSON byte for byte, and leaves absent optional fields absent', using(make, async (store) => {
    const letter: NewDeadLetter = { reason: 'poison', message: 'deliveries exhausted', issues: [], payload: 'not json at all: \u{1F600}\r\n\ttrailing ' };
    const filed = await store.put(letter);
    const read = await store.get(filed.id);
    assert.ok(read);
    assert.equal(read.payload, letter.payload);
    for (const key of ['eventId', 'subject', 'headers', 'deliveries'] as const) assert.equal(key in read, false, `${key} is absent`);
    assert.ok(!Number.isNaN(Date.parse(read.receivedAt)), `receivedAt defaults to now (${read.receivedAt})`);
  }));

  void it('lists letters in the order they were filed, page by page with limit and afterId', using(make, async (store) => {
    const filed: DeadLetter[] = [];
    for (let i = 0; i < 7; i++) filed.push(await store.put(fullLetter({ reason: i % 2 === 0 ? 'invalid' : 'conflict' })));
    assert.deepEqual((await store.list()).map((l) => l.id), filed.map((l) => l.id));
    const pages: string[][] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await store.list({ limit: 3, ...(afterId !== undefined && { afterId }) });
      if (page.length === 0) break;
      assert.ok(page.length <= 3, 'a page holds at most limit letters');
      pages.push(page.map((l) => l.id));
      afterId = page.at(-1)!.id;
    }
    assert.deepEqual(pages.flat(), filed.map((l) => l.id), 'pages cover every letter once, in order');
    assert.deepEqual(await store.list({ limit: 0 }), []);
    assert.equal(await store.count(), 7);
  }));

  void it('remove deletes one letter (after a replay); list and count skip it; unknown ids are a no-op', using(make, async (store) => {
    const [a, b, c] = [await store.put(fullLetter()), await store.put(fullLetter()), await store.put(fullLetter())];
    await store.remove(b.id);
    assert.equal(await store.get(b.id), undefined);
    assert.deepEqual((await store.list()).map((l) => l.id), [a.id, c.id]);
    assert.deepEqual((await store.list({ afterId: a.id })).map((l) => l.id), [c.id], 'paging steps over the removed letter');
    assert.equal(await store.count(), 2);
    await store.remove(b.id);
    await store.remove('999999');
    await store.remove('not-an-id');
    assert.equal(await store.count(), 2);
    assert.equal(await store.get('not-an-id'), undefined);
    assert.equal(await store.get('999999'), undefined);
  }));

  void it('filing the same (reason, payload) again — a retry after a crash — keeps one letter', using(make, async (store) => {
    const letter = fullLetter();
    const first = await store.put(letter);
    const again = await store.put({ ...letter, receivedAt: '2026-12-07T08:00:05.000Z', deliveries: 4 });
    assert.equal(again.id, first.id);
    assert.deepEqual(again, first, 'the retry answers with the letter already filed');
    assert.equal(await store.count(), 1);
    const otherReason = await store.put({ ...letter, reason: 'conflict' });
    assert.notEqual(otherReason.id, first.id, 'the same payload refused for another reason is another letter');
    assert.equal(await store.count(), 2);
  }));
}
