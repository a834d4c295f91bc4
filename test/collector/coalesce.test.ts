// The coalescer behind batched hello lookups and session starts: calls made while a batch runs go out
// together in the next; each caller gets its own key's answer; a failed batch fails only its own callers.
import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../collector/ingest/coalesce.js';

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

describe('Coalescer', () => {
  it('runs the first call at once and the calls made meanwhile as one batch, latest argument per key', async () => {
    const batches: [string, number][][] = [];
    const first = deferred();
    const c = new Coalescer<string, number, string>(async (batch) => {
      batches.push([...batch]);
      if (batches.length === 1) await first.gate;
      return new Map([...batch].map(([k, a]) => [k, `${k}:${a}`]));
    });
    const p1 = c.call('a', 1);
    const rest = [c.call('b', 2), c.call('c', 3), c.call('b', 4)];
    first.release();
    expect(await p1).toBe('a:1');
    expect(await Promise.all(rest)).toEqual(['b:4', 'c:3', 'b:4']);
    expect(batches).toEqual([[['a', 1]], [['b', 4], ['c', 3]]]);
  });

  it('splits a long queue into batches of at most maxBatch keys', async () => {
    const sizes: number[] = [];
    const c = new Coalescer<number, null, number>(async (batch) => {
      sizes.push(batch.size);
      return new Map([...batch.keys()].map((k) => [k, k * 2]));
    }, 3);
    const out = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((k) => c.call(k, null)));
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });

  it('rejects the callers of a failed batch and still serves the next one', async () => {
    let n = 0;
    const c = new Coalescer<string, null, string>(async (batch) => {
      if (++n === 1) throw new Error('database unavailable');
      return new Map([...batch.keys()].map((k) => [k, 'ok']));
    });
    const failed = c.call('x', null);
    await expect(failed).rejects.toThrow('database unavailable');
    expect(await c.call('y', null)).toBe('ok');
  });
});
