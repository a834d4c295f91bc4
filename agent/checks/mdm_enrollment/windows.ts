// MDM enrolment on Windows (provider windows-mdm, the MDM behind it as vendor: intune, workspace_one…).
// Enrolment itself is read from HKLM\SOFTWARE\Microsoft\Enrollments (the
// Windows MDM client's own record: ProviderID, EnrollmentState 1 = enrolled). `dsregcmd /status` adds the
// join type (Entra ID, hybrid, domain, workgroup) and whether the tenant has MDM auto-enrolment set up;
// that is a hint, never proof of enrolment. A Configuration Manager client (service CcmExec) assigned to a
// site is reported too: many hospitals manage Windows with ConfigMgr rather than an MDM.
import type { MdmEnrollmentFacts } from '../../../protocol/checks/mdm-enrollment.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { clip, parsePsJson, probe, probeEvidence, psCommand, psProbes, rec, serviceRunning, str, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { joinTypeOf, parseDsregcmd, type DsregStatus } from './parse-dsregcmd.js';
import { parseEnrollments, providerOf, serverOf, type Enrollment } from './parse-win-enrollments.js';

type Agent = MdmEnrollmentFacts['agents'][number];

const ENROLLMENTS = String.raw`HKLM:\SOFTWARE\Microsoft\Enrollments`;
export const ENROLL_LABEL = 'HKLM\\SOFTWARE\\Microsoft\\Enrollments, Get-Service CcmExec';
export const ENROLL_ARGV = psCommand(
  psProbes({
    enrollments: `& { if(Test-Path -LiteralPath '${ENROLLMENTS}'){ ,@(Get-ChildItem -LiteralPath '${ENROLLMENTS}' | ForEach-Object { $p=Get-ItemProperty -LiteralPath $_.PSPath; if($p.ProviderID){ [ordered]@{id=$_.PSChildName; ProviderID=$p.ProviderID; EnrollmentState=$p.EnrollmentState; EnrollmentType=$p.EnrollmentType; UPN=$p.UPN; DiscoveryServiceFullURL=$p.DiscoveryServiceFullURL} } }) } else { ,@() } }`,
    ccm: String.raw`& { $s=Get-Service -Name CcmExec -ErrorAction SilentlyContinue; if($s){ [ordered]@{status=$s.Status; site=(RegVals 'HKLM:\SOFTWARE\Microsoft\SMS\Mobile Client' @('AssignedSiteCode')).AssignedSiteCode} } }`,
  }),
);
export const DSREGCMD_ARGV: readonly string[] = ['dsregcmd', '/status'];

function mdmAgents(enrollments: Enrollment[], join: string | null): Agent[] {
  const groups = new Map<string, Enrollment[]>();
  for (const e of enrollments) groups.set(providerOf(e.providerId).provider, [...(groups.get(providerOf(e.providerId).provider) ?? []), e]);
  return [...groups.values()].map((list) => {
    const enrolled = list.find((e) => e.state === 1);
    const best = enrolled ?? list[0]!;
    const { provider: vendor, name } = providerOf(best.providerId);
    // The channel is the Windows MDM client; the vendor is whoever runs the MDM server.
    const a: Agent = { provider: 'windows-mdm', vendor, name, installed: true, enrolled: Boolean(enrolled) };
    const server = serverOf(best.discoveryUrl);
    if (server) a.server = clip(server, 512);
    if (join) a.joinType = join;
    a.detail = clip(
      `ProviderID ${best.providerId}, EnrollmentState ${best.state ?? 'not set'}${best.upn ? `, UPN ${best.upn}` : ''}${enrolled ? '' : ' (not 1: enrolment incomplete or removed)'}`,
      1024,
    );
    return a;
  });
}

function noEnrollment(ds: DsregStatus | null, join: string | null, enrolled: boolean | null, why: string): Agent {
  const a: Agent = { provider: 'windows-mdm', name: 'Windows MDM client', installed: true, enrolled };
  if (join) a.joinType = join;
  const hint = ds?.mdmUrl ? `; the tenant has MDM auto-enrolment configured (${ds.mdmUrl}) but that alone does not enrol the device` : '';
  a.detail = clip(`${why}${hint}`, 1024);
  return a;
}

async function collect(deps: CollectDeps): Promise<Collected<MdmEnrollmentFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(ENROLL_ARGV[0]!, ENROLL_ARGV.slice(1));
  evidence.push(winEvidence(ps, ENROLL_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;

  const dsr = await deps.run(DSREGCMD_ARGV[0]!, DSREGCMD_ARGV.slice(1));
  evidence.push(winEvidence(dsr));
  const ds = !dsr.failure && dsr.exitCode === 0 ? parseDsregcmd(dsr.stdout) : null;
  const join = ds ? joinTypeOf(ds) : null;

  if (out === null && ds === null) {
    return { facts: null, reason: clip(`MDM enrolment could not be read: ${winWhyFailed(ps, `powershell.exe: ${ENROLL_LABEL}`)}; ${winWhyFailed(dsr)}`, 1024), evidence };
  }

  const agents: Agent[] = [];
  const en = probe(out, 'enrollments');
  const list = en.ok ? parseEnrollments(en.value) : null;
  if (out === null) {
    agents.push(noEnrollment(ds, join, null, `the Enrollments registry could not be read: ${winWhyFailed(ps, `powershell.exe: ${ENROLL_LABEL}`)}`));
  } else if (!en.ok || list === null) {
    if (!en.ok) evidence.push(probeEvidence('HKLM\\SOFTWARE\\Microsoft\\Enrollments', en.failure));
    agents.push(noEnrollment(ds, join, null, en.ok ? 'the Enrollments registry output was unreadable' : whyProbeFailed('HKLM\\SOFTWARE\\Microsoft\\Enrollments', en.failure)));
  } else if (list.length) {
    agents.push(...mdmAgents(list, join));
  } else {
    agents.push(noEnrollment(ds, join, false, 'no MDM enrolment in HKLM\\SOFTWARE\\Microsoft\\Enrollments'));
  }

  const ccm = probe(out, 'ccm');
  const c = ccm.ok ? rec(ccm.value) : null;
  if (c) {
    const site = str(c.site)?.trim() || null;
    const running = serviceRunning(c.status);
    agents.push({
      provider: 'configmgr',
      name: 'Microsoft Configuration Manager client',
      installed: true,
      enrolled: site !== null,
      ...(join ? { joinType: join } : {}),
      detail: clip(`${site ? `assigned to site ${site}` : 'not assigned to a site'}; CcmExec ${running === null ? 'state unknown' : running ? 'running' : 'not running'}`, 1024),
    });
  } else if (!ccm.ok && out !== null) {
    evidence.push(probeEvidence('Get-Service CcmExec', ccm.failure));
  }
  return { facts: { agents }, evidence };
}

const check: PlatformCheck<MdmEnrollmentFacts> = { id: 'mdm_enrollment', collect };
export default check;
