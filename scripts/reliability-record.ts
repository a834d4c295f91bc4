// One scenario's result as the reliability report reads it (scripts/reliability.ts → RELIABILITY.md):
// fault, hostile-input and load scenarios each write test-output/reliability/<name>.json.
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
  /** Scenario-specific measurements (RSS, delays, error codes seen). */
  details?: Record<string, unknown>;
  /** What did not hold, in words; empty when passed. */
  failures?: string[];
  at?: string;
}

export const RELIABILITY_DIR = join(process.cwd(), 'test-output', 'reliability');

export function recordReliability(r: ReliabilityRecord, dir = RELIABILITY_DIR): void {
  mkdirSync(dir, { recursive: true });
  const file = `${r.name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.json`;
  writeFileSync(join(dir, file), JSON.stringify({ ...r, at: new Date().toISOString() }) + '\n');
}
