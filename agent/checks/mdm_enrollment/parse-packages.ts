// Package presence, read-only.
// `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n' NAME...`: one line per known package; status is
// "install ok installed" when installed ("deinstall ok config-files" after a remove). Unknown names go to
// stderr ("no packages found matching X") and make the exit code 1, so stdout is read regardless.
// `rpm -q --qf '%{NAME}\t%{VERSION}-%{RELEASE}\n' NAME...`: installed ones in that format, the rest as
// "package X is not installed"; the exit code counts the missing ones.

export type InstalledPackages = Map<string, string>;

export function parseDpkgQuery(text: string): InstalledPackages {
  const out: InstalledPackages = new Map();
  for (const line of text.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && status?.trim().split(/\s+/)[2] === 'installed') out.set(name.trim(), (version ?? '').trim());
  }
  return out;
}

export function parseRpmQuery(text: string): InstalledPackages {
  const out: InstalledPackages = new Map();
  for (const line of text.split('\n')) {
    const cols = line.split('\t');
    if (cols.length === 2 && cols[0] && cols[1] && !/\s/.test(cols[0])) out.set(cols[0], cols[1].trim());
  }
  return out;
}
