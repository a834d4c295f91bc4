// Device management on Linux. There is no OS-level MDM channel as on Windows/macOS: management comes from
// an installed agent, so each known one is looked for by package and by its install path, and its
// enrolment is confirmed only where a file proves it. "Installed but cannot confirm" is reported as
// enrolled: null, never as enrolled. Secrets (Fleet node keys, enrol secrets) are tested for existence
// and never read. Only agents that are present are reported; none present gives agents: [].
import type { MdmEnrollmentFacts } from '../../../protocol/checks/mdm-enrollment.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CommandResult } from '../../runner.js';
import { clip, commandEvidence, fileEvidence } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseEnvFile, parseFlagfile, parseIni } from './parse-conf.js';
import { parseDpkgStatus } from '../patch_level/parse-dpkg.js';
import { parseDpkgQuery, parseRpmQuery, type InstalledPackages } from './parse-packages.js';

type Agent = MdmEnrollmentFacts['agents'][number];

const PACKAGES = ['intune-portal', 'landscape-client', 'workspaceone-intelligent-hub', 'jamf-protect', 'fleet-osquery', 'osquery'];

class Probe {
  readonly evidence: Evidence[] = [];
  constructor(readonly deps: CollectDeps) {}
  async run(file: string, args: string[]): Promise<CommandResult> {
    const r = await this.deps.run(file, args);
    this.evidence.push(commandEvidence(r));
    return r;
  }
  async exists(path: string): Promise<boolean> {
    const found = await this.deps.files.exists(path);
    this.evidence.push({ source: `exists ${path}`, ...(found ? {} : { error: 'not present' }) });
    return found;
  }
  async anyExists(paths: string[]): Promise<string | null> {
    for (const p of paths) if (await this.exists(p)) return p;
    return null;
  }
  async read(path: string, maxBytes = 256 * 1024): Promise<string | null> {
    const text = await this.deps.files.readText(path, maxBytes);
    this.evidence.push(fileEvidence(path, text !== null));
    return text;
  }
}

/** Installed packages among PACKAGES, from dpkg or rpm; null when neither database could be queried. */
async function installedPackages(p: Probe): Promise<InstalledPackages | null> {
  // dpkg's status file is what dpkg-query reads; parsing it directly saves starting a process.
  const status = await p.read('/var/lib/dpkg/status', 16 * 1024 * 1024);
  // A status file filling the whole read may be cut short: let dpkg-query answer then.
  const installed = status === null || Buffer.byteLength(status, 'utf8') >= 16 * 1024 * 1024 ? null : parseDpkgStatus(status);
  if (installed) return new Map(installed.filter((x) => PACKAGES.includes(x.name)).map((x) => [x.name, x.version]));
  // dpkg-query exits 1 when some names are unknown, which is the normal case here.
  const d = await p.run('dpkg-query', ['-W', '-f=${Package}\t${Status}\t${Version}\n', ...PACKAGES]);
  if (!d.failure && (d.exitCode === 0 || d.exitCode === 1)) return parseDpkgQuery(d.stdout);
  const r = await p.run('rpm', ['-q', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\n', ...PACKAGES]);
  if (!r.failure && r.exitCode !== null) return parseRpmQuery(r.stdout);
  return null;
}

const found = (pkg: string, pkgs: InstalledPackages | null, path: string | null) =>
  [pkgs?.has(pkg) ? `package ${pkg} ${pkgs.get(pkg)}` : null, path ? `found ${path}` : null].filter(Boolean).join('; ');

async function intune(p: Probe, pkgs: InstalledPackages | null): Promise<Agent | null> {
  const path = await p.anyExists(['/opt/microsoft/intune/bin/intune-portal', '/opt/microsoft/intune']);
  if (!pkgs?.has('intune-portal') && !path) return null;
  // Enrolment belongs to the user who signed in to the Company Portal and lives in that user's profile
  // and Microsoft's identity broker, not in a system file the agent can check.
  return { provider: 'intune', name: 'Microsoft Intune', installed: true, enrolled: null, detail: clip(`${found('intune-portal', pkgs, path)}; Intune enrolment is per signed-in user and cannot be confirmed from the system context`, 1024) };
}

async function landscape(p: Probe, pkgs: InstalledPackages | null): Promise<Agent | null> {
  const confText = await p.read('/etc/landscape/client.conf');
  if (!pkgs?.has('landscape-client') && confText === null) return null;
  const conf = parseIni(confText ?? '');
  const account = conf.get('client.account_name');
  const url = conf.get('client.url');
  const base = { provider: 'landscape', name: 'Canonical Landscape', installed: true, ...(url ? { server: clip(url, 512) } : {}) };
  if (!account || !url) return { ...base, enrolled: false, detail: 'landscape-client is not configured (no account_name/url in /etc/landscape/client.conf)' };
  // After registration the broker persists the server-issued "secure-id" in broker.bpickle (clear-text keys).
  const broker = await p.read('/var/lib/landscape/client/broker.bpickle');
  if (broker === null) return { ...base, enrolled: null, detail: 'configured, but the registration state (/var/lib/landscape/client/broker.bpickle) could not be read' };
  if (broker.includes('secure-id')) return { ...base, enrolled: true, detail: clip(`registered as account ${account}`, 1024) };
  return { ...base, enrolled: null, detail: clip(`configured for account ${account} but no registration id was found (pending or failed registration)`, 1024) };
}

async function workspaceOne(p: Probe, pkgs: InstalledPackages | null): Promise<Agent | null> {
  const path = await p.anyExists(['/opt/vmware/ws1-hub']);
  if (!pkgs?.has('workspaceone-intelligent-hub') && !path) return null;
  return { provider: 'workspace_one', name: 'VMware Workspace ONE Intelligent Hub', installed: true, enrolled: null, detail: clip(`${found('workspaceone-intelligent-hub', pkgs, path)}; enrolment state is not read by this agent version`, 1024) };
}

async function jamf(p: Probe, pkgs: InstalledPackages | null): Promise<Agent | null> {
  const path = await p.anyExists(['/usr/local/jamf/bin/jamf', '/usr/local/bin/jamf', '/opt/jamf/protect/bin/protectctl']);
  if (!pkgs?.has('jamf-protect') && !path) return null;
  return { provider: 'jamf', name: 'Jamf', installed: true, enrolled: null, detail: clip(`${found('jamf-protect', pkgs, path)}; enrolment state is not read by this agent version`, 1024) };
}

async function fleet(p: Probe, pkgs: InstalledPackages | null): Promise<Agent | null> {
  const path = await p.anyExists(['/opt/orbit']);
  if (!pkgs?.has('fleet-osquery') && !path) return null;
  const env = parseEnvFile((await p.read('/etc/default/orbit')) ?? '');
  const url = env.get('ORBIT_FLEET_URL');
  const base = { provider: 'fleet', name: 'Fleet (orbit + osquery)', installed: true, ...(url ? { server: clip(url, 512) } : {}) };
  // Orbit writes its node key once the Fleet server has accepted the enrolment.
  if (await p.exists('/opt/orbit/secret-orbit-node-key.txt')) return { ...base, enrolled: true, detail: 'orbit node key present' };
  return { ...base, enrolled: null, detail: 'no orbit node key found (not enrolled yet, or an orbit version that keeps enrolment only in osquery\'s database)' };
}

async function osquery(p: Probe, pkgs: InstalledPackages | null): Promise<Agent | null> {
  const path = await p.anyExists(['/usr/bin/osqueryd', '/opt/osquery/bin/osqueryd']);
  if (!pkgs?.has('osquery') && !path) return null;
  const flags = parseFlagfile((await p.read('/etc/osquery/osquery.flags')) ?? '');
  const host = flags.get('tls_hostname');
  const base = { provider: 'osquery', name: 'osquery', installed: true };
  if (!host) return { ...base, enrolled: false, detail: 'osquery runs without a remote management server (no --tls_hostname in /etc/osquery/osquery.flags)' };
  // The node key that proves enrolment lives inside osquery's RocksDB database, not readable here.
  return { ...base, server: clip(host, 512), enrolled: null, detail: clip(`configured to report to ${host}${flags.has('enroll_secret_path') ? ' with an enrol secret' : ''}; enrolment cannot be confirmed from files`, 1024) };
}

async function collect(deps: CollectDeps) {
  const p = new Probe(deps);
  const pkgs = await installedPackages(p);
  const agents: Agent[] = [];
  for (const probe of [intune, landscape, workspaceOne, jamf, fleet, osquery]) {
    const a = await probe(p, pkgs);
    if (a) agents.push(a);
  }
  const facts: MdmEnrollmentFacts = { agents };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<MdmEnrollmentFacts> = { id: 'mdm_enrollment', collect };
export default check;
