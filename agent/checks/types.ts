import type { Evidence } from '../../protocol/checks/types.js';
import type { CommandRunner } from '../runner.js';

/** Read-only access to files a check needs (os-release, stamps, config), injectable for tests. */
export interface FileReader {
  readText(path: string, maxBytes?: number): Promise<string | null>;
  /** Modification time in ms since the epoch, or null when the file does not exist. */
  mtimeMs(path: string): Promise<number | null>;
  exists(path: string): Promise<boolean>;
}

export interface CollectDeps {
  run: CommandRunner;
  files: FileReader;
  /** Current time (ms since epoch); collect() never reads the clock itself. */
  now: () => number;
}

/**
 * What a platform's collector returns. facts: null when the probe could not run at all; reason says
 * why. When facts are present the verdict comes from the shared evaluate() in protocol/.
 */
export interface Collected<F = unknown> {
  facts: F | null;
  reason?: string;
  evidence: Evidence[];
}

/** One check on one platform: agent/checks/<check-id>/<platform>.ts default-exports this. */
export interface PlatformCheck<F = unknown> {
  id: string;
  /** Longer than the cycle's default per-check timeout, for probes known to be slow (Windows Update search). */
  timeoutMs?: number;
  collect(deps: CollectDeps): Promise<Collected<F>>;
}
