// MDM enrolment on macOS. The MDM client is part of the OS, so "installed" is always true and the
// question is only whether the Mac is enrolled, through Automated Device Enrollment (DEP) or not, and
// whether the enrolment is user approved (without which kernel/system-extension and privacy payloads
// are not applied). Provider is apple-mdm; the vendor, when the server URL gives it away, is named.
// `profiles status` needs no root; reading the MDM payload's server URL does.
import type { MdmEnrollmentFacts } from '../../../protocol/checks/mdm-enrollment.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe, parsePlist } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { mdmServerFromProfiles, mdmVendor, parseEnrollmentStatus, parseProfilesList } from './parse-profiles.js';

export const PROFILES_STATUS_ARGV = ['profiles', 'status', '-type', 'enrollment'];
export const PROFILES_COMPUTER_XML_ARGV = ['profiles', '-C', '-o', 'stdout-xml'];
export const PROFILES_LIST_ARGV = ['profiles', 'list'];

type Agent = MdmEnrollmentFacts['agents'][number];
const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const r = await p.run(PROFILES_STATUS_ARGV);
  const st = ran(r) ? parseEnrollmentStatus(`${r.stdout}\n${r.stderr}`) : null;
  if (!st) {
    const agent: Agent = { provider: 'apple-mdm', name: 'Apple MDM', installed: true, enrolled: null, detail: clip(ran(r) ? 'profiles status printed no MDM enrollment line' : whyFailed(r), 1024) };
    return { facts: { agents: [agent] } satisfies MdmEnrollmentFacts, evidence: p.evidence };
  }
  const notes: string[] = [];
  let server = st.server && !/…|\.\.\.$/.test(st.server) ? st.server : null;
  if (st.enrolled && !server) {
    const x = await p.run(PROFILES_COMPUTER_XML_ARGV);
    server = ran(x) ? mdmServerFromProfiles(parsePlist(x.stdout)) : null;
    if (!server) notes.push(st.server ? `server URL shown truncated: ${st.server}` : `server URL unknown (${ran(x) ? 'no MDM payload found' : whyFailed(x)})`);
  }
  if (!st.enrolled) {
    const l = await p.run(PROFILES_LIST_ARGV);
    const list = ran(l) ? parseProfilesList(`${l.stdout}\n${l.stderr}`) : null;
    if (list) notes.push(list.count ? `${list.count} configuration profile(s) installed without MDM` : 'no configuration profiles installed');
  }
  if (st.legacy) notes.push('macOS 10.13.0–10.13.3 reports only whether an enrollment profile is installed');
  const vendor = mdmVendor(server ?? st.server);
  const agent: Agent = {
    provider: 'apple-mdm',
    name: vendor ? `Apple MDM (${vendor.name})` : 'Apple MDM',
    installed: true,
    enrolled: st.enrolled,
    dep: st.dep,
    userApproved: st.userApproved,
    ...(server ? { server: clip(server, 512) } : {}),
    ...(notes.length || vendor ? { detail: clip([vendor ? `vendor ${vendor.id}` : '', ...notes].filter(Boolean).join('; '), 1024) } : {}),
  };
  return { facts: { agents: [agent] } satisfies MdmEnrollmentFacts, evidence: p.evidence };
}

const check: PlatformCheck<MdmEnrollmentFacts> = { id: 'mdm_enrollment', collect };
export default check;
