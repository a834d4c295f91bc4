// Every command a check runs goes through here: execFile with an argv array (never a shell), a timeout,
// an output cap and a C locale where the OS honours one, so parsers see stable wording. Only read-only
// commands on the allowlist (allowlist.ts) are started, and at most `maxConcurrent` at a time, so a
// cycle never floods a clinical workstation with processes.
import { execFile } from 'node:child_process';
import { VigilError } from '../protocol/errors.js';
import { isAllowedCommand } from './allowlist.js';
import { decodeOutput } from './decode.js';

export interface CommandResult {
  /** argv joined for evidence, e.g. "lsblk -J -p -o NAME,TYPE". */
  source: string;
  stdout: string;
  stderr: string;
  /** null when the process did not exit normally (spawn failure, timeout, signal). */
  exitCode: number | null;
  /** Why the command did not run to completion: not-found, timeout, output-cap, permission, spawn. */
  failure?: 'not-found' | 'timeout' | 'output-cap' | 'permission' | 'spawn';
  durationMs: number;
}

export interface RunOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  env?: Record<string, string>;
}

export interface RunnerOptions extends RunOptions {
  /** Child processes running at once; more wait their turn. */
  maxConcurrent?: number;
  /** Skip the allowlist: only for test harnesses that wrap the runner around setup commands. */
  unrestricted?: boolean;
}

export type CommandRunner = (file: string, args: readonly string[], opts?: RunOptions) => Promise<CommandResult>;

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT = 2;

export function describeFailure(r: CommandResult): string {
  switch (r.failure) {
    case 'not-found':
      return `${r.source.split(' ')[0]} is not installed`;
    case 'timeout':
      return `${r.source} timed out`;
    case 'output-cap':
      return `${r.source} produced more output than allowed`;
    case 'permission':
      return `${r.source} was not permitted (needs root?)`;
    case 'spawn':
      return `${r.source} could not be started`;
    default:
      return r.exitCode === 0 ? `${r.source} succeeded` : `${r.source} exited with ${r.exitCode}: ${r.stderr.trim().slice(0, 200)}`;
  }
}

export function createRunner(base: RunnerOptions = {}): CommandRunner {
  const limit = Math.max(1, base.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
  let running = 0;
  const waiting: Array<() => void> = [];
  // A finishing command hands its slot straight to the next waiter, so the count never overshoots.
  const acquire = (): Promise<void> => {
    if (running < limit) {
      running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (file, args, opts = {}) => {
    if (!base.unrestricted && !isAllowedCommand(file, args)) {
      throw new VigilError('E_COMMAND_REFUSED', `refused to run "${[file, ...args].join(' ').slice(0, 300)}": not a read-only command on the agent's allowlist`);
    }
    await acquire();
    try {
      return await execOnce(file, args, opts, base);
    } finally {
      release();
    }
  };
}

function execOnce(file: string, args: readonly string[], opts: RunOptions, base: RunOptions): Promise<CommandResult> {
  const timeout = opts.timeoutMs ?? base.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBuffer = opts.maxOutputBytes ?? base.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const source = [file, ...args].join(' ');
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        timeout,
        maxBuffer,
        windowsHide: true,
        encoding: 'buffer',
        env: { ...process.env, LANG: 'C', LC_ALL: 'C', ...base.env, ...opts.env },
      },
      (error, stdoutBuf, stderrBuf) => {
        const durationMs = Math.round(performance.now() - started);
        const stdout = decodeOutput(stdoutBuf ?? Buffer.alloc(0));
        const stderr = decodeOutput(stderrBuf ?? Buffer.alloc(0));
        if (!error) {
          resolve({ source, stdout, stderr, exitCode: 0, durationMs });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
        let failure: CommandResult['failure'];
        if (e.code === 'ENOENT') failure = 'not-found';
        else if (e.code === 'EACCES' || e.code === 'EPERM') failure = 'permission';
        else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') failure = 'output-cap';
        else if (e.killed && e.signal) failure = 'timeout';
        else if (typeof e.code !== 'number') failure = 'spawn';
        resolve({
          source,
          stdout,
          stderr,
          exitCode: typeof e.code === 'number' ? e.code : null,
          failure,
          durationMs,
        });
      },
    );
  });
}
