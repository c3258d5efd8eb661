/** Progress output when stderr is not a terminal: whole plain lines, never a bar template or control codes. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createProgress } from '../../src/cli/progress.ts';

void test('not a TTY: one plain line per step start, at most every tenth, and at the end; no {placeholders}', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const p = createProgress('migrate', out);
  p.step('reading the graph', 1000);
  for (let i = 1; i <= 1000; i++) p.update(i);
  p.step('rename priority to urgency', 0);
  p.finish();
  p.stop();
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length >= 3 && lines.length <= 14, `bounded: ${lines.length} lines`);
  // eslint-disable-next-line no-control-regex -- asserting the absence of terminal escape codes
  for (const l of lines) assert.match(l, /^migrate: [^{}\u001b]+ \d+\/\d+ \(\d+%\)$/);
  assert.equal(lines[0], 'migrate: reading the graph 0/1000 (0%)');
  assert.ok(lines.includes('migrate: reading the graph 1000/1000 (100%)'));
  assert.equal(lines.at(-1), 'migrate: rename priority to urgency 0/0 (100%)');
});
