/**
 * The emergent process, reconstructed: no orchestrator wrote it down, but every event says what it reacted to
 * (`causationid`) and which process it belongs to (`correlationid`). From the ledger entries of one correlation
 * this builds the causal DAG — who reacted to what, how long each reaction took, how deep each step is. Pure.
 */

/** A ledger event as the process view needs it. */
export interface ProcessEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  /** The agent. */
  readonly source: string;
  readonly time: string;
  readonly committedAt: string;
  readonly subject?: string;
  readonly causationid?: string;
  readonly correlationid?: string;
  readonly traceparent?: string;
}

/** One step of the process: an event, what caused it and what it caused. */
export interface ProcessStep extends ProcessEvent {
  /** Causation steps from a root of the process (0 for a root). */
  readonly depth: number;
  /** The cause, when it is part of this process (otherwise the step is a root). */
  readonly causedBy?: string;
  /** Time from the cause's commit to this event's commit (the reacting agent's reaction time, ms). */
  readonly reactionMs?: number;
  /** Event ids of the steps this one caused. */
  readonly effects: readonly string[];
}

export interface ProcessView {
  readonly correlationId: string;
  /** In commit order. */
  readonly steps: readonly ProcessStep[];
  /** Steps with no cause inside the process. */
  readonly roots: readonly string[];
  /** Agents in order of their first step. */
  readonly agents: readonly string[];
  /** First commit to last commit (ms). */
  readonly durationMs: number;
}

/** Builds the causal DAG of `events` (any order; duplicates by event id ignored). */
export function buildProcess(correlationId: string, events: readonly ProcessEvent[]): ProcessView {
  const byId = new Map<string, ProcessEvent>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) if (!byId.has(e.eventId)) byId.set(e.eventId, e);
  const effects = new Map<string, string[]>();
  for (const e of byId.values()) {
    if (e.causationid !== undefined && byId.has(e.causationid) && e.causationid !== e.eventId) {
      const list = effects.get(e.causationid) ?? [];
      list.push(e.eventId);
      effects.set(e.causationid, list);
    }
  }
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    // Iterative walk up the causes (a corrupt ledger could hold a cycle: stop at the first repeat).
    const path: string[] = [];
    const seen = new Set<string>();
    let at: string | undefined = id;
    let base = -1;
    while (at !== undefined && !seen.has(at)) {
      const d = depth.get(at);
      if (d !== undefined) {
        base = d;
        break;
      }
      seen.add(at);
      path.push(at);
      const cause: string | undefined = byId.get(at)?.causationid;
      at = cause !== undefined && byId.has(cause) ? cause : undefined;
    }
    for (let i = path.length - 1; i >= 0; i--) depth.set(path[i] as string, ++base);
    return depth.get(id) ?? 0;
  };
  const steps: ProcessStep[] = [];
  const roots: string[] = [];
  const agents: string[] = [];
  for (const e of byId.values()) {
    const cause = e.causationid !== undefined && e.causationid !== e.eventId ? byId.get(e.causationid) : undefined;
    if (!cause) roots.push(e.eventId);
    if (!agents.includes(e.source)) agents.push(e.source);
    steps.push({
      ...e,
      depth: depthOf(e.eventId),
      ...(cause && { causedBy: cause.eventId, reactionMs: Math.max(0, Date.parse(e.committedAt) - Date.parse(cause.committedAt)) }),
      effects: effects.get(e.eventId) ?? [],
    });
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  return { correlationId, steps, roots, agents, durationMs: first && last ? Math.max(0, Date.parse(last.committedAt) - Date.parse(first.committedAt)) : 0 };
}

/** The process as text: one line per step, indented by depth, with agent and reaction time. */
export function formatProcess(view: ProcessView): string {
  const lines = [`process ${view.correlationId}: ${view.steps.length} event(s) by ${view.agents.length} agent(s) over ${view.durationMs} ms`];
  const byId = new Map(view.steps.map((s) => [s.eventId, s]));
  const printed = new Set<string>();
  const print = (s: ProcessStep, indent: number): void => {
    if (printed.has(s.eventId)) return;
    printed.add(s.eventId);
    const reaction = s.reactionMs === undefined ? '' : `  +${s.reactionMs} ms`;
    lines.push(`${'  '.repeat(indent)}${indent > 0 ? '└─ ' : ''}#${s.seq} ${s.type}${s.subject ? ` on ${s.subject}` : ''}  by ${s.source}${reaction}  (${s.eventId})`);
    for (const e of s.effects) {
      const next = byId.get(e);
      if (next) print(next, indent + 1);
    }
  };
  for (const r of view.roots) {
    const s = byId.get(r);
    if (s) print(s, 0);
  }
  return lines.join('\n');
}
