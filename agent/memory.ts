// The agent sleeps for minutes between cycles on machines that are there for patients, so it keeps its
// footprint small: a small young generation (a cycle's short-lived strings would otherwise grow it to
// 48 MB that V8 never gives back) and a full collection after each cycle. Measured by npm run bench:agent.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/** Call once, first thing in the process: flags set later do not resize a heap already in use. */
export function configureLowMemory(): void {
  v8.setFlagsFromString('--lite-mode');
  v8.setFlagsFromString('--max-semi-space-size=1');
  v8.setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as () => void;
}

/** A full collection, when configureLowMemory ran; otherwise nothing. */
export function releaseMemory(): void {
  collect?.();
}
