// Disk full on the agent (scripts/faults/disk-full.ts): its state directory on a 2 MiB tmpfs that fills up.
// Each cycle fails with E_DISK_FULL, the agent keeps running, key/enrolment/chain/spool stay intact and it
// attests again once space returns; the collector holds the whole chain, no tamper event.
import { expect, it } from 'vitest';
import { agentDiskFull } from '../../scripts/faults/disk-full.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('agent disk full: E_DISK_FULL, no corruption, resumes when space returns', async () => {
  const o = await agentDiskFull({ fullForMs: 6000 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.details.diskFullLogLines).toBeGreaterThan(0);
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
}, 90_000);
