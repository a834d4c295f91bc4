// Results the reliability report is built from (scripts/reliability.ts → RELIABILITY.md): each fault,
// hostile-input or load scenario a test runs writes one JSON file under test-output/reliability/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReliabilityRecord {
  name: string;
  category: 'fault' | 'hostile' | 'load';
  scenario: string;
  /** Attestations (or requests) the scenario produced, stored, lost and stored twice. */
  sent?: number;
  stored?: number;
  lost?: number;
  duplicated?: number;
  durationMs?: number;
  passed: boolean;
  detail?: string;
}

export const RELIABILITY_DIR = join(process.cwd(), 'test-output', 'reliability');

export function recordReliability(r: ReliabilityRecord): void {
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  const file = `${r.name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.json`;
  writeFileSync(join(RELIABILITY_DIR, file), JSON.stringify({ ...r, at: new Date().toISOString() }) + '\n');
}
