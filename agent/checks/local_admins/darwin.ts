// Local administrators on macOS: direct members of the local admin group (gid 80) and every account
// with uid 0. root is a member of admin by default; it is the superuser, reported through uid0Accounts,
// and not counted among the administrators. Nested groups (NestedGroups, e.g. a directory group given
// admin rights when the Mac is bound to Active Directory) are not expanded: detail says so.
import type { LocalAdminsFacts } from '../../../protocol/checks/local-admins.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseGroupMembership, parseUserUids } from './parse-dscl.js';

export const ADMIN_MEMBERS_ARGV = ['dscl', '.', '-read', '/Groups/admin', 'GroupMembership'];
export const ADMIN_NESTED_ARGV = ['dscl', '.', '-read', '/Groups/admin', 'NestedGroups'];
export const USER_UIDS_ARGV = ['dscl', '.', '-list', '/Users', 'UniqueID'];

const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const g = await p.run(ADMIN_MEMBERS_ARGV);
  // dscl exits non-zero with "No such key" when the group has no members attribute.
  const members = g.failure ? null : parseGroupMembership(`${g.stdout}\n${g.stderr}`);
  if (members === null) return { facts: null, reason: clip(ran(g) ? 'dscl printed no GroupMembership' : whyFailed(g), 1024), evidence: p.evidence };
  const u = await p.run(USER_UIDS_ARGV);
  const uids = ran(u) ? parseUserUids(u.stdout) : null;
  if (uids === null) return { facts: null, reason: clip(`user ids could not be listed: ${ran(u) ? 'no rows' : whyFailed(u)}`, 1024), evidence: p.evidence };
  const n = await p.run(ADMIN_NESTED_ARGV);
  const nested = ran(n) ? n.stdout.replace(/^NestedGroups:/m, '').split(/\s+/).filter((s) => /^[0-9A-F-]{36}$/i.test(s)) : [];
  const uid0 = [...uids].filter(([, id]) => id === 0).map(([name]) => name);
  const facts: LocalAdminsFacts = {
    groups: [{ name: 'admin', members: members.slice(0, 512) }],
    uid0Accounts: uid0.slice(0, 64),
    admins: [...new Set(members.filter((m) => m !== 'root'))].slice(0, 1024),
    detail: nested.length ? `admin also grants rights to ${nested.length} nested group(s), not expanded: ${nested.join(', ')}` : 'root is a member of admin by default and is reported as a uid 0 account',
  };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<LocalAdminsFacts> = { id: 'local_admins', collect };
export default check;
