// /etc/os-release (os-release(5)): KEY=value lines, values optionally single- or double-quoted with shell
// escapes; '#' lines are comments. Missing ID/NAME default to "linux"/"Linux" per the spec. Rolling
// releases (Arch) have no VERSION_ID, so BUILD_ID stands in.

export interface OsRelease {
  id: string;
  name: string;
  version: string;
  prettyName?: string;
  idLike?: string[];
  codename?: string;
}

function unquote(v: string): string {
  const t = v.trim();
  const q = t[0];
  if ((q === '"' || q === "'") && t.endsWith(q) && t.length >= 2) {
    const inner = t.slice(1, -1);
    return q === '"' ? inner.replace(/\\([\\"$`])/g, '$1') : inner;
  }
  return t;
}

/** null when there is no KEY=value line at all (blank, garbage). */
export function parseOsRelease(text: string): OsRelease | null {
  const kv = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], unquote(m[2]));
  }
  if (!kv.size || !(kv.has('ID') || kv.has('NAME'))) return null;
  const os: OsRelease = {
    id: (kv.get('ID') || 'linux').toLowerCase(),
    name: kv.get('NAME') || 'Linux',
    version: kv.get('VERSION_ID') || kv.get('VERSION') || kv.get('BUILD_ID') || '',
  };
  const pretty = kv.get('PRETTY_NAME');
  if (pretty) os.prettyName = pretty;
  const like = kv.get('ID_LIKE')?.split(/\s+/).filter(Boolean);
  if (like?.length) os.idLike = like.slice(0, 16);
  const codename = kv.get('VERSION_CODENAME') || kv.get('UBUNTU_CODENAME');
  if (codename) os.codename = codename;
  return os;
}

/** Which package family the OS belongs to, from ID then ID_LIKE. */
export function osFamily(os: Pick<OsRelease, 'id' | 'idLike'>): 'debian' | 'rhel' | 'suse' | null {
  for (const id of [os.id, ...(os.idLike ?? [])]) {
    if (id === 'debian' || id === 'ubuntu') return 'debian';
    if (['rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'ol', 'amzn'].includes(id)) return 'rhel';
    if (id === 'suse' || id === 'opensuse' || id.startsWith('sles') || id.startsWith('opensuse')) return 'suse';
  }
  return null;
}
