/**
 * The network the referrals flow through: specialties, their specialists (with capacities) and the general
 * practitioners who refer. Published as ordinary events through the client, with deterministic ids, so
 * seeding twice (e.g. `--store` reused) changes nothing.
 */
import type { TrailgraphClient } from '../../client/index.ts';
import { GP_COUNT, SPECIALTIES, createRandom, specialistsFor } from './synthetic.ts';

const GP_NAMES = ['Dr Ada Moss', 'Dr Bram Hollin', 'Dr Cleo Vale', 'Dr Dev Larch', 'Dr Esme Rook', 'Dr Finn Sedge', 'Dr Gia Thorn', 'Dr Hal Pell'];

/** Publishes the seed events; resolves with how many there were. */
export async function seedNetwork(client: TrailgraphClient, seed: number): Promise<number> {
  const events: Record<string, unknown>[] = [];
  const time = new Date().toISOString();
  const base = { specversion: '1.0', source: 'agent://seed', time };
  for (const spec of SPECIALTIES) {
    for (const s of specialistsFor(spec, seed)) {
      events.push({
        ...base, id: `seed-${s.id}`, type: 'SpecialistRegistered', subject: `Specialist/${s.id}`,
        data: { '@type': 'Specialist', id: s.id, name: s.name, npi: s.npi, maxActiveReferrals: s.capacity, acceptingReferrals: true,
          hasSpecialty: [{ '@type': 'Specialty', id: `spec-${spec.code.toLowerCase()}`, code: spec.code, name: spec.name }] },
      });
    }
  }
  const rnd = createRandom(seed);
  for (let i = 1; i <= GP_COUNT; i++) {
    const npi = String(1_000_000_000 + Math.floor(rnd() * 8_999_999_999)).slice(0, 10);
    events.push({
      ...base, id: `seed-gp-${i}`, type: 'PractitionerRegistered', subject: `Practitioner/gp-${i}`,
      data: { '@type': 'GeneralPractitioner', id: `gp-${i}`, name: GP_NAMES[(i - 1) % GP_NAMES.length], npi },
    });
  }
  for (const e of events) await client.publish(e);
  return events.length;
}
