// PostgreSQL restart (scripts/faults/pg-restart.ts), pg project only: a collector process on its own
// PostgreSQL server, restarted twice while agents stream. The collector neither crashes nor wedges, agents
// retry, and afterwards every attestation is stored exactly once.
import { expect, it } from 'vitest';
import { pgRestart } from '../../scripts/faults/pg-restart.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('PostgreSQL restart mid-stream: no crash, no wedge, 0 lost, 0 duplicated', async () => {
  const o = await pgRestart({ restarts: 2, agents: 4, intervalMs: 100, downMs: 1500, betweenMs: 5000 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
  expect(o.stored).toBe(o.sent);
}, 90_000);
