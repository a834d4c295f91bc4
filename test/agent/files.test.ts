import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFiles } from '../../agent/files.js';
import { tempDir } from '../helpers/collector.js';

describe('nodeFiles.readText', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('reads a whole file, empty files included, as UTF-8', async () => {
    await writeFile(join(dir.path, 'a'), 'grüße\nline 2\n');
    await writeFile(join(dir.path, 'empty'), '');
    expect(await nodeFiles.readText(join(dir.path, 'a'))).toBe('grüße\nline 2\n');
    expect(await nodeFiles.readText(join(dir.path, 'empty'))).toBe('');
  });

  it('stops at maxBytes, for files larger and smaller than its read chunk', async () => {
    const small = 'x'.repeat(1000);
    const large = Array.from({ length: 40_000 }, (_, i) => `${i}\n`).join('');
    await writeFile(join(dir.path, 'small'), small);
    await writeFile(join(dir.path, 'large'), large);
    expect(await nodeFiles.readText(join(dir.path, 'small'), 100)).toBe(small.slice(0, 100));
    expect(await nodeFiles.readText(join(dir.path, 'small'), 1000)).toBe(small);
    expect(await nodeFiles.readText(join(dir.path, 'large'))).toBe(large);
    expect(await nodeFiles.readText(join(dir.path, 'large'), 100_000)).toBe(large.slice(0, 100_000));
  });

  it('reads procfs files, which report a size of 0, past one read chunk', async () => {
    expect(await nodeFiles.readText('/proc/self/stat')).toMatch(/^\d+ \(/);
    // Megabytes long and stable while the kernel runs.
    const whole = readFileSync('/proc/kallsyms');
    expect(whole.length).toBeGreaterThan(300_000);
    expect(await nodeFiles.readText('/proc/kallsyms', 300_000)).toBe(whole.subarray(0, 300_000).toString('utf8'));
  });

  it('is null for a missing file or a directory, never an exception', async () => {
    expect(await nodeFiles.readText(join(dir.path, 'missing'))).toBeNull();
    expect(await nodeFiles.readText(dir.path)).toBeNull();
  });

  it('gives every concurrent reader its own content', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `f${i}`);
    await Promise.all(names.map((n, i) => writeFile(join(dir.path, n), `${n}:`.repeat(i * 500 + 1))));
    const texts = await Promise.all(names.map((n) => nodeFiles.readText(join(dir.path, n))));
    expect(texts).toEqual(names.map((n, i) => `${n}:`.repeat(i * 500 + 1)));
  });
});
