// Builds the Linux single executable (and .deb) with the real build script, once per test file.
import { execFile } from 'node:child_process';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Built {
  out: string;
  binary: string;
  sha256: string;
  version: string;
  deb: string | null;
}

export async function buildLinuxAgent(out: string, version: string): Promise<Built> {
  const { stdout } = await run(process.execPath, [join(root, 'dist/scripts/build-agent.js'), '--targets', 'linux-x64', '--out', out, '--version', version, '--json'], {
    timeout: 240_000,
    maxBuffer: 1 << 20,
  });
  const m = JSON.parse(stdout) as { binaries: { file: string; sha256: string }[]; deb?: string };
  return { out, binary: join(out, m.binaries[0]!.file), sha256: m.binaries[0]!.sha256, version, deb: m.deb ? join(out, m.deb) : null };
}

/** A PATH with every system tool the checks use but no node, npm or npx: a machine without Node.js. */
export async function pathWithoutNode(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const seen = new Set<string>();
  for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    for (const name of await readdir(d).catch(() => [] as string[])) {
      if (seen.has(name) || /^(node|nodejs|npm|npx|corepack)$/.test(name)) continue;
      seen.add(name);
      await symlink(join(d, name), join(dir, name));
    }
  }
  return dir;
}
