/** Prepare-worker setup for the benches: the clinic test ontology (see src/app/ingest/prepare-worker.ts). */
import type { PrepareSetup } from '../../src/app/ingest/prepare-worker.ts';
import { clinicOntology } from '../../test/fixtures/clinic-ontology.ts';

export default function setup(): PrepareSetup {
  return { ontology: clinicOntology() };
}
