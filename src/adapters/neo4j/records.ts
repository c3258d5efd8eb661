/** Driver rows → port records. Bookkeeping keys start with `_` and never reach callers. */
import { labelsOf, type CompiledOntology } from '../../core/ontology/model.ts';
import type { AppliedChange, NodeRef, PropertyValue } from '../../core/projection/change-set.ts';
import { strengthAt } from '../../core/marks/decay.ts';
import type { Claim, LedgerEntry, NodeRecord, RelationshipRecord, SignalMark } from '../../core/store/records.ts';
import { ANY_CLASS } from '../../core/projection/planner.ts';

type Props = Record<string, unknown>;
const propsOf = (n: unknown): Props => ((n as { properties?: Props }).properties ?? (n as Props));

export function toNodeRecord(ontology: CompiledOntology | undefined, n: unknown): NodeRecord {
  const p = propsOf(n);
  const cls = String(p._class);
  const properties: Record<string, PropertyValue> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'id' && !k.startsWith('_')) properties[k] = v as PropertyValue;
  return {
    id: String(p.id),
    class: cls,
    labels: ontology ? labelsOf(ontology, cls) : [cls],
    properties,
    provenance: { eventId: String(p._eventId), source: String(p._source), time: String(p._time), seq: Number(p._seq), createdSeq: Number(p._createdSeq) },
  };
}

export function toRelationshipRecord(r: Props): RelationshipRecord {
  return {
    type: String(r.type),
    from: r.from as NodeRef,
    to: r.to as NodeRef,
    provenance: { eventId: String(r.eventId), source: String(r.source), time: String(r.time), seq: Number(r.seq), createdSeq: Number(r.createdSeq) },
  };
}

export function toLedgerEntry(l: unknown): LedgerEntry {
  const p = propsOf(l);
  const opt = (k: string) => (typeof p[k] === 'string' ? { [k]: p[k] as string } : {});
  return {
    seq: Number(p.seq),
    kind: p.kind as LedgerEntry['kind'],
    eventId: String(p.eventId),
    type: String(p.type),
    source: String(p.source),
    time: String(p.time),
    committedAt: String(p.committedAt),
    ...opt('subject'),
    ...opt('traceparent'),
    ...opt('correlationid'),
    ...opt('causationid'),
    changes: JSON.parse(String(p.changes)) as AppliedChange[],
    ...(typeof p.event === 'string' && { event: JSON.parse(p.event) as Record<string, unknown> }),
  };
}

const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

const optNumber = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** A stored mark as a SignalMark, its strength decayed to `now` by core's formula. */
export function toSignalMark(m: Props, now: number): SignalMark {
  const halfLifeMs = optNumber(m.halfLifeMs);
  const initialStrength = Number(m.strength);
  return {
    id: String(m.id),
    on: { id: String(m.on), class: String(m.onClass ?? ANY_CLASS) },
    kind: String(m.kind),
    strength: strengthAt({ strength: initialStrength, halfLifeMs, reinforcedAt: Number(m.reinforcedAt), expiresAt: Number(m.expiresAt) }, now),
    initialStrength,
    ...(halfLifeMs !== undefined && { halfLifeMs }),
    expiresAt: iso(m.expiresAt),
    agent: String(m.agent),
    ...(typeof m.note === 'string' && { note: m.note }),
    createdAt: iso(m.createdAt),
    createdSeq: Number(m.createdSeq ?? 0),
    reinforcedAt: iso(m.reinforcedAt),
  };
}

export function toClaim(on: string, onClass: unknown, purpose: string, r: Props | { readonly agent: string; readonly token: number; readonly expiresAt: number; readonly grantedAt: number }): Claim {
  return {
    on: { id: on, class: String(onClass ?? ANY_CLASS) },
    purpose,
    agent: String(r.agent),
    token: Number(r.token),
    expiresAt: iso(r.expiresAt),
    grantedAt: iso(r.grantedAt),
  };
}
