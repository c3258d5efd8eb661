/** Referral-domain events and a small Prometheus text parser for the observability tests. */

let counter = 0;

/** A valid PatientRegistered CloudEvent (referral ontology v2). */
export function patient(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const n = String(++counter).padStart(6, '0');
  return {
    specversion: '1.0', id: `evt-${id}-${counter}`, source: 'agent://intake', type: 'PatientRegistered', subject: `Patient/${id}`,
    time: new Date().toISOString(), ...extra,
    data: { '@type': 'Patient', id, name: 'Ann Lee', birthDate: '1970-02-03', mrn: `MRN-${n}` },
  };
}

/** A valid ReferralRequested CloudEvent (referral ontology v2). */
export function referral(id: string, patientId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0', id: `evt-${id}-${++counter}`, source: 'agent://intake', type: 'ReferralRequested', subject: `Referral/${id}`,
    time: new Date().toISOString(), ...extra,
    data: {
      '@type': 'Referral', id, reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested',
      requestedAt: '2026-11-21T09:00:00Z', forPatient: patientId,
      referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
      requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
    },
  };
}

export interface Scrape {
  readonly text: string;
  readonly samples: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

/** GETs /metrics and parses the samples. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`, { headers });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const samples: Scrape['samples'][number][] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return { text, samples };
}

/** The sum of the samples of `name` whose labels include `labels` (0 when none). */
export function sample(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const x of s.samples) {
    if (x.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => x.labels[k] === v)) sum += x.value;
  }
  return sum;
}
