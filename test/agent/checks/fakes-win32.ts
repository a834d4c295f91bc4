// Test doubles for the Windows checks: fixtures under test/fixtures/windows/, a runner that answers by
// exact argv (PowerShell argv carries the whole script, so program names cannot tell probes apart) and
// records the options each command was run with, and small builders for psProbes()-shaped JSON.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { CommandResult, CommandRunner, RunOptions } from '../../../agent/runner.js';
import type { CollectDeps } from '../../../agent/checks/types.js';
import { fakeFiles, NOW, schemaErrors, verdictOf, type Reply } from './fakes.js';

export { exit, notFound, ok, schemaErrors, timedOut, verdictOf, NOW, type Reply } from './fakes.js';

const FIXTURES = new URL('../../fixtures/windows/', import.meta.url);

/** A recorded capture under test/fixtures/windows/ (see test/fixtures/SOURCES.md). */
export function winFixture(rel: string): string {
  return readFileSync(new URL(rel, FIXTURES), 'utf8');
}

export interface Call {
  argv: string[];
  opts: RunOptions | undefined;
}

/** Replies by exact argv; anything else behaves as not installed. */
export function argvRunner(replies: Array<readonly [readonly string[], Reply]>, calls: Call[] = []): CommandRunner {
  return async (file, args, opts) => {
    const argv = [file, ...args];
    calls.push({ argv, opts });
    const hit = replies.find(([a]) => a.length === argv.length && a.every((x, i) => x === argv[i]));
    const r: Reply = hit ? hit[1] : { exitCode: null, failure: 'not-found' };
    const out: CommandResult = {
      source: argv.join(' '),
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      exitCode: r.exitCode === undefined ? 0 : r.exitCode,
      durationMs: 1,
    };
    if (r.failure) out.failure = r.failure;
    return out;
  };
}

export function winDeps(replies: Array<readonly [readonly string[], Reply]>, files: Record<string, string> = {}, now = NOW): { deps: CollectDeps; calls: Call[] } {
  const calls: Call[] = [];
  return { deps: { run: argvRunner(replies, calls), files: fakeFiles(files), now: () => now }, calls };
}

/** What psProbes() prints for a probe that threw. */
export function probeError(error: string, id: string, category: string) {
  return { error, id, category };
}

/** PowerShell printing its error record on stderr with exit code 1 (how a script fails under -Command). */
export function psThrew(message: string, fqid: string, category: string): Reply {
  return { stdout: '', stderr: `${message}\r\n    + CategoryInfo          : ${category}\r\n    + FullyQualifiedErrorId : ${fqid}\r\n`, exitCode: 1 };
}

/**
 * Property: whatever text a parser is given, it does not throw, the facts it leads to are valid for the
 * check's schema, and the shared evaluation never says pass. `plausible` lines are shuffled into
 * inputs too; callers leave out at least one line a pass would need.
 */
export function assertNeverPasses(checkId: string, toFacts: (text: string) => unknown, plausible: string[] = ['']): void {
  const texts = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.array(fc.constantFrom(...plausible), { maxLength: 30 }).map((a) => a.join('\r\n')),
    fc.array(fc.oneof(fc.constantFrom(...plausible), fc.string()), { maxLength: 30 }).map((a) => a.join('\n')),
  );
  fc.assert(
    fc.property(texts, (text) => {
      const facts = toFacts(text);
      if (facts === null || facts === undefined) return true;
      const errors = schemaErrors(checkId, facts);
      if (errors.length) throw new Error(`schema: ${errors.join('; ')}`);
      return verdictOf(checkId, { facts, evidence: [] }).status !== 'pass';
    }),
    { numRuns: 300 },
  );
}
