// Agent SIGKILL during spool writes (scripts/faults/spool-kill.ts): a real agent killed at random moments
// many times; the spool always loads, a torn entry is set aside with a log line and never sent, and the
// collector holds the agent's whole chain with no tamper event (no E_BAD_ENVELOPE, no E_CHAIN_BREAK).
import { expect, it } from 'vitest';
import { spoolKill } from '../../scripts/faults/spool-kill.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('agent SIGKILL at random moments: the spool recovers and nothing corrupt is sent', async () => {
  const o = await spoolKill({ iterations: 9, maxLifeMs: 2500 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.details.spoolLoadFailures).toBe(0);
  expect(o.details.tamperEvents).toBe(0);
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
  expect(o.stored).toBe(o.sent);
}, 90_000);
