/** The marks benchmark's events: PatientRegistered of the referral ontology; the event id carries its index. */

/** Event `i` of run `run`. */
export function patientRegistered(run: string, i: number): { id: string; subject: string; payload: Record<string, unknown> } {
  const id = `mk-${run}-${i}`;
  const subject = `Patient/bp-${run}-${i}`;
  return {
    id,
    subject,
    payload: {
      specversion: '1.0', id, source: 'agent://bench', type: 'PatientRegistered', subject, time: new Date().toISOString(),
      data: { '@type': 'Patient', id: `bp-${run}-${i}`, name: 'Bench Patient', birthDate: '1980-01-01', mrn: `MRN-${String(i % 1_000_000).padStart(6, '0')}` },
    },
  };
}

/** The index `i` back from an event id of run `run` (marks carry the event id); -1 for other runs (warm-up). */
export function indexOf(run: string, eventId: string): number {
  const prefix = `mk-${run}-`;
  return eventId.startsWith(prefix) ? Number(eventId.slice(prefix.length)) : -1;
}

/** Events published before the measured ones (JIT, connections, SQLite page cache), not counted. */
export const warmupCount = (rate: number): number => Math.min(500, Math.max(50, Math.round(rate / 2)));
