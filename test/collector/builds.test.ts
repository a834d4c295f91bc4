import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKnownBuilds, buildsFrom, knownBuilds, readKnownBuilds } from '../../collector/builds/index.js';
import { tempDir } from '../helpers/collector.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir('vigil-builds-');
});
afterAll(async () => {
  await dir.cleanup();
});

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const now = new Date('2026-01-01T00:00:00Z');

describe('known agent builds', () => {
  it('adds the binaries of a build manifest and bare hashes, once each; the checker follows the file', async () => {
    const known = knownBuilds(dir.path);
    expect(known.isKnownBuild(A)).toBe(false);
    const manifest = join(dir.path, 'manifest.json');
    await writeFile(manifest, JSON.stringify({ version: '0.2.0', binaries: [{ target: 'linux-x64', file: 'x', bytes: 1, sha256: A }] }));
    expect(await addKnownBuilds(dir.path, await buildsFrom(manifest, now))).toBe(1);
    expect(await addKnownBuilds(dir.path, await buildsFrom(`sha256:${B.toUpperCase()}`, now, '0.2.0'))).toBe(1);
    expect(await addKnownBuilds(dir.path, await buildsFrom(A, now))).toBe(0);
    expect(readKnownBuilds(dir.path)).toEqual([
      { sha256: A, version: '0.2.0', target: 'linux-x64', addedAt: now.toISOString() },
      { sha256: B, version: '0.2.0', target: null, addedAt: now.toISOString() },
    ]);
    expect(known.isKnownBuild(A)).toBe(true);
    expect(known.isKnownBuild(B)).toBe(true);
    expect(known.isKnownBuild('c'.repeat(64))).toBe(false);
    expect(known.isKnownBuild(undefined)).toBe(false);
  });

  it('refuses input that is neither a SHA-256 nor a manifest, with E_BAD_REQUEST', async () => {
    await expect(buildsFrom('not-a-hash', now)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    const empty = join(dir.path, 'empty.json');
    await writeFile(empty, '{"binaries": []}');
    await expect(buildsFrom(empty, now)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });
});
