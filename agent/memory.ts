// The agent sleeps for minutes between cycles on machines that are there for patients, so it keeps its
// footprint small: a small young generation (a cycle's short-lived strings would otherwise grow it to
// 48 MB that V8 never gives back) and a full collection after each cycle. Measured by npm run bench:agent.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/** Call once, first thing in the process. */
export function configureLowMemory(): void {
  v8.setFlagsFromString('--lite-mode');
  // The young generation's ceiling is fixed when the heap is created, so --max-semi-space-size given here
  // comes too late (measured: it still grew to 10 MB); a growth factor of 1 is read on each growth and
  // keeps it at its initial 1 MB.
  v8.setFlagsFromString('--max-semi-space-size=1');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as () => void;
}

/**
 * A full collection, when configureLowMemory ran; otherwise nothing. Twice: the pages the first one frees
 * are given back to the OS only by the next (measured after a burst of short-lived strings: 35 MB of
 * private memory after the first, 10 MB after the second).
 */
export function releaseMemory(): void {
  collect?.();
  collect?.();
}
