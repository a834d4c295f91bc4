// Patch level on Linux: which OS, how many updates (and security updates) the package manager's current
// index says are pending, when the host was last upgraded, how old that index is and whether a reboot is
// pending. Strictly read-only: the agent never runs `apt-get update`, `dnf makecache`, `zypper refresh` or
// anything that installs; dnf/yum run with -C (cache only) and zypper with --no-refresh.
// Counts are only as good as the index, so its age is reported and the shared evaluate() refuses to call
// "nothing pending" proven when the index is stale.
//
// apt: pending updates are computed from dpkg's status file and the downloaded Packages indexes (see
// parse-apt-lists.ts), reduced with grep to the installed packages' stanzas, which takes a fraction of the
// time any apt command needs to build its cache. That shortcut applies apt's default policy only; where pins or APT::Default-Release could
// change the answer, or an index cannot be read, apt itself is asked (`apt list --upgradable`, then
// `apt-get -s dist-upgrade` for apt versions without the apt command).
import type { PatchLevelFacts } from '../../../protocol/checks/patch-level.js';
import type { CommandResult } from '../../runner.js';
import { clip, fileEvidence, Probe as BaseProbe, succeeded as ok, whyFailed } from '../linux-common.js';
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
import {
  classifyListFile,
  defaultPriority,
  isSecurityRepo,
  originLabel,
  PACKAGES_CONTEXT,
  packagesPattern,
  parsePackagesGrep,
  parseReleaseHeader,
  pendingUpgrades,
  relevantPins,
  repoHost,
  setsDefaultRelease,
  type IndexedRepo,
  type ReleaseInfo,
} from './parse-apt-lists.js';
import { compareDebVersions, parseDpkgStatus } from './parse-dpkg.js';
import { lastRpmUpgrade, parseDnfCheckUpdate, parseDnfHistory, parseDnfUpdateinfoSecurity } from './parse-dnf.js';
import { osFamily, parseOsRelease, type OsRelease } from './parse-os-release.js';
import { lastZypperUpgrade, parseZypperPatchesXml, parseZypperTable, parseZypperUpdatesXml } from './parse-zypper.js';

type PackageFacts = Omit<PatchLevelFacts, 'os'>;
type Sample = PatchLevelFacts['packages'][number];

const DAY_MS = 86_400_000;
const LISTS = '/var/lib/apt/lists';

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

class Probe extends BaseProbe {
  readonly reasons: string[] = [];
  override async exists(path: string): Promise<boolean> {
    const found = await this.deps.files.exists(path);
    this.evidence.push({ source: `exists ${path}`, ...(found ? {} : { error: 'not present' }) });
    return found;
  }
  why(reason: string): void {
    if (this.reasons.length < 16) this.reasons.push(clip(reason, 1024));
  }
}

// ---- apt --------------------------------------------------------------------------------------------------

interface ListedFile {
  path: string;
  mtime: number;
}

interface AptCount {
  packages: AptPackage[];
  /** false: this source cannot tell security updates apart. */
  securityVisible: boolean;
}

/** Files of the apt lists directory and of the configuration directories that can change the answer. */
async function aptFiles(p: Probe): Promise<ListedFile[] | null> {
  const dirs = [LISTS, '/var/lib/dpkg/updates', '/etc/apt/preferences.d', '/etc/apt/apt.conf.d'];
  const present = (await Promise.all(dirs.map((d) => p.deps.files.exists(d)))).map((e, i) => (e ? dirs[i]! : null)).filter((d): d is string => d !== null);
  if (!present.includes(LISTS)) return [];
  const r = await p.run('find', [...present, '-maxdepth', '1', '-type', 'f', '-printf', '%T@ %p\\n']);
  if (!ok(r)) return null;
  const out: ListedFile[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+(?:\.\d+)?) (\/.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) out.push({ path: m[2], mtime: Number(m[1]) * 1000 });
  }
  return out;
}

const GREP: Record<string, string> = { '': 'grep', gz: 'zgrep', xz: 'xzgrep', bz2: 'bzgrep', lz4: 'zstdgrep', zst: 'zstdgrep' };

/** Pending upgrades from dpkg status + indexes; a string says why this shortcut cannot answer. */
async function fromIndexes(p: Probe, files: ListedFile[], status: string | null): Promise<AptCount | string> {
  const in_ = (dir: string) => files.filter((f) => f.path.startsWith(`${dir}/`));
  if (in_('/var/lib/dpkg/updates').length) return 'dpkg has unapplied journal entries (/var/lib/dpkg/updates)';
  const installed = status === null ? null : parseDpkgStatus(status);
  const native = installed?.find((x) => x.name === 'dpkg')?.arch;
  if (!installed || !native) return status === null ? '/var/lib/dpkg/status could not be read' : '/var/lib/dpkg/status has no dpkg entry';

  const confTexts = await Promise.all(['/etc/apt/apt.conf', ...in_('/etc/apt/apt.conf.d').map((f) => f.path)].map((f) => p.deps.files.readText(f, 256 * 1024)));
  if (confTexts.some((t) => t !== null && setsDefaultRelease(t))) return 'APT::Default-Release is set';

  const lists = in_(LISTS).map((f) => ({ ...f, info: classifyListFile(f.path.slice(LISTS.length + 1)) }));
  const hosts = new Set(lists.map((f) => (f.info.kind === 'other' ? '' : repoHost(f.info.repo))));
  const prefs = await Promise.all(['/etc/apt/preferences', ...in_('/etc/apt/preferences.d').map((f) => f.path)].map((f) => p.deps.files.readText(f, 256 * 1024)));
  const names = new Set(installed.map((x) => x.name));
  const pins = prefs.flatMap((t) => (t === null ? [] : relevantPins(t, names, hosts)));
  if (pins.length) return `apt pins may apply: ${pins.slice(0, 3).join('; ')}`;

  // A Packages index of another layout (flat repositories: "host_path_._Packages") cannot be tied to its
  // Release file here; leaving it out could hide updates, so apt answers instead.
  const odd = lists.find((f) => f.info.kind === 'other' && /_Packages(\.\w+)?$/.test(f.path));
  if (odd) return `${odd.path} is an index this reader does not place`;
  const indexes = lists.filter((f) => f.info.kind === 'packages');
  const releases = new Map<string, ReleaseInfo | null>();
  for (const f of lists) {
    if (f.info.kind !== 'release' || (releases.get(f.info.repo) && !f.info.signed)) continue;
    releases.set(f.info.repo, parseReleaseHeader((await p.deps.files.readText(f.path, 16 * 1024)) ?? ''));
  }
  // Only the stanzas of installed packages leave grep: a few KiB instead of megabytes to decode and parse.
  const pattern = packagesPattern(names);
  const repos: IndexedRepo[] = [];
  const greps = await Promise.all(
    indexes.map((f) => {
      const c = f.info.kind === 'packages' ? f.info.compression : '';
      return p.run(GREP[c] ?? 'grep', ['-A', String(PACKAGES_CONTEXT), '-E', pattern, f.path], { maxOutputBytes: 64 * 1024 * 1024 });
    }),
  );
  for (const [i, f] of indexes.entries()) {
    const r = greps[i]!;
    // grep exits 1 when nothing matched (an empty index, or none of ours in it).
    if (r.failure || (r.exitCode !== 0 && r.exitCode !== 1) || r.stderr.trim()) return `${f.path} could not be read: ${whyFailed(r)}`;
    if (f.info.kind !== 'packages') continue;
    const entries = parsePackagesGrep(r.stdout, names);
    if (!entries) return `${f.path}: a package stanza without a Version line near its start`;
    const arch = f.info.arch;
    const rel = releases.get(f.info.repo) ?? null;
    repos.push({ origin: originLabel(rel, f.info.repo), priority: defaultPriority(rel), security: isSecurityRepo(f.info.repo, rel), entries: entries.map((e) => ({ ...e, arch: e.arch || arch })) });
  }
  const pending = pendingUpgrades(installed, repos, native, compareDebVersions);
  const securityIndexed = repos.some((r) => r.security);
  if (!securityIndexed) p.why('no security repository is configured or its index was never downloaded, so pending security updates cannot be counted');
  return { packages: pending.map((x) => ({ name: x.name, from: x.from, to: x.to, origins: x.origins, security: x.security })), securityVisible: securityIndexed };
}

/** apt's own answer: `apt list --upgradable`, or the `apt-get -s` simulation where apt has no apt command. */
async function fromApt(p: Probe, os: OsRelease, files: ListedFile[] | null): Promise<AptCount | null> {
  let count: AptCount | null = null;
  const list = await p.run('apt', ['list', '--upgradable']);
  const listed = ok(list) ? parseAptListUpgradable(list.stdout) : null;
  if (listed) {
    count = { packages: listed, securityVisible: true };
    // Debian <= 10's security archive shows as plain "stable" in this view.
    if (os.id === 'debian' && Number(os.version) < 11) {
      p.why('apt list cannot tell Debian 10 and older security updates apart');
      count.securityVisible = false;
    }
  } else {
    p.why(`apt list gave no usable answer: ${whyFailed(list)}`);
    // dist-upgrade, not upgrade: plain upgrade leaves out updates that need a new package, and Ubuntu ships
    // kernel security fixes exactly that way. -s only simulates; NoLocking lets it run beside a running apt.
    const sim = await p.run('apt-get', ['-s', '-o', 'Debug::NoLocking=1', 'dist-upgrade']);
    const parsed = ok(sim) ? parseAptGetSimulate(sim.stdout) : null;
    if (parsed?.complete) count = { packages: parsed.packages, securityVisible: true };
    else p.why(parsed ? 'apt-get -s output was incomplete' : `apt-get -s gave no usable answer: ${whyFailed(sim)}`);
  }
  if (!count?.securityVisible) return count;
  // A security count needs a security index on disk: from the listing, or apt-cache policy without it.
  const lists = files?.filter((f) => f.path.startsWith(`${LISTS}/`)) ?? null;
  const secure = lists
    ? lists.some((f) => {
        const c = classifyListFile(f.path.slice(LISTS.length + 1));
        return c.kind === 'packages' && isSecurityRepo(c.repo, null);
      })
    : await (async () => {
        const policy = await p.run('apt-cache', ['policy']);
        const indexes = ok(policy) ? parseAptCachePolicy(policy.stdout) : null;
        if (!indexes) p.why(`could not tell whether a security repository is indexed: ${whyFailed(policy)}`);
        return indexes ? hasSecurityIndex(indexes) : null;
      })();
  if (secure === false) p.why('no security repository is configured or its index was never downloaded, so pending security updates cannot be counted');
  return { packages: count.packages, securityVisible: secure === true };
}

async function apt(p: Probe, os: OsRelease): Promise<PackageFacts | 'absent'> {
  if (!(await p.deps.files.exists('/usr/bin/apt-get')) && !(await p.deps.files.exists('/bin/apt-get'))) return 'absent';
  const [files, status] = await Promise.all([aptFiles(p), p.readAll('/var/lib/dpkg/status', 16 * 1024 * 1024)]);
  let count: AptCount | null = null;
  const fast = files ? await fromIndexes(p, files, status) : `${LISTS} could not be listed`;
  if (typeof fast === 'string') {
    p.evidence.push({ source: 'pending updates from dpkg status and apt indexes', error: clip(fast, 1024) });
    count = await fromApt(p, os, files);
  } else count = fast;

  const pending = count ? count.packages.length : null;
  const security = count && count.securityVisible ? count.packages.filter((x) => x.security).length : null;

  // Logrotate rotates the apt history monthly; the current and previous file cover the 30-day window the
  // default policy cares about. The previous one is usually gzipped, which only a command can read.
  let last = lastAptUpgrade(parseAptHistory((await p.read('/var/log/apt/history.log', 4 * 1024 * 1024)) ?? ''));
  if (!last) last = lastAptUpgrade(parseAptHistory((await p.read('/var/log/apt/history.log.1', 4 * 1024 * 1024)) ?? ''));
  if (!last && (await p.exists('/var/log/apt/history.log.1.gz'))) {
    const z = await p.run('gzip', ['-cdq', '/var/log/apt/history.log.1.gz']);
    if (ok(z)) last = lastAptUpgrade(parseAptHistory(z.stdout));
  }

  // apt stamps each downloaded Release file with the server's Last-Modified time, so the newest one says
  // how current the index is.
  const releaseTimes = (files ?? []).filter((f) => f.path.startsWith(`${LISTS}/`) && /Release$/.test(f.path)).map((f) => f.mtime);
  let indexMs = releaseTimes.length ? Math.max(...releaseTimes) : null;
  if (indexMs === null && files === null) {
    const lists = await p.run('find', [LISTS, '-maxdepth', '1', '-type', 'f', '-name', '*Release', '-printf', '%T@\\n']);
    const newest = ok(lists) ? newestEpoch(lists.stdout) : null;
    indexMs = newest === null ? null : newest * 1000;
  }
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
    packages: sample((count?.packages ?? []).map((x) => ({ name: clip(x.name, 256), version: clip(x.to, 256), source: clip(x.origins.join(', '), 256), security: x.security }))),
    lastUpgradeAt: localToIso(last),
    indexAgeDays: ageDays(p.deps.now(), indexMs),
    rebootRequired: reboot,
  };
}

// ---- dnf / yum --------------------------------------------------------------------------------------------

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

// ---- zypper -----------------------------------------------------------------------------------------------

async function zypper(p: Probe): Promise<PackageFacts | 'absent'> {
  const base = ['--non-interactive', '--no-refresh'];
  const upd = await p.run('zypper', ['-x', ...base, 'list-updates']);
  if (upd.failure === 'not-found') return 'absent';
  let updates = ok(upd) ? parseZypperUpdatesXml(upd.stdout) : null;
  if (!updates && !upd.failure) {
    const t = await p.run('zypper', [...base, 'list-updates']);
    const rows = ok(t) ? parseZypperTable(t.stdout, ['Name', 'Available Version']) : null;
    updates = rows?.map((r) => ({ name: r.get('Name') ?? '', version: r.get('Available Version') ?? '', source: r.get('Repository') ?? '' })).filter((u) => u.name) ?? null;
  }
  if (!updates) p.why(`zypper list-updates gave no usable answer: ${whyFailed(upd)}`);

  const pat = await p.run('zypper', ['-x', ...base, 'list-patches', '--category', 'security']);
  let patches = ok(pat) ? parseZypperPatchesXml(pat.stdout) : null;
  if (!patches && !pat.failure) {
    const t = await p.run('zypper', [...base, 'list-patches', '--category', 'security']);
    const rows = ok(t) ? parseZypperTable(t.stdout, ['Name', 'Category']) : null;
    patches = rows?.filter((r) => r.get('Category') === 'security' && (r.get('Status') ?? 'needed') === 'needed').map((r) => r.get('Name') ?? '') ?? null;
  }
  if (!patches) p.why(`security patches could not be listed: ${whyFailed(pat)}`);

  const history = await p.read('/var/log/zypp/history', 16 * 1024 * 1024);
  if (history === null) p.why('/var/log/zypp/history could not be read');
  // zypper needs-rebooting: exit 102 when a reboot is needed, 0 when not.
  const nr = await p.run('zypper', ['needs-rebooting']);
  const reboot = !nr.failure && (nr.exitCode === 0 || nr.exitCode === 102) ? nr.exitCode === 102 : null;
  if (reboot === null) p.why(`reboot state unknown: ${whyFailed(nr)}`);
  const repomd = await p.run('find', ['/var/cache/zypp/raw', '-name', 'repomd.xml', '-printf', '%T@\\n']);
  const newest = ok(repomd) ? newestEpoch(repomd.stdout) : null;

  return {
    packageManager: 'zypper',
    pendingUpdates: updates ? updates.length : null,
    pendingSecurityUpdates: patches ? patches.length : null,
    packages: sample((updates ?? []).map((u) => ({ name: clip(u.name, 256), version: clip(u.version, 256), source: clip(u.source, 256), security: false }))),
    lastUpgradeAt: history === null ? null : localToIso(lastZypperUpgrade(history)),
    indexAgeDays: newest === null ? null : ageDays(p.deps.now(), newest * 1000),
    rebootRequired: reboot,
  };
}

function unsupported(p: Probe, manager: string | null, why: string): PackageFacts {
  p.why(why);
  return { packageManager: manager, pendingUpdates: null, pendingSecurityUpdates: null, packages: [], lastUpgradeAt: null, indexAgeDays: null, rebootRequired: null };
}

async function collect(deps: CollectDeps) {
  const p = new Probe(deps);
  const text = (await p.read('/etc/os-release', 64 * 1024)) ?? (await p.read('/usr/lib/os-release', 64 * 1024));
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
    const r = m === 'apt' ? await apt(p, os) : m === 'zypper' ? await zypper(p) : await dnf(p, os, m);
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

const check: PlatformCheck<PatchLevelFacts> = { id: 'patch_level', collect };
export default check;
