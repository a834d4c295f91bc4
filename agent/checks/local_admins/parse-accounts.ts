// Local account databases: /etc/passwd and /etc/group (passwd(5), group(5)), and the nsswitch.conf line
// that says whether other sources (SSSD, LDAP, winbind) add members this check cannot see in the files.

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Valid "name:x:uid:gid:gecos:home:shell" lines; NIS "+"/"-" compat lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.replace(/\r$/, '').split(':');
    if (f.length < 7 || !f[0] || /^[+-]/.test(f[0]) || !/^\d+$/.test(f[2] ?? '') || !/^\d+$/.test(f[3] ?? '')) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' });
  }
  return out;
}

/** Valid "name:x:gid:member,member" lines. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.replace(/\r$/, '').split(':');
    if (f.length < 4 || !f[0] || /^[+-]/.test(f[0]) || !/^\d+$/.test(f[2] ?? '')) continue;
    out.push({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

/** Every real passwd has root at uid 0; a file without it is not one (garbage, a truncated read). */
export function looksLikePasswd(entries: PasswdEntry[]): boolean {
  return entries.some((e) => e.name === 'root' && e.uid === 0);
}

export function looksLikeGroup(entries: GroupEntry[]): boolean {
  return entries.some((e) => e.gid === 0);
}

/** Sources other than local files for group lookups ("group: files sss" -> ["sss"]). */
export function remoteGroupSources(nsswitch: string): string[] {
  const m = /^\s*group:\s*(.*)$/m.exec(nsswitch);
  if (!m?.[1]) return [];
  return m[1]
    .replace(/\[[^\]]*\]/g, ' ')
    .split(/\s+/)
    .filter((s) => s && !['files', 'compat', 'systemd', 'db', 'altfiles'].includes(s));
}
