// Test doubles for the Linux checks: a runner that replays recorded outputs, an in-memory FileReader, and
// the small bits every check test needs (fixture loading, schema validation, the shared verdict).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { checkDefinition, evaluateResult } from '../../../protocol/checks/index.js';
import type { CommandResult, CommandRunner } from '../../../agent/runner.js';
import type { CollectDeps, Collected, FileReader } from '../../../agent/checks/types.js';

const FIXTURES = new URL('../../fixtures/linux/', import.meta.url);

/** A recorded capture under test/fixtures/linux/ (see test/fixtures/SOURCES.md). */
export function fixture(rel: string): string {
  return readFileSync(new URL(rel, FIXTURES), 'utf8');
}

export type Reply = Partial<Pick<CommandResult, 'stdout' | 'stderr' | 'exitCode' | 'failure'>>;

export const ok = (stdout: string): Reply => ({ stdout, exitCode: 0 });
export const exit = (exitCode: number, stdout: string, stderr = ''): Reply => ({ stdout, stderr, exitCode });
export const timedOut: Reply = { exitCode: null, failure: 'timeout' };
export const notFound: Reply = { exitCode: null, failure: 'not-found' };

/**
 * Replays replies keyed by the exact argv ("lsblk -J -p -o ...") or by program name ("lsblk"). A command
 * with no reply behaves as not installed, like execFile's ENOENT. Every call is recorded in `calls`.
 */
export function fakeRunner(replies: Record<string, Reply>, calls: string[] = []): CommandRunner {
  return async (file, args) => {
    const source = [file, ...args].join(' ');
    calls.push(source);
    const r = replies[source] ?? replies[file] ?? notFound;
    return {
      source,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      exitCode: r.exitCode === undefined ? 0 : r.exitCode,
      ...(r.failure ? { failure: r.failure } : {}),
      durationMs: 1,
    };
  };
}

/** Files by path; anything else does not exist. mtimes in ms since the epoch. */
export function fakeFiles(files: Record<string, string>, mtimes: Record<string, number> = {}): FileReader {
  return {
    async readText(path) {
      return files[path] ?? null;
    },
    async mtimeMs(path) {
      return mtimes[path] ?? (path in files ? 0 : null);
    },
    async exists(path) {
      return path in files || path in mtimes;
    },
  };
}

export const NOW = Date.parse('2026-11-23T12:00:00Z');

export function fakeDeps(run: CommandRunner, files: FileReader, now = NOW): CollectDeps {
  return { run, files, now: () => now };
}

/** Schema problems of facts against the check's own schema (empty when valid). */
export function schemaErrors(checkId: string, facts: unknown): string[] {
  const schema = checkDefinition(checkId)?.factsSchema as TSchema;
  const compiled = TypeCompiler.Compile(schema);
  return [...compiled.Errors(facts)].map((e) => `${e.path}: ${e.message}`);
}

/** The verdict the collector would give these collected facts under default policy. */
export function verdictOf(checkId: string, c: Collected, collectedAt = new Date(NOW).toISOString()) {
  return evaluateResult({ id: checkId, status: 'unknown', reason: c.reason, facts: c.facts }, undefined, { collectedAt, role: 'workstation' });
}

/** Run a command as root for test set-up; throws (failing the test) when it fails. */
export function sh(file: string, args: string[], input?: string): string {
  return execFileSync(file, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}
