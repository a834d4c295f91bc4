import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import check, { ADMINS_ARGV, adminsFacts, netLocalgroupArgv } from '../../../../agent/checks/local_admins/windows.js';
import { groupShortName, parseLocalGroupMembersJson, parseNetLocalgroup } from '../../../../agent/checks/local_admins/parse-win-admins.js';
import { parsePsJson } from '../../../../agent/checks/windows-common.js';
import type { LocalAdminsFacts } from '../../../../protocol/checks/local-admins.js';
import { exit, notFound, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

const MEMBERS = winFixture('get-localgroupmember/json-compress-win2022-core-two-users-gowindows.txt');
// `net localgroup` as documented (Microsoft: net localgroup GroupName lists its members), members of a
// domain-joined PC; and the German variant of the same layout.
const NET_EN = 'Alias name     Administrators\r\nComment        Administrators have complete and unrestricted access to the computer/domain\r\n\r\nMembers\r\n\r\n-------------------------------------------------------------------------------\r\nAdministrator\r\nHOSP\\Domain Admins\r\nHOSP\\ward3-desktop-admins\r\nHOSP\\j.doe\r\nThe command completed successfully.\r\n\r\n';
const NET_DE = 'Aliasname      Administratoren\r\nBeschreibung   Administratoren haben uneingeschränkten Vollzugriff auf den Computer bzw. die Domäne.\r\n\r\nMitglieder\r\n\r\n-------------------------------------------------------------------------------\r\nAdministrator\r\nKLINIK\\Domänen-Admins\r\nDer Befehl wurde erfolgreich ausgeführt.\r\n';
const COMPARE_FAILED = probeError('Failed to compare two elements in the array.', 'An unspecified error occurred.,Microsoft.PowerShell.Commands.GetLocalGroupMemberCommand', 'NotSpecified');

async function collect(ps: Reply, net: Array<readonly [readonly string[], Reply]> = []) {
  const { deps, calls } = winDeps([[ADMINS_ARGV, ps], ...net]);
  const c = await check.collect(deps);
  return { c, calls, facts: c.facts as LocalAdminsFacts, verdict: verdictOf('local_admins', c) };
}

describe('local Administrators parsers', () => {
  it('Get-LocalGroupMember JSON (Server 2022 Core capture): names, SID objects ignored', () => {
    expect(parseLocalGroupMembersJson(MEMBERS)).toEqual([
      { name: 'WIN2022SC\\Administrator', objectClass: 'User' },
      { name: 'WIN2022SC\\vagrant', objectClass: 'User' },
    ]);
    expect(parseLocalGroupMembersJson('{"Name":null,"SID":{"Value":"S-1-12-1-1234-5678"},"ObjectClass":"User"}')).toEqual([{ name: 'S-1-12-1-1234-5678', objectClass: 'User' }]);
    expect(parseLocalGroupMembersJson('[]')).toEqual([]);
    expect(parseLocalGroupMembersJson('')).toBeNull();
    expect(parseLocalGroupMembersJson('[1]')).toBeNull();
  });

  it('net localgroup in English and German; the closing message is not a member', () => {
    expect(parseNetLocalgroup(NET_EN)?.map((m) => m.name)).toEqual(['Administrator', 'HOSP\\Domain Admins', 'HOSP\\ward3-desktop-admins', 'HOSP\\j.doe']);
    expect(parseNetLocalgroup(NET_DE)?.map((m) => m.name)).toEqual(['Administrator', 'KLINIK\\Domänen-Admins']);
    expect(parseNetLocalgroup('System error 1376 has occurred.\r\n\r\nThe specified local group does not exist.\r\n')).toBeNull();
    expect(parseNetLocalgroup('')).toBeNull();
    expect(groupShortName('VORDEFINIERT\\Administratoren')).toBe('Administratoren');
  });

  it('property: never throws, never invents a member, and unparseable text gives no facts', () => {
    // For this check "pass" means "few administrators", which an empty group legitimately is, so the
    // guard against garbage is that text which is not a member list yields null (no facts, never pass).
    const lines = ['-------------------------------------------------------------------------------', 'Administrator', 'HOSP\\Domain Admins', 'The command completed successfully.', ''];
    const texts = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.constantFrom(...lines), { maxLength: 20 }).map((a) => a.join('\r\n')));
    fc.assert(
      fc.property(texts, (t) => {
        for (const m of [parseNetLocalgroup(t), parseLocalGroupMembersJson(t)]) {
          if (m === null) continue;
          const facts = adminsFacts('Administrators', m);
          expect(schemaErrors('local_admins', facts)).toEqual([]);
          for (const name of facts.admins) expect(t).toContain(name);
        }
        if (!/-{20,}/.test(t) && parsePsJson(t) === null) expect(parseNetLocalgroup(t) ?? parseLocalGroupMembersJson(t)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('local_admins collect on Windows (replayed)', () => {
  it('two local members: within the default limit of three, pass', async () => {
    const { c, facts, verdict, calls } = await collect(ok(`{"group":"BUILTIN\\\\Administrators","members":${MEMBERS}}`));
    expect(facts).toEqual({
      groups: [{ name: 'BUILTIN\\Administrators', members: ['WIN2022SC\\Administrator', 'WIN2022SC\\vagrant'] }],
      uid0Accounts: [],
      admins: ['WIN2022SC\\Administrator', 'WIN2022SC\\vagrant'],
    });
    expect(verdict).toEqual({ status: 'pass' });
    expect(calls).toHaveLength(1);
    expect(c.evidence[0]?.source).toBe('powershell.exe: Get-LocalGroupMember -SID S-1-5-32-544 | ConvertTo-Json');
    expect(schemaErrors('local_admins', facts)).toEqual([]);
  });

  it('Get-LocalGroupMember failing on Entra members: net localgroup with the localized name; four admins fail', async () => {
    const { facts, verdict, calls } = await collect(ok(JSON.stringify({ group: 'BUILTIN\\Administrators', members: COMPARE_FAILED })), [[netLocalgroupArgv('Administrators'), ok(NET_EN)]]);
    expect(calls.at(-1)?.argv).toEqual(['net', 'localgroup', 'Administrators']);
    expect(facts.admins).toHaveLength(4);
    expect(facts.detail).toBe('members from net localgroup (Get-LocalGroupMember failed: Failed to compare two elements in the array.)');
    expect(verdict).toEqual({ status: 'fail', reason: '4 administrators (allowed 3)' });
  });

  it('German Windows: the group is "Administratoren"', async () => {
    const { facts, calls } = await collect(ok(JSON.stringify({ group: 'VORDEFINIERT\\Administratoren', members: COMPARE_FAILED })), [[netLocalgroupArgv('Administratoren'), ok(NET_DE)]]);
    expect(calls.at(-1)?.argv).toEqual(['net', 'localgroup', 'Administratoren']);
    expect(facts.groups[0]).toEqual({ name: 'VORDEFINIERT\\Administratoren', members: ['Administrator', 'KLINIK\\Domänen-Admins'] });
  });

  it('PowerShell missing and the English name unknown to net: facts null, never pass', async () => {
    const { c, verdict } = await collect(notFound, [[netLocalgroupArgv('Administrators'), exit(2, '', 'System error 1376 has occurred.\r\n\r\nThe specified local group does not exist.\r\n')]]);
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/net localgroup Administrators exited with 2: System error 1376 has occurred\.; the group name could not be resolved/);
    expect(verdict.status).toBe('unknown');
  });

  it('timeout and access denied: facts null', async () => {
    expect((await collect(timedOut)).c.facts).toBeNull();
    const denied = await collect(ok(JSON.stringify({ group: 'BUILTIN\\Administrators', members: probeError('Access denied.', 'AccessDenied,Microsoft.PowerShell.Commands.GetLocalGroupMemberCommand', 'PermissionDenied') })), [[netLocalgroupArgv('Administrators'), exit(2, '', 'System error 5 has occurred.\r\n\r\nAccess is denied.\r\n')]]);
    expect(denied.c.facts).toBeNull();
    expect(denied.c.reason).toMatch(/access denied, needs administrator/);
  });
});
