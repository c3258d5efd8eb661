/**
 * The subclass hierarchy of an ontology, answered on demand. Materialising every class's ancestor set up front is
 * quadratic in a deep hierarchy (a 50,000-deep chain holds 1.25 billion ancestor entries), so nothing here is
 * computed before it is asked for, and what is asked for is remembered.
 */

/** Ancestors, descendants and subclass tests over direct `superClasses` facts (local names). */
export class ClassHierarchy {
  private readonly order = new Map<string, number>();
  private readonly children = new Map<string, string[]>();
  private readonly ancestorMemo = new Map<string, readonly string[]>();
  private readonly ancestorSetMemo = new Map<string, ReadonlySet<string>>();
  private readonly descendantMemo = new Map<string, readonly string[]>();

  /** `classes` in declaration order (it orders `descendants`); `parents` gives a class's direct superclasses. */
  constructor(classes: Iterable<string>, private readonly parents: (name: string) => readonly string[]) {
    for (const name of classes) {
      this.order.set(name, this.order.size);
      for (const p of parents(name)) {
        const list = this.children.get(p);
        if (list) list.push(name);
        else this.children.set(p, [name]);
      }
    }
  }

  /** Every superclass, transitively, nearest first, without the class itself (even on a cycle). */
  ancestors(name: string): readonly string[] {
    const known = this.ancestorMemo.get(name);
    if (known) return known;
    const out = walk(name, this.parents);
    this.ancestorMemo.set(name, out);
    return out;
  }

  /** Every subclass, transitively, in declaration order. */
  descendants(name: string): readonly string[] {
    const known = this.descendantMemo.get(name);
    if (known) return known;
    const rank = (n: string): number => this.order.get(n) ?? Number.MAX_SAFE_INTEGER;
    const out = [...walk(name, (n) => this.children.get(n) ?? [])].sort((a, b) => rank(a) - rank(b));
    this.descendantMemo.set(name, out);
    return out;
  }

  /** Whether `name` is `ancestor` or one of its subclasses. */
  isA(name: string, ancestor: string): boolean {
    if (name === ancestor) return true;
    let set = this.ancestorSetMemo.get(name);
    if (!set) {
      set = new Set(this.ancestors(name));
      this.ancestorSetMemo.set(name, set);
    }
    return set.has(ancestor);
  }

  /** Classes that are their own ancestor, in declaration order: each lies on an rdfs:subClassOf cycle. */
  cyclic(): string[] {
    // Iterative three-colour depth-first search: linear in classes + subclass facts, whatever the depth.
    const state = new Map<string, 1 | 2>();
    const onCycle = new Set<string>();
    for (const root of this.order.keys()) {
      if (state.has(root)) continue;
      const path: string[] = [];
      const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
      state.set(root, 1);
      path.push(root);
      while (stack.length) {
        const top = stack[stack.length - 1] as { name: string; next: number };
        const ps = this.parents(top.name);
        if (top.next < ps.length) {
          const p = ps[top.next++] as string;
          const s = state.get(p);
          if (s === 1) for (let i = path.lastIndexOf(p); i < path.length; i++) onCycle.add(path[i] as string);
          else if (s === undefined && this.order.has(p)) {
            state.set(p, 1);
            path.push(p);
            stack.push({ name: p, next: 0 });
          }
        } else {
          state.set(top.name, 2);
          path.pop();
          stack.pop();
        }
      }
    }
    return [...this.order.keys()].filter((n) => onCycle.has(n));
  }
}

/** Breadth-first closure of `next` from `start`, nearest first, without `start` (a cycle leads back to it). */
function walk(start: string, next: (name: string) => readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let frontier: readonly string[] = next(start);
  while (frontier.length) {
    const following: string[] = [];
    for (const c of frontier) {
      if (c === start || seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      for (const n of next(c)) following.push(n);
    }
    frontier = following;
  }
  return out;
}
