// Collector SIGKILL under load (scripts/faults/collector-kill.ts): streaming agents and real agent
// processes; the collector is killed twice mid-stream and restarted. 0 lost, 0 duplicated, hashes equal,
// chains intact, no tamper event.
import { expect, it } from 'vitest';
import { collectorKill } from '../../scripts/faults/collector-kill.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('collector SIGKILL under load: every attestation stored exactly once', async () => {
  const o = await collectorKill({ durationMs: 24_000, kills: 2, simAgents: 4, realAgents: 1, intervalMs: 100 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.sent).toBeGreaterThan(100);
  expect(o.stored).toBe(o.sent);
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
}, 90_000);
