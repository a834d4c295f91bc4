// apt's downloaded indexes under /var/lib/apt/lists, read directly so that pending updates can be computed
// without apt building its package cache (which, where /var/cache/apt/pkgcache.bin is disabled as on
// container-derived images, costs most of a second per apt command, and `apt-get -s` seconds more).
//
// File names: "<uri>_dists_<suite>_InRelease" (or _Release) per repository, and
// "<uri>_dists_<suite>_<component>_binary-<arch>_Packages[.gz|.xz|.lz4|.zst|.bz2]" per index, both with
// '/' in the URI replaced by '_'. Packages stanzas are reduced with grep to their Package, Version and
// Architecture lines, in stanza order.

export interface PackagesEntry {
  name: string;
  version: string;
  arch: string;
}

/** The grep that reduces a Packages index to the stanzas of the given packages (ERE, names escaped). */
export function packagesPattern(names: Iterable<string>): string {
  return `^Package: (${[...names].sort().map((n) => n.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&')).join('|')})$`;
}

/** Context lines grep prints after each matching Package line: enough for dak's and apt-ftparchive's field orders. */
export const PACKAGES_CONTEXT = 6;

/**
 * Output of `grep -A 6 -E '^Package: (a|b|…)$' Packages`: each match and the lines after it, groups
 * separated by "--" (or merged when they touch). Every Package line starts an entry; its Version and
 * Architecture are the first ones before the next Package line. arch is "" when not among those lines
 * (the index's own architecture then applies). Returns null when a wanted package shows no Version: a
 * field order this reader does not expect, where guessing could hide an update.
 */
export function parsePackagesGrep(text: string, wanted: ReadonlySet<string>): PackagesEntry[] | null {
  const out: PackagesEntry[] = [];
  let cur: PackagesEntry | null = null;
  let complete = true;
  const flush = () => {
    if (!cur) return;
    if (cur.version) out.push(cur);
    else if (wanted.has(cur.name)) complete = false;
    cur = null;
  };
  for (const line of text.split('\n')) {
    if (line === '--') {
      flush();
      continue;
    }
    const m = /^(Package|Version|Architecture):\s*(\S+)\s*$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    if (m[1] === 'Package') {
      flush();
      cur = { name: m[2], version: '', arch: '' };
    } else if (cur && m[1] === 'Version' && !cur.version) cur.version = m[2];
    else if (cur && m[1] === 'Architecture' && !cur.arch) cur.arch = m[2];
  }
  flush();
  return complete ? out : null;
}

export interface ReleaseInfo {
  origin: string | null;
  label: string | null;
  suite: string | null;
  codename: string | null;
  version: string | null;
  notAutomatic: boolean;
  butAutomaticUpgrades: boolean;
}

/** The header fields of an InRelease (PGP-armoured) or Release file; null when none is found. */
export function parseReleaseHeader(text: string): ReleaseInfo | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (/^(MD5Sum|SHA1|SHA256|SHA512):/.test(line)) break;
    const m = /^([A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined && m[1] !== 'Hash') kv.set(m[1], m[2]);
  }
  if (!kv.has('Suite') && !kv.has('Codename') && !kv.has('Origin')) return null;
  const get = (k: string) => kv.get(k) || null;
  return {
    origin: get('Origin'),
    label: get('Label'),
    suite: get('Suite'),
    codename: get('Codename'),
    version: get('Version'),
    notAutomatic: kv.get('NotAutomatic') === 'yes',
    butAutomaticUpgrades: kv.get('ButAutomaticUpgrades') === 'yes',
  };
}

/** apt's default pin priority for a repository (apt_preferences(5)): 1, 100 or 500. */
export function defaultPriority(r: ReleaseInfo | null): number {
  if (r?.notAutomatic) return r.butAutomaticUpgrades ? 100 : 1;
  return 500;
}

export type ListFile = { kind: 'release'; repo: string; signed: boolean } | { kind: 'packages'; repo: string; arch: string; compression: string } | { kind: 'other' };

/** What a file in /var/lib/apt/lists is; "repo" ties an index to its Release file. */
export function classifyListFile(name: string): ListFile {
  const pk = /^(.+)_[^_]+_binary-([^_]+)_Packages(?:\.(gz|xz|lz4|zst|bz2))?$/.exec(name);
  if (pk?.[1] && pk[2]) return { kind: 'packages', repo: pk[1], arch: pk[2], compression: pk[3] ?? '' };
  const rel = /^(.+)_(In)?Release$/.exec(name);
  if (rel?.[1]) return { kind: 'release', repo: rel[1], signed: rel[2] !== undefined };
  return { kind: 'other' };
}

/** The host part of a list file's repository ("deb.debian.org_debian_dists_bookworm" -> deb.debian.org). */
export function repoHost(repo: string): string {
  return repo.split('_')[0] ?? repo;
}

/**
 * A security archive: Debian's "Debian-Security" label or security.debian.org, Ubuntu's "-security"
 * pockets (security.ubuntu.com, or the main mirror's jammy-security), Debian <= 10's "buster/updates".
 */
export function isSecurityRepo(repo: string, r: ReleaseInfo | null): boolean {
  if (/security/i.test(repo)) return true;
  if (r && (/security/i.test(r.label ?? '') || /-security$|\/updates$/.test(r.suite ?? '') || /-security$|\/updates$/.test(r.codename ?? ''))) return true;
  return /_dists_[^_]+_updates$/.test(repo);
}

/** "Debian-Security:12/oldstable-security", the shape apt-get -s prints for an origin. */
export function originLabel(r: ReleaseInfo | null, repo: string): string {
  if (!r) return repo;
  return `${r.label ?? r.origin ?? repoHost(repo)}${r.version ? `:${r.version}` : ''}/${r.suite ?? r.codename ?? '?'}`;
}

/**
 * Whether apt preferences (pins) could change which version apt picks. Provably harmless, and so ignored:
 * a stanza whose Package field lists only exact names none of which is installed, or whose Pin is
 * "origin HOST" for a host no downloaded index comes from. Anything else (globs, regexes, release or
 * version pins on installed packages) returns the stanza's text: the caller then asks apt itself.
 */
export function relevantPins(text: string, installed: ReadonlySet<string>, hosts: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const kv = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^(Package|Pin|Pin-Priority):\s*(.*?)\s*$/i.exec(line.trim());
      if (m?.[1] && m[2] !== undefined) kv.set(m[1].toLowerCase(), m[2]);
    }
    const pkgs = kv.get('package');
    const pin = kv.get('pin');
    if (pkgs === undefined || pin === undefined) continue;
    const names = pkgs.split(/\s+/).filter(Boolean);
    const exact = names.every((n) => /^[a-z0-9][a-z0-9+.-]*$/.test(n));
    if (exact && !names.some((n) => installed.has(n))) continue;
    const origin = /^origin\s+"?([^"\s]*)"?$/.exec(pin)?.[1];
    if (origin !== undefined && origin !== '' && !hosts.has(origin)) continue;
    out.push(`${pkgs} (${pin})`);
  }
  return out;
}

/** An uncommented APT::Default-Release setting in apt configuration text (it raises one release to 990). */
export function setsDefaultRelease(conf: string): boolean {
  return conf.split('\n').some((l) => !/^\s*(\/\/|#)/.test(l) && /Default-Release/i.test(l));
}

export interface IndexedRepo {
  /** Origin label for reporting, e.g. "Debian-Security:12/oldstable-security". */
  origin: string;
  priority: number;
  security: boolean;
  entries: PackagesEntry[];
}

export interface PendingUpgrade {
  name: string;
  from: string;
  to: string;
  origins: string[];
  security: boolean;
}

/**
 * Installed packages whose candidate version (apt's policy without pins: among the versions not older
 * than the installed one, the highest priority wins, the newer version on a tie; the installed version
 * itself counts at least 100) is newer than what is installed. arch "all" belongs to the native
 * architecture, as in apt.
 */
export function pendingUpgrades(
  installed: ReadonlyArray<{ name: string; arch: string; version: string }>,
  repos: readonly IndexedRepo[],
  nativeArch: string,
  compare: (a: string, b: string) => number,
): PendingUpgrade[] {
  const key = (name: string, arch: string) => `${name}:${arch === 'all' ? nativeArch : arch}`;
  const wanted = new Set(installed.map((p) => key(p.name, p.arch)));
  // key -> version -> { priority, origins, security }
  const avail = new Map<string, Map<string, { priority: number; origins: string[]; security: boolean }>>();
  for (const r of repos) {
    for (const e of r.entries) {
      const k = key(e.name, e.arch);
      if (!wanted.has(k)) continue;
      const versions = avail.get(k) ?? new Map();
      avail.set(k, versions);
      const v = versions.get(e.version) ?? { priority: 0, origins: [], security: false };
      versions.set(e.version, v);
      v.priority = Math.max(v.priority, r.priority);
      if (!v.origins.includes(r.origin)) v.origins.push(r.origin);
      v.security ||= r.security;
    }
  }
  const out: PendingUpgrade[] = [];
  for (const p of installed) {
    const versions = avail.get(key(p.name, p.arch));
    if (!versions) continue;
    const candidates = [...versions.entries()].filter(([v]) => compare(v, p.version) > 0).sort((a, b) => compare(b[0], a[0]));
    if (!candidates.length) continue;
    const installedPriority = Math.max(100, versions.get(p.version)?.priority ?? 0);
    let best: [string, { priority: number; origins: string[]; security: boolean }] | null = null;
    for (const c of candidates) if (!best || c[1].priority > best[1].priority) best = c;
    // On a tie with the installed version the newer one wins (apt walks versions newest first).
    if (!best || best[1].priority < installedPriority) continue;
    out.push({ name: p.name, from: p.version, to: best[0], origins: best[1].origins, security: best[1].security });
  }
  return out;
}
