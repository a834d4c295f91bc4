// Patch level on Linux: which OS, how many updates (and security updates) the package manager's current
// index says are pending, when the host was last upgraded, how old that index is and whether a reboot is
// pending. Strictly read-only: the agent never runs `apt-get update`, `dnf makecache` or anything that
// installs; dnf/yum run with -C (cache only) so they neither refresh metadata nor need the network.
// Counts are only as good as the index, so its age is reported and the shared evaluate() refuses to call
// "nothing pending" proven when the index is stale.
import type { PatchLevelFacts } from '../../../protocol/checks/patch-level.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CommandResult } from '../../runner.js';
import { clip, commandEvidence, fileEvidence, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import {
  hasSecurityIndex,
  lastAptUpgrade,
  newestEpoch,
  parseAptCachePolicy,
  parseAptGetSimulate,
  parseAptHistory,
  parseAptListUpgradable,
  type AptPackage,
} from './parse-apt.js';
import { lastRpmUpgrade, parseDnfCheckUpdate, parseDnfHistory, parseDnfUpdateinfoSecurity } from './parse-dnf.js';
import { osFamily, parseOsRelease, type OsRelease } from './parse-os-release.js';

type PackageFacts = Omit<PatchLevelFacts, 'os'>;
type Sample = PatchLevelFacts['packages'][number];

const DAY_MS = 86_400_000;
const ok = (r: CommandResult) => !r.failure && r.exitCode === 0;

/** History logs carry local wall-clock times without a zone; the host's zone is the right one to apply. */
function localToIso(local: string | null): string | null {
  if (!local) return null;
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

function ageDays(now: number, mtimeMs: number | null): number | null {
  return mtimeMs === null ? null : Math.max(0, Math.round(((now - mtimeMs) / DAY_MS) * 100) / 100);
}

function sample(pkgs: Sample[]): Sample[] {
  return [...pkgs].sort((a, b) => Number(b.security) - Number(a.security)).slice(0, 200);
}

class Probe {
  readonly evidence: Evidence[] = [];
  readonly reasons: string[] = [];
  constructor(readonly deps: CollectDeps) {}

  async run(file: string, args: string[]): Promise<CommandResult> {
    const r = await this.deps.run(file, args);
    this.evidence.push(commandEvidence(r));
    return r;
  }
  async read(path: string): Promise<string | null> {
    const text = await this.deps.files.readText(path, 4 * 1024 * 1024);
    this.evidence.push(fileEvidence(path, text !== null));
    return text;
  }
  async exists(path: string): Promise<boolean> {
    const found = await this.deps.files.exists(path);
    this.evidence.push({ source: `exists ${path}`, ...(found ? {} : { error: 'not present' }) });
    return found;
  }
  why(reason: string): void {
    if (this.reasons.length < 16) this.reasons.push(clip(reason, 1024));
  }
}

async function apt(p: Probe, os: OsRelease): Promise<PackageFacts | 'absent'> {
  // dist-upgrade, not upgrade: plain upgrade leaves out updates that need a new package, and Ubuntu ships
  // kernel security fixes exactly that way. -s only simulates; NoLocking lets it run beside a running apt.
  const sim = await p.run('apt-get', ['-s', '-o', 'Debug::NoLocking=1', 'dist-upgrade']);
  if (sim.failure === 'not-found') return 'absent';
  let pkgs: AptPackage[] | null = null;
  let securityVisible = true;
  const parsed = ok(sim) ? parseAptGetSimulate(sim.stdout) : null;
  if (parsed?.complete) {
    pkgs = parsed.packages;
  } else {
    p.why(parsed ? 'apt-get -s output was incomplete' : `apt-get -s gave no usable answer: ${whyFailed(sim)}`);
    const list = await p.run('apt', ['list', '--upgradable']);
    pkgs = ok(list) ? parseAptListUpgradable(list.stdout) : null;
    // Debian <= 10's security archive shows as plain "stable" in this view.
    if (pkgs && os.id === 'debian' && Number(os.version) < 11) {
      p.why('apt list cannot tell Debian 10 and older security updates apart');
      securityVisible = false;
    }
  }
  const pending = pkgs ? pkgs.length : null;
  let security = pkgs && securityVisible ? pkgs.filter((x) => x.security).length : null;

  if (security !== null) {
    const policy = await p.run('apt-cache', ['policy']);
    const indexes = ok(policy) ? parseAptCachePolicy(policy.stdout) : null;
    if (!indexes) {
      p.why(`could not tell whether a security repository is indexed: ${whyFailed(policy)}`);
      security = null;
    } else if (!hasSecurityIndex(indexes)) {
      p.why('no security repository is configured or its index was never downloaded, so pending security updates cannot be counted');
      security = null;
    }
  }

  // Logrotate rotates the apt history monthly; the current and previous file cover the 30-day window the
  // default policy cares about. The previous one is usually gzipped, which only a command can read.
  let last = lastAptUpgrade(parseAptHistory((await p.read('/var/log/apt/history.log')) ?? ''));
  if (!last) last = lastAptUpgrade(parseAptHistory((await p.read('/var/log/apt/history.log.1')) ?? ''));
  if (!last && (await p.exists('/var/log/apt/history.log.1.gz'))) {
    const z = await p.run('gzip', ['-cdq', '/var/log/apt/history.log.1.gz']);
    if (ok(z)) last = lastAptUpgrade(parseAptHistory(z.stdout));
  }

  // apt stamps each downloaded Release file with the server's Last-Modified time, so the newest one says
  // how current the index is. FileReader cannot list a directory, hence find.
  const lists = await p.run('find', ['/var/lib/apt/lists', '-maxdepth', '1', '-type', 'f', '-name', '*Release', '-printf', '%T@\\n']);
  const newest = ok(lists) ? newestEpoch(lists.stdout) : null;
  let indexMs = newest === null ? null : newest * 1000;
  if (indexMs === null) {
    indexMs = await p.deps.files.mtimeMs('/var/cache/apt/pkgcache.bin');
    p.evidence.push(fileEvidence('/var/cache/apt/pkgcache.bin', indexMs !== null, 'mtime'));
  }

  // Debian and Ubuntu packages that need a reboot (kernel, libc) touch this file; unattended-upgrades
  // reads it too. Its absence is the distribution's own "no reboot pending".
  const reboot = (await p.exists('/run/reboot-required')) || (await p.exists('/var/run/reboot-required'));

  return {
    packageManager: 'apt',
    pendingUpdates: pending,
    pendingSecurityUpdates: security,
    packages: sample((pkgs ?? []).map((x) => ({ name: clip(x.name, 256), version: clip(x.to, 256), source: clip(x.origins.join(', '), 256), security: x.security }))),
    lastUpgradeAt: localToIso(last),
    indexAgeDays: ageDays(p.deps.now(), indexMs),
    rebootRequired: reboot,
  };
}

async function dnf(p: Probe, os: OsRelease, bin: 'dnf' | 'yum'): Promise<PackageFacts | 'absent'> {
  // No -q here: the "Last metadata expiration check" line is the index age.
  const check = await p.run(bin, ['-C', 'check-update']);
  if (check.failure === 'not-found') return 'absent';
  const listed = check.failure ? null : parseDnfCheckUpdate(check.stdout);
  let pending: number | null = null;
  let pkgs: Sample[] = [];
  if (!check.failure && check.exitCode === 0) pending = 0;
  else if (!check.failure && check.exitCode === 100 && listed?.packages.length) {
    pending = listed.packages.length;
    pkgs = listed.packages.map((x) => ({ name: clip(x.name, 256), version: clip(x.version, 256), source: clip(x.repo, 256), security: false }));
  } else p.why(`${bin} check-update gave no usable answer: ${whyFailed(check)}`);

  let security: number | null = null;
  const sec = await p.run(bin, bin === 'dnf' ? ['-C', '-q', 'updateinfo', 'list', '--security'] : ['-C', '-q', 'updateinfo', 'list', 'security']);
  const advisories = ok(sec) ? parseDnfUpdateinfoSecurity(sec.stdout) : null;
  if (advisories === null) p.why(`security advisories could not be listed: ${whyFailed(sec)}`);
  else if (os.id === 'centos' && advisories.length === 0) {
    // CentOS repositories publish no updateinfo (errata), so an empty list proves nothing there.
    p.why('CentOS repositories carry no security errata, so pending security updates cannot be counted');
  } else {
    security = advisories.length;
    const names = new Set(advisories.map((n) => n.replace(/-[^-]+-[^-]+\.[^.]+$/, '')));
    for (const s of pkgs) if (names.has(s.name)) s.security = true;
  }

  const hist = await p.run(bin, ['history', 'list']);
  const transactions = ok(hist) ? parseDnfHistory(hist.stdout) : null;
  if (transactions === null) p.why(`${bin} history could not be read: ${whyFailed(hist)}`);

  // needs-restarting -r: exit 1 = reboot needed, 0 = not (dnf-utils / yum-utils; dnf 4 also as a plugin).
  let reboot: boolean | null = null;
  let nr = await p.run('needs-restarting', ['-r']);
  if (nr.failure === 'not-found' && bin === 'dnf') nr = await p.run('dnf', ['needs-restarting', '-r']);
  if (!nr.failure && (nr.exitCode === 0 || nr.exitCode === 1)) reboot = nr.exitCode === 1;
  else p.why(`reboot state unknown: ${whyFailed(nr)}`);

  return {
    packageManager: bin,
    pendingUpdates: pending,
    pendingSecurityUpdates: security,
    packages: sample(pkgs),
    lastUpgradeAt: transactions ? localToIso(lastRpmUpgrade(transactions)) : null,
    indexAgeDays: listed?.metadataAgeSeconds != null ? Math.round((listed.metadataAgeSeconds / 86400) * 100) / 100 : null,
    rebootRequired: reboot,
  };
}

function unsupported(p: Probe, manager: string | null, why: string): PackageFacts {
  p.why(why);
  return { packageManager: manager, pendingUpdates: null, pendingSecurityUpdates: null, packages: [], lastUpgradeAt: null, indexAgeDays: null, rebootRequired: null };
}

async function collect(deps: CollectDeps) {
  const p = new Probe(deps);
  const text = (await p.read('/etc/os-release')) ?? (await p.read('/usr/lib/os-release'));
  let os = text === null ? null : parseOsRelease(text);
  if (!os) {
    p.why('os-release is missing or unreadable');
    os = { id: 'unknown', name: 'Linux', version: '' };
  }
  const family = osFamily(os);
  const order: Array<'apt' | 'dnf' | 'yum' | 'zypper'> =
    family === 'debian' ? ['apt'] : family === 'rhel' ? ['dnf', 'yum'] : family === 'suse' ? ['zypper'] : ['apt', 'dnf', 'yum', 'zypper'];
  let pm: PackageFacts | null = null;
  for (const m of order) {
    const r = m === 'apt' ? await apt(p, os) : m === 'zypper' ? await zypperPresent(p) : await dnf(p, os, m);
    if (r !== 'absent') {
      pm = r;
      break;
    }
  }
  pm ??= unsupported(p, null, `no supported package manager found (looked for ${order.join(', ')})`);
  const facts: PatchLevelFacts = {
    os: {
      id: clip(os.id, 256),
      name: clip(os.name, 256),
      version: clip(os.version, 256),
      ...(os.prettyName ? { prettyName: clip(os.prettyName, 256) } : {}),
      ...(os.idLike ? { idLike: os.idLike.map((x) => clip(x, 256)) } : {}),
    },
    ...pm,
    ...(p.reasons.length ? { reasons: p.reasons } : {}),
  };
  return { facts, evidence: p.evidence };
}

/** SUSE is recognised but not yet queried: say so instead of reporting zero. */
async function zypperPresent(p: Probe): Promise<PackageFacts | 'absent'> {
  const r = await p.run('zypper', ['--version']);
  if (r.failure === 'not-found') return 'absent';
  return unsupported(p, 'zypper', 'zypper is not queried by this agent version');
}

const check: PlatformCheck<PatchLevelFacts> = { id: 'patch_level', collect };
export default check;
