// Disk full on the collector (scripts/faults/disk-full.ts): its SQLite directory on a 32 MiB tmpfs that fills
// up under streaming agents. Ingest refuses with E_DISK_FULL (the agents keep their attestations spooled),
// the collector stays up, PRAGMA integrity_check is ok, and ingest resumes when space returns.
import { expect, it } from 'vitest';
import { collectorDiskFull } from '../../scripts/faults/disk-full.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('collector disk full: E_DISK_FULL to agents, no crash, no corruption, resumes', async () => {
  const o = await collectorDiskFull({ agents: 3, intervalMs: 100, fullForMs: 8000 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.details.codesSeenByAgents).toContain('E_DISK_FULL');
  expect(o.details.integrityCheck).toBe('ok');
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
  expect(o.stored).toBe(o.sent);
}, 90_000);
