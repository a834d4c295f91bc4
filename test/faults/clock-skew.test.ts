// Agent clock skew (scripts/faults/clock-skew.ts): a hello beyond the allowed skew is refused with
// E_CLOCK_SKEW and recorded as tamper; within it the offset is recorded and shown; evidence collected
// outside the window is E_TIME_WINDOW and recorded as tamper. Never silently accepted.
import { expect, it } from 'vitest';
import { clockSkew } from '../../scripts/faults/clock-skew.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('clock skew: flagged or refused with its code, never silently accepted', async () => {
  const o = await clockSkew();
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.details.tamperCodes).toEqual(['E_CLOCK_SKEW', 'E_CLOCK_SKEW', 'E_TIME_WINDOW', 'E_TIME_WINDOW']);
  expect(o.stored).toBe(1);
}, 90_000);
