// Test doubles for the macOS checks: fixtures under test/fixtures/macos/, a plist file served the way
// collect() reads it (exists + `plutil -convert xml1 -o - <path>`), deps that answer every command and
// file with the same text (for property tests), and the verdict helpers shared with the Linux tests.
import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { expect } from 'vitest';
import { plutilArgv } from '../../../agent/checks/darwin-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../../../agent/checks/types.js';
import type { CommandRunner } from '../../../agent/runner.js';
import { NOW, ok, schemaErrors, verdictOf, type Reply } from './fakes.js';

const FIXTURES = new URL('../../fixtures/macos/', import.meta.url);

/** A recorded (or constructed, see SOURCES.md) output under test/fixtures/macos/. */
export function macFixture(rel: string): string {
  return readFileSync(new URL(rel, FIXTURES), 'utf8');
}

export const key = (argv: readonly string[]) => argv.join(' ');

/** Replies and files that make collect() find `path` with this plist content. */
export function plistAt(path: string, content: string): { replies: Record<string, Reply>; files: Record<string, string> } {
  return { replies: { [key(plutilArgv(path))]: ok(content) }, files: { [path]: content } };
}

/** Merges several plistAt() results and extra replies/files into one set. */
export function merge(...parts: { replies?: Record<string, Reply>; files?: Record<string, string> }[]) {
  return {
    replies: Object.assign({}, ...parts.map((p) => p.replies ?? {})) as Record<string, Reply>,
    files: Object.assign({}, ...parts.map((p) => p.files ?? {})) as Record<string, string>,
  };
}

/** Deps where every command prints `text` (stdout and stderr, exit 0) and every file holds it. */
export function echoDeps(text: string): CollectDeps {
  const run: CommandRunner = async (file, args) => ({ source: [file, ...args].join(' '), stdout: text, stderr: text, exitCode: 0, durationMs: 1 });
  return {
    run,
    files: { readText: async () => text, mtimeMs: async () => 0, exists: async () => true },
    now: () => NOW,
  };
}

/** Random output never makes a check pass, never throws, and always gives schema-valid facts. */
export async function assertNeverPassesOnRandom(check: PlatformCheck, arb: fc.Arbitrary<string> = fc.oneof(fc.string(), fc.string({ unit: 'binary' }))) {
  await fc.assert(
    fc.asyncProperty(arb, async (text) => {
      const c = await check.collect(echoDeps(text));
      if (c.facts !== null) expect(schemaErrors(check.id, c.facts)).toEqual([]);
      expect(verdictOf(check.id, c).status).not.toBe('pass');
    }),
    { numRuns: 150 },
  );
}

/** Plausible lines in any order and number: collect never throws and its facts stay schema-valid. */
export async function assertSchemaValidOnLines(check: PlatformCheck, lines: string[]) {
  const arb = fc
    .tuple(fc.array(fc.oneof(fc.constantFrom(...lines), fc.string()), { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
    .map(([ls, eol, bom]) => `${bom ? '\uFEFF' : ''}${ls.join(eol)}`);
  await fc.assert(
    fc.asyncProperty(arb, async (text) => {
      const c: Collected = await check.collect(echoDeps(text));
      if (c.facts !== null) expect(schemaErrors(check.id, c.facts)).toEqual([]);
      expect(['pass', 'fail', 'unknown', 'not_applicable']).toContain(verdictOf(check.id, c).status);
    }),
    { numRuns: 100 },
  );
}

/** A parser never throws on arbitrary text. */
export function assertParserTotal(parse: (text: string) => unknown) {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
    parse(text);
  }), { numRuns: 300 });
}

/** Lines of a fixture, for plausible-line properties. */
export const linesOf = (...rels: string[]) => rels.flatMap((r) => macFixture(r).split('\n')).filter((l) => l.trim() !== '');
