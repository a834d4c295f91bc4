// macOS release facts for the lifecycle catalogue: version and build from sw_vers. "Mac OS X" (the name
// up to 10.11, still printed by some later releases) is reported as macOS: one family, one catalogue.
import type { OsEolFacts } from '../../../protocol/checks/os-eol.js';
import { DarwinProbe } from '../darwin-common.js';
import { whyFailed } from '../linux-common.js';
import { SW_VERS_ARGV } from '../patch_level/darwin.js';
import { parseSwVers } from '../patch_level/parse-sw-vers.js';
import type { CollectDeps, PlatformCheck } from '../types.js';

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const r = await p.run(SW_VERS_ARGV);
  const v = !r.failure && r.exitCode === 0 ? parseSwVers(r.stdout) : null;
  if (!v) return { facts: null, reason: !r.failure && r.exitCode === 0 ? 'sw_vers printed no ProductVersion' : whyFailed(r), evidence: p.evidence };
  const facts: OsEolFacts = { family: 'macos', name: 'macOS', version: v.version, ...(v.build ? { build: v.build } : {}) };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<OsEolFacts> = { id: 'os_eol', collect };
export default check;
