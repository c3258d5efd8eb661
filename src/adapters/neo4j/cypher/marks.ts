/**
 * Signal marks: (:TrailgraphMark {id, on, kind, strength, firstStrength, halfLifeMs, ttlMs, agent, note, createdAt,
 * createdSeq (the seq of the ledger row that recorded it: the tie-break of core's mark order),
 * reinforcedAt, expiresAt}) with times in epoch ms, joined to nodes by id. Writes run after the head lock, and lock
 * the mark itself before reading it (SET m._lock first), so reinforce/remove/sweep never act on a stale read.
 * Marks are read as stored; the decayed strength is computed by core's formula (core/marks/decay.ts).
 */
import { FloatParam, type Statement } from './statement.ts';

/** The map a SignalMark is read from (`onClass` from the marked node); `strength` as of the last reinforcement. */
const MARK_MAP = '{id: m.id, on: m.on, onClass: n._class, kind: m.kind, strength: m.strength, halfLifeMs: m.halfLifeMs, expiresAt: m.expiresAt, agent: m.agent, note: m.note, createdAt: m.createdAt, createdSeq: m.createdSeq, reinforcedAt: m.reinforcedAt, firstStrength: m.firstStrength, ttlMs: m.ttlMs}';

export interface MarkProps {
  readonly id: string;
  readonly on: string;
  readonly kind: string;
  readonly strength: number;
  readonly firstStrength: number;
  readonly halfLifeMs: number | null;
  readonly ttlMs: number | null;
  readonly agent: string;
  readonly note: string | null;
  readonly createdAt: number;
  readonly createdSeq: number;
  readonly reinforcedAt: number;
  readonly expiresAt: number;
}

/** Creates a mark on an existing node; no row when the node does not exist. */
export function createMark(props: MarkProps): Statement {
  return {
    cypher: `MATCH (n:TrailgraphNode {id: $props.on}) CREATE (m:TrailgraphMark) SET m = $props RETURN ${MARK_MAP} AS mark`,
    // Strengths are FLOAT even when integral (1), so the decay arithmetic and reads see one type.
    params: { props: { ...props, strength: new FloatParam(props.strength), firstStrength: new FloatParam(props.firstStrength) } },
  };
}

/** Locks and reads a live mark. */
export function lockMark(markId: string): Statement {
  return {
    cypher: `MATCH (m:TrailgraphMark {id: $markId}) SET m._lock = true WITH m OPTIONAL MATCH (n:TrailgraphNode {id: m.on}) RETURN ${MARK_MAP} AS mark`,
    params: { markId },
  };
}

/** Reinforces a locked mark: new strength at `now`, new expiry. */
export function reinforceMark(markId: string, strength: number, expiresAt: number, now: number): Statement {
  return {
    cypher: `MATCH (m:TrailgraphMark {id: $markId}) SET m.strength = $strength, m.reinforcedAt = $now, m.expiresAt = $expiresAt WITH m OPTIONAL MATCH (n:TrailgraphNode {id: m.on}) RETURN ${MARK_MAP} AS mark`,
    params: { markId, strength: new FloatParam(strength), expiresAt, now },
  };
}

export function deleteMark(markId: string): Statement {
  return { cypher: 'MATCH (m:TrailgraphMark {id: $markId}) DELETE m', params: { markId } };
}

/** Locks and deletes every mark that evaporated by `now`, returning each as it was (oldest expiry first). */
export function sweepMarks(now: number): Statement {
  return {
    cypher:
      `MATCH (m:TrailgraphMark) WHERE m.expiresAt <= $now SET m._lock = true WITH m ORDER BY m.expiresAt, m.id ` +
      `OPTIONAL MATCH (n:TrailgraphNode {id: m.on}) WITH m, ${MARK_MAP} AS mark DELETE m RETURN mark`,
    params: { now },
  };
}

/** Live (unexpired) marks on nodes, optionally of one kind; the caller applies the strength threshold. */
export function marksOn(ids: readonly string[], kind: string | null, now: number): Statement {
  return {
    cypher:
      'UNWIND $ids AS nodeId MATCH (m:TrailgraphMark {on: nodeId}) ' +
      'WHERE m.expiresAt > $now AND ($kind IS NULL OR m.kind = $kind) ' +
      `OPTIONAL MATCH (n:TrailgraphNode {id: nodeId}) RETURN ${MARK_MAP} AS mark ORDER BY mark.on, mark.createdAt, mark.createdSeq`,
    params: { ids, kind, now },
  };
}
