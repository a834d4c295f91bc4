// What this agent build is, for the self-report in every attestation: version (set by build:agent, else
// the package's), and the SHA-256 of what is running: the single executable itself when built by
// build:agent, else the entry script that node was given.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { VIGIL_VERSION } from '../protocol/version.js';

// Replaced by esbuild's define in scripts/build-agent.ts; undefined when run from tsc's output.
declare const __VIGIL_AGENT_BUILD__: { version: string; sea: boolean } | undefined;
const build = typeof __VIGIL_AGENT_BUILD__ === 'undefined' ? undefined : __VIGIL_AGENT_BUILD__;

export const AGENT_VERSION: string = build?.version ?? VIGIL_VERSION;
/** True inside a single executable built by build:agent. */
export const IS_SINGLE_EXECUTABLE = build?.sea ?? false;

/**
 * Through one reused buffer: the single executable is about 95 MB, and a stream's fresh chunk per read
 * would leave the C heap holding tens of megabytes after the agent has started.
 */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafeSlow(64 * 1024);
  const handle = await open(path, 'r');
  try {
    for (let n; (n = (await handle.read(buf, 0, buf.length, null)).bytesRead) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    await handle.close();
  }
  return h.digest('hex');
}

let binaryHash: Promise<string | undefined> | undefined;

/** SHA-256 of the running binary (or entry script); computed once per process. */
export function binarySha256(): Promise<string | undefined> {
  const target = IS_SINGLE_EXECUTABLE ? process.execPath : process.argv[1];
  binaryHash ??= target ? sha256File(target).catch(() => undefined) : Promise.resolve(undefined);
  return binaryHash;
}
