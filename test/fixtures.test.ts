// Every recorded output under test/fixtures must be read and asserted by some test, and listed in
// SOURCES.md with its provenance: a fixture nobody reads is evidence nobody checked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('./', import.meta.url));
const fixturesDir = join(root, 'fixtures');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const fixtures = walk(fixturesDir)
  .map((p) => relative(fixturesDir, p).split('\\').join('/'))
  .filter((p) => p !== 'SOURCES.md');
const testSources = walk(root)
  .filter((p) => p.endsWith('.ts') && !p.startsWith(fixturesDir))
  .map((p) => readFileSync(p, 'utf8'))
  .join('\n');
const sources = readFileSync(join(fixturesDir, 'SOURCES.md'), 'utf8');

describe('test fixtures', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThan(50);
  });

  it.each(fixtures)('%s is read by a test', (rel) => {
    // Tests name fixtures by <command>/<file> relative to their platform folder.
    const [, ...rest] = rel.split('/');
    expect(testSources.includes(rest.join('/')) || testSources.includes(rel), `no test reads ${rel}`).toBe(true);
  });

  it.each(fixtures)('%s has a provenance line in SOURCES.md', (rel) => {
    expect(sources.includes(rel), `SOURCES.md does not list ${rel}`).toBe(true);
  });
});
