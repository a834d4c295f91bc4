// Stalled consumer (scripts/faults/stalled.ts): devices that flood large attestations and never read their
// acks. The collector stops reading from them once `window` attestations are in flight, so its resident
// memory stays within the stated bound while the flooders' own buffers fill, and ordinary agents beside
// them are still served with nothing lost or duplicated.
import { expect, it } from 'vitest';
import { stalledConsumer } from '../../scripts/faults/stalled.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('stalled consumer: collector memory bounded, backpressure holds, other devices served', async () => {
  const o = await stalledConsumer({ flooders: 3, floodMs: 15_000, padding: 128 * 1024, perFlooder: 150, maxGrowthMiB: 256, agents: 2 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.details.growthMiB as number).toBeLessThan(256);
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
}, 90_000);
