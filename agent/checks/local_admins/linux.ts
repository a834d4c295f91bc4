// Local administrators on Linux: who can become root.
//  - Members of the conventional admin groups (sudo on Debian/Ubuntu, wheel on RHEL/SUSE/Arch, admin on
//    old Ubuntu), counting users whose primary group it is (they are members without being listed).
//    Polkit treats these groups as administrators too, so they count even where sudo is not installed.
//  - sudoers grants of ALL commands as root to users or %groups, following #include/#includedir
//    (sudoers is mode 0440: reading it needs root; unreadable sudoers makes the whole answer unknown,
//    since a missing grant would under-count).
//  - uid 0 accounts from /etc/passwd ("root" is expected; any other is a hidden superuser).
// admins excludes root itself (it is the superuser, reported under uid0Accounts).
// Caveat: members that come from a directory (SSSD, LDAP, winbind) are not in /etc/group; the detail
// says when nsswitch.conf consults such a source.
import type { LocalAdminsFacts } from '../../../protocol/checks/local-admins.js';
import { clip, Probe } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { looksLikeGroup, looksLikePasswd, parseGroup, parsePasswd, remoteGroupSources, type GroupEntry, type PasswdEntry } from './parse-accounts.js';
import { includedirTakes, parseSudoers } from './parse-sudoers.js';

const ADMIN_GROUPS = ['sudo', 'wheel', 'admin'];
const MAX_INCLUDE_DEPTH = 8;

interface SudoersRead {
  grants: string[];
  files: number;
  unreadable: string | null;
}

async function readSudoers(p: Probe): Promise<SudoersRead | null> {
  if (!(await p.exists('/etc/sudoers'))) return null;
  const out: SudoersRead = { grants: [], files: 0, unreadable: null };
  const seen = new Set<string>();
  const visit = async (path: string, depth: number): Promise<void> => {
    if (out.unreadable || seen.has(path) || depth > MAX_INCLUDE_DEPTH) return;
    seen.add(path);
    const text = await p.read(path, 1024 * 1024);
    if (text === null) {
      out.unreadable = path;
      return;
    }
    out.files++;
    const parsed = parseSudoers(text);
    out.grants.push(...parsed.admins);
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    for (const inc of parsed.includes) {
      // sudo >= 1.9.1 resolves relative include paths against the including file's directory.
      const target = inc.path.startsWith('/') ? inc.path : `${dir}/${inc.path}`;
      if (inc.kind === 'file') await visit(target, depth + 1);
      else {
        const files = await p.listDir(target);
        if (files === null) {
          out.unreadable = target;
          return;
        }
        for (const f of files.filter(includedirTakes)) await visit(f, depth + 1);
      }
    }
  };
  await visit('/etc/sudoers', 0);
  return out;
}

function membersOf(g: GroupEntry, passwd: PasswdEntry[]): string[] {
  return [...new Set([...g.members, ...passwd.filter((u) => u.gid === g.gid).map((u) => u.name)])];
}

async function collect(deps: CollectDeps): Promise<Collected<LocalAdminsFacts>> {
  const p = new Probe(deps);
  const [passwdText, groupText, nsswitch] = await Promise.all([p.read('/etc/passwd', 4 * 1024 * 1024), p.read('/etc/group', 4 * 1024 * 1024), p.read('/etc/nsswitch.conf', 64 * 1024)]);
  const passwd = parsePasswd(passwdText ?? '');
  const groups = parseGroup(groupText ?? '');
  if (!looksLikePasswd(passwd)) return { facts: null, reason: passwdText === null ? '/etc/passwd could not be read' : '/etc/passwd has no root entry, so it is not a usable account database', evidence: p.evidence };
  if (!looksLikeGroup(groups)) return { facts: null, reason: groupText === null ? '/etc/group could not be read' : '/etc/group has no gid 0 entry, so it is not a usable group database', evidence: p.evidence };

  const sudoers = await readSudoers(p);
  if (sudoers?.unreadable) return { facts: null, reason: `${sudoers.unreadable} could not be read (sudoers needs root), so sudo grants are unknown`, evidence: p.evidence };

  const details: string[] = [];
  const grantedGroups = (sudoers?.grants ?? []).filter((g) => g.startsWith('%') && !g.startsWith('%:')).map((g) => g.slice(1));
  const directGrants = (sudoers?.grants ?? []).filter((g) => !g.startsWith('%') || g.startsWith('%:'));
  const reported = [...new Set([...ADMIN_GROUPS, ...grantedGroups])];
  const factsGroups: LocalAdminsFacts['groups'] = [];
  const admins = new Set<string>();
  for (const name of reported) {
    const g = groups.find((x) => x.name === name);
    if (!g) {
      if (grantedGroups.includes(name)) details.push(`sudoers grants %${name}, which is not a local group`);
      continue;
    }
    const members = membersOf(g, passwd);
    factsGroups.push({ name: clip(name, 128), members: members.slice(0, 512).map((m) => clip(m, 256)) });
    for (const m of members) admins.add(m);
  }
  if (directGrants.length) factsGroups.push({ name: 'sudoers', members: directGrants.slice(0, 512).map((m) => clip(m, 256)) });
  for (const u of directGrants) admins.add(u);
  // Unresolvable group grants (%:name non-Unix groups, or %name not local) stay visible as themselves.
  for (const name of grantedGroups) if (!groups.some((x) => x.name === name)) admins.add(`%${name}`);
  admins.delete('root');

  if (!sudoers) details.push('sudo is not installed (no /etc/sudoers)');
  else details.push(`sudoers: ${sudoers.files} file(s) read, ALL granted to ${sudoers.grants.length ? [...new Set(sudoers.grants)].join(', ') : 'nobody'}`);
  const remote = remoteGroupSources(nsswitch ?? '');
  if (remote.length) details.push(`groups may also come from ${remote.join(', ')} (nsswitch.conf); such members are not included`);

  const facts: LocalAdminsFacts = {
    groups: factsGroups.slice(0, 16),
    uid0Accounts: passwd.filter((u) => u.uid === 0).map((u) => clip(u.name, 128)).slice(0, 64),
    admins: [...admins].sort().slice(0, 1024).map((a) => clip(a, 256)),
    detail: clip(details.join('; '), 1024),
  };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<LocalAdminsFacts> = { id: 'local_admins', collect };
export default check;
