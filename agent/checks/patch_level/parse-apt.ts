// apt output. Every parser here is pure and returns null (or marks itself incomplete) rather than guess.
//
// `apt-get -s dist-upgrade` (simulation; read-only, works without root):
//   "N upgraded, N newly installed, N to remove and N not upgraded."
//   "Inst libssl3 [3.0.11-1~deb12u1] (3.0.13-1~deb12u1 Debian-Security:12/stable-security [amd64])"
// The parenthesis lists every origin the new version comes from, comma separated, as Label:Version/Archive.
// A package is a security update when one origin is a security archive: "-security" suites (Ubuntu, Debian
// >= 11) or the "Debian-Security" label (older Debian, whose archive was "buster/updates").

export interface AptPackage {
  name: string;
  from?: string;
  to: string;
  origins: string[];
  security: boolean;
}

export interface AptSimulation {
  packages: AptPackage[];
  /** From the summary line; null when that line is missing. */
  summary: { upgraded: number; newlyInstalled: number; remove: number; notUpgraded: number } | null;
  /** False when fewer Inst lines than the summary announces were seen (truncated output). */
  complete: boolean;
}

export function isSecurityOrigin(origin: string): boolean {
  // "buster/updates" (old Debian security suite) but not "bionic-updates" (Ubuntu's non-security updates).
  return /security/i.test(origin) || /(^|[\s:/])[a-z]+\/updates\b/.test(origin);
}

/** null when neither a summary line nor an Inst line is present (error text, blank, garbage). */
export function parseAptGetSimulate(text: string): AptSimulation | null {
  const packages: AptPackage[] = [];
  let summary: AptSimulation['summary'] = null;
  for (const line of text.split('\n')) {
    const s = /^(\d+) upgraded, (\d+) newly installed, (\d+) to remove and (\d+) not upgraded\.?\s*$/.exec(line.trim());
    if (s) {
      summary = { upgraded: Number(s[1]), newlyInstalled: Number(s[2]), remove: Number(s[3]), notUpgraded: Number(s[4]) };
      continue;
    }
    const m = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+) (.*?) \[[^\]]*\]\)/.exec(line);
    if (!m?.[1] || !m[3] || m[4] === undefined) continue;
    const origins = m[4].split(', ').map((o) => o.trim()).filter(Boolean);
    const pkg: AptPackage = { name: m[1], to: m[3], origins, security: origins.some(isSecurityOrigin) };
    if (m[2]) pkg.from = m[2];
    packages.push(pkg);
  }
  if (!summary && !packages.length) return null;
  const expected = summary ? summary.upgraded + summary.newlyInstalled : packages.length;
  return { packages, summary, complete: summary !== null && packages.length >= expected };
}

// `apt list --upgradable`: "openssl/jammy-updates,jammy-security 3.0.2-0ubuntu1.10 amd64 [upgradable from: 3.0.2-0ubuntu1.8]".
// Only suite names are shown, and Debian <= 10's security archive calls itself "stable"/"oldstable" like the
// main archive, so there this view cannot tell security updates apart: prefer the apt-get simulation.
export function parseAptListUpgradable(text: string): AptPackage[] | null {
  const out: AptPackage[] = [];
  let sawHeader = false;
  for (const line of text.split('\n')) {
    if (/^Listing\.\.\./.test(line)) {
      sawHeader = true;
      continue;
    }
    const m = /^([^/\s]+)\/(\S+) (\S+) (\S+)(?: \[upgradable from: ([^\]]+)\])?/.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) continue;
    const origins = [...new Set(m[2].split(','))];
    const pkg: AptPackage = { name: m[1], to: m[3], origins, security: origins.some((o) => /-security$/.test(o)) };
    if (m[5]) pkg.from = m[5];
    out.push(pkg);
  }
  return sawHeader || out.length ? out : null;
}

// `apt-cache policy` (no package argument) lists the package indexes apt has on disk:
//   " 500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages"
//   "     release v=12,o=Debian,a=oldstable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64"
// A security repository that is configured but whose index was never downloaded is absent, and then
// "0 security updates pending" would be unfounded.
export interface AptIndex {
  source: string;
  release: string;
}

/** null when the "Package files:" header is missing. */
export function parseAptCachePolicy(text: string): AptIndex[] | null {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Package files:/.test(l));
  if (start < 0) return null;
  const out: AptIndex[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^Pinned packages:/.test(line)) break;
    const src = /^\s*-?\d+\s+(\S.*)$/.exec(line);
    if (src?.[1]) {
      out.push({ source: src[1].trim(), release: '' });
      continue;
    }
    const rel = /^\s+release\s+(.*)$/.exec(line);
    const last = out[out.length - 1];
    if (rel?.[1] && last) last.release = rel[1].trim();
  }
  return out;
}

export function hasSecurityIndex(indexes: AptIndex[]): boolean {
  return indexes.some((i) => !i.source.startsWith('/var/lib/dpkg') && (/security/i.test(`${i.source} ${i.release}`) || /\s\S+\/updates\//.test(` ${i.source}`)));
}

// /var/log/apt/history.log: blocks separated by blank lines, each "Start-Date:", optional "Commandline:",
// "Requested-By:", one line per action (Install/Upgrade/Remove/Purge/Downgrade), optional "Error:", and
// "End-Date:" once the run finished. Times are local time without a zone, so they are returned as
// "YYYY-MM-DDTHH:MM:SS" and the caller applies the host's zone.
export interface AptHistoryEntry {
  start: string | null;
  end: string | null;
  commandline: string | null;
  upgraded: number;
  error: boolean;
}

const histDate = (v: string) => {
  const m = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2})$/.exec(v.trim());
  return m ? `${m[1]}T${m[2]}` : null;
};

export function parseAptHistory(text: string): AptHistoryEntry[] {
  const out: AptHistoryEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const e: AptHistoryEntry = { start: null, end: null, commandline: null, upgraded: 0, error: false };
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z-]+):\s?(.*)$/.exec(line);
      if (!m?.[1] || m[2] === undefined) continue;
      if (m[1] === 'Start-Date') e.start = histDate(m[2]);
      else if (m[1] === 'End-Date') e.end = histDate(m[2]);
      else if (m[1] === 'Commandline') e.commandline = m[2];
      else if (m[1] === 'Upgrade') e.upgraded = (m[2].match(/\),\s|\)$/g) ?? []).length;
      else if (m[1] === 'Error') e.error = true;
    }
    if (e.start || e.end) out.push(e);
  }
  return out;
}

/** "apt-get dist-upgrade", "/usr/bin/unattended-upgrade", aptdaemon; not "install --no-upgrade X". */
function startedAsUpgrade(commandline: string): boolean {
  const words = commandline.trim().split(/\s+/);
  if (/unattended-upgrade|aptdaemon|packagekit/i.test(words[0] ?? '') || /^aptdaemon\b/.test(commandline)) return true;
  return words.some((w) => ['upgrade', 'dist-upgrade', 'full-upgrade', '--only-upgrade'].includes(w));
}

/**
 * End time of the newest run that upgraded packages, finished and reported no error. Installing a new
 * package that pulls an upgraded library along is not "patching the system", so only runs started as an
 * upgrade count: apt/apt-get (dist-|full-)upgrade, unattended-upgrade(s), and GUI updaters (aptdaemon,
 * PackageKit), which write no or their own Commandline. Targeted `apt-get install --only-upgrade X` also
 * counts; it cannot be told apart without comparing package lists.
 */
export function lastAptUpgrade(entries: AptHistoryEntry[]): string | null {
  let best: string | null = null;
  for (const e of entries) {
    if (!e.end || e.error || e.upgraded === 0) continue;
    if (e.commandline !== null && !startedAsUpgrade(e.commandline)) continue;
    if (!best || e.end > best) best = e.end;
  }
  return best;
}

/** Epoch seconds, one per line, as printed by `find ... -printf '%T@\n'`; the newest, or null. */
export function newestEpoch(text: string): number | null {
  let best: number | null = null;
  for (const line of text.split('\n')) {
    if (!/^\d+(\.\d+)?$/.test(line.trim())) continue;
    const v = Number(line.trim());
    if (best === null || v > best) best = v;
  }
  return best;
}
