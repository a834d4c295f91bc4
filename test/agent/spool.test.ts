import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/spool.js';
import { ensureStateDir, statePaths, type StatePaths } from '../../agent/state.js';
import { tempDir } from '../helpers/collector.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let paths: StatePaths;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

beforeEach(async () => {
  dir = await tempDir('vigil-spool-');
  paths = statePaths(dir.path);
  await ensureStateDir(paths);
});
afterEach(async () => dir.cleanup());

describe('spool', () => {
  it('appends in sequence, advances the chain head and survives reopening', async () => {
    const s = await Spool.open(paths);
    expect(s.chainHead()).toEqual({ lastSeq: 0, lastHash: null });
    await s.append(1, '{"a":1}');
    await s.append(2, '{"a":2}');
    expect(s.chainHead()).toEqual({ lastSeq: 2, lastHash: sha('{"a":2}') });
    const again = await Spool.open(paths);
    expect(again.chainHead()).toEqual({ lastSeq: 2, lastHash: sha('{"a":2}') });
    expect(await again.pendingSeqs()).toEqual([1, 2]);
    expect(await again.read(1)).toBe('{"a":1}');
  });

  it('refuses to append out of sequence', async () => {
    const s = await Spool.open(paths);
    await expect(s.append(2, '{}')).rejects.toMatchObject({ code: 'E_STATE_CORRUPT' });
  });

  it('deletes only acked entries', async () => {
    const s = await Spool.open(paths);
    for (let i = 1; i <= 4; i++) await s.append(i, `{"n":${i}}`);
    await s.ackUpTo(2);
    expect(await s.pendingSeqs()).toEqual([3, 4]);
    await s.ackUpTo(2);
    expect(await s.pendingSeqs()).toEqual([3, 4]);
    expect(s.chainHead().lastSeq).toBe(4);
  });

  it('recovers the chain head from the newest spool file after a crash between the two writes', async () => {
    const s = await Spool.open(paths);
    await s.append(1, '{"n":1}');
    // Simulate a crash after the spool file was written but before chain.json was updated.
    writeFileSync(join(paths.spool, '000000000002.json'), '{"n":2}');
    const reopened = await Spool.open(paths);
    expect(reopened.chainHead()).toEqual({ lastSeq: 2, lastHash: sha('{"n":2}') });
  });

  it('ignores temporary files left by an interrupted write', async () => {
    const s = await Spool.open(paths);
    await s.append(1, '{"n":1}');
    writeFileSync(join(paths.spool, '000000000002.json.tmp-999'), '{"n":');
    const reopened = await Spool.open(paths);
    expect(await reopened.pendingSeqs()).toEqual([1]);
    expect(reopened.chainHead().lastSeq).toBe(1);
    expect(readdirSync(paths.spool)).toContain('000000000002.json.tmp-999');
  });
});
