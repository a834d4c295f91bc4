// dpkg's own database and version order, for computing pending updates without running apt.
//
// /var/lib/dpkg/status (deb822): one stanza per package, separated by blank lines; "Status: want flag
// state" is installed when state is "installed" (want may be "hold": held packages are still behind).

export interface InstalledPackage {
  name: string;
  arch: string;
  version: string;
}

/**
 * Installed packages; null when the text has no package stanza (garbage, blank). A stanza starts at its
 * Package line (always the first field), so the same parser reads the file and a grep of its fields.
 */
export function parseDpkgStatus(text: string): InstalledPackage[] | null {
  const out: InstalledPackage[] = [];
  let stanzas = 0;
  let cur: { name: string; arch: string; version: string; state: string } | null = null;
  const flush = () => {
    if (cur && cur.state === 'installed' && cur.version && cur.arch) out.push({ name: cur.name, arch: cur.arch, version: cur.version });
  };
  for (const line of text.split('\n')) {
    const m = /^(Package|Status|Architecture|Version):\s*(.*?)\s*$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    if (m[1] === 'Package') {
      flush();
      cur = { name: m[2], arch: '', version: '', state: '' };
      if (m[2]) stanzas++;
    } else if (cur) {
      if (m[1] === 'Status') cur.state = m[2].split(/\s+/)[2] ?? '';
      else if (m[1] === 'Architecture') cur.arch = m[2];
      else cur.version = m[2];
    }
  }
  flush();
  return stanzas ? out : null;
}

// deb-version(7) ordering, as dpkg --compare-versions: [epoch:]upstream[-revision]; epochs numerically,
// then upstream and revision each by alternating non-digit runs (letters sort before non-letters, '~'
// before everything, even the end of the string) and digit runs (numerically).

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i]!)) || (j < b.length && !/[0-9]/.test(b[j]!))) {
      const ac = order(i < a.length && !/[0-9]/.test(a[i]!) ? a[i] : undefined);
      const bc = order(j < b.length && !/[0-9]/.test(b[j]!) ? b[j] : undefined);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && j < b.length && /[0-9]/.test(a[i]!) && /[0-9]/.test(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i]!)) return 1;
    if (j < b.length && /[0-9]/.test(b[j]!)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const t = v.trim();
  const colon = t.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(t.slice(0, colon)) ? Number(t.slice(0, colon)) : 0;
  const rest = colon > 0 && /^\d+$/.test(t.slice(0, colon)) ? t.slice(colon + 1) : t;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

/** <0, 0, >0 as a is older, equal, newer than b. */
export function compareDebVersions(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  const u = verrevcmp(x.upstream, y.upstream);
  if (u) return u;
  return verrevcmp(x.revision, y.revision);
}
