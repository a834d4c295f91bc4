// OS end of life on Linux: only facts (family, version, name) from os-release; the shared evaluate() looks
// them up in the lifecycle catalogue. Reading a file needs no privileges and runs nothing.
// Caveat: a distribution upgraded in place without updating /etc/os-release (rare, hand-made images)
// reports its old version; /usr/lib/os-release is the fallback the spec names when /etc has none.
import type { OsEolFacts } from '../../../protocol/checks/os-eol.js';
import { Probe } from '../linux-common.js';
import { parseOsRelease } from '../patch_level/parse-os-release.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { osEolFacts, variantOf } from './parse-os-eol.js';

async function collect(deps: CollectDeps): Promise<Collected<OsEolFacts>> {
  const p = new Probe(deps);
  const text = (await p.read('/etc/os-release', 64 * 1024)) ?? (await p.read('/usr/lib/os-release', 64 * 1024));
  const os = text === null ? null : parseOsRelease(text);
  if (!os) return { facts: null, reason: text === null ? 'os-release is missing or unreadable' : 'os-release has no ID or NAME', evidence: p.evidence };
  if (!os.version) return { facts: null, reason: `${os.name} reports no VERSION_ID, so its support status cannot be looked up`, evidence: p.evidence };
  return { facts: osEolFacts(os, variantOf(text ?? '')), evidence: p.evidence };
}

const check: PlatformCheck<OsEolFacts> = { id: 'os_eol', collect };
export default check;
