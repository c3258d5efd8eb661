/**
 * Prints the top frames of a V8 .cpuprofile (from `node --cpu-prof`): self time and total (inclusive) time, in ms
 * and as a share of the profile, so a bench run says where the CPU went without opening DevTools.
 *
 *   node --import tsx bench/support/profile-top.ts <file.cpuprofile> [top=30] [filter regexp on url]
 *
 * Total time counts a frame once per sample even when it recurses. `(idle)` is the thread waiting for I/O.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, filterArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [top] [url filter]');
const top = Number(topArg ?? 30);
const filter = filterArg ? new RegExp(filterArg) : undefined;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node): string => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench|test)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
p.samples.forEach((id, i) => {
  const dt = (p.timeDeltas[i] ?? 0) / 1000;
  all += dt;
  const n = byId.get(id);
  if (!n) return;
  self.set(label(n), (self.get(label(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const node = byId.get(cur);
    if (!node) break;
    const l = label(node);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});

const idle = self.get('(idle)') ?? 0;
console.log(`${file}: ${all.toFixed(0)} ms sampled, ${(all - idle).toFixed(0)} ms busy (${idle.toFixed(0)} ms idle)`);
const print = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (ms, % of busy)`);
  [...m.entries()]
    .filter(([l]) => l !== '(idle)' && l !== '(root)' && (!filter || filter.test(l)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([l, ms]) => console.log(`${ms.toFixed(0).padStart(7)} ${((100 * ms) / (all - idle)).toFixed(1).padStart(5)}%  ${l}`));
};
print('self', self);
print('total', total);
