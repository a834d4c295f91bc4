// Network partition (scripts/faults/partition.ts): a real agent in a network namespace; nftables drops its
// session silently and refuses new connections. The agent notices (keepalive), backs off with growing,
// capped waits, and delivers everything spooled once the partition heals: 0 lost, 0 duplicated.
import { expect, it } from 'vitest';
import { partition } from '../../scripts/faults/partition.js';
import { recordOutcome } from '../../scripts/faults/harness.js';

it('network partition: back-off grows and is capped, delivery resumes, nothing lost or duplicated', async () => {
  const o = await partition({ partitions: 1, partitionMs: 15_000, maxBackoffMs: 5000, keepaliveMs: 2000 });
  await recordOutcome(o);
  console.log(JSON.stringify(o));
  expect(o.failures).toEqual([]);
  expect(o.lost).toBe(0);
  expect(o.duplicated).toBe(0);
  expect(o.stored).toBe(o.sent);
}, 90_000);
