import { describe, expect, it } from 'vitest';
import check, { ADMIN_MEMBERS_ARGV, ADMIN_NESTED_ARGV, USER_UIDS_ARGV } from '../../../../agent/checks/local_admins/darwin.js';
import { parseGroupMembership, parseUserUids } from '../../../../agent/checks/local_admins/parse-dscl.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture } from '../fakes-darwin.js';

const ADMIN = macFixture('dscl-read-admin/groupmembership-root-williamj.txt');
const UIDS = macFixture('dscl-list-users-uniqueid/constructed-three-accounts.txt');

describe('dscl parsers', () => {
  it('reads members on one line, on continuation lines, and "No such key"', () => {
    expect(parseGroupMembership(ADMIN)).toEqual(['root', 'williamj']);
    expect(parseGroupMembership('GroupMembership:\r\n root\r\n nurse station\r\n')).toEqual(['root', 'nurse', 'station']);
    expect(parseGroupMembership('No such key: GroupMembership\n')).toEqual([]);
    expect(parseGroupMembership('<dscl_cmd> DS Error: -14136 (eDSRecordNotFound)')).toBeNull();
  });
  it('reads name/uid rows including negative uids', () => {
    const m = parseUserUids(UIDS)!;
    expect(m.get('root')).toBe(0);
    expect(m.get('nobody')).toBe(-2);
    expect(m.size).toBe(7);
    expect(parseUserUids('')).toBeNull();
  });
  it('never throw', () => {
    assertParserTotal(parseGroupMembership);
    assertParserTotal(parseUserUids);
  });
});

const G = key(ADMIN_MEMBERS_ARGV);
const U = key(USER_UIDS_ARGV);
const N = key(ADMIN_NESTED_ARGV);
const run = (r: Record<string, Reply>) => check.collect(fakeDeps(fakeRunner(r), fakeFiles({})));

describe('local_admins collect (darwin, replayed)', () => {
  it('root plus one user: one administrator, root reported as uid 0, passes', async () => {
    const c = await run({ [G]: ok(ADMIN), [U]: ok(UIDS), [N]: exit(181, '', 'No such key: NestedGroups') });
    expect(c.facts).toEqual({ groups: [{ name: 'admin', members: ['root', 'williamj'] }], uid0Accounts: ['root'], admins: ['williamj'], detail: 'root is a member of admin by default and is reported as a uid 0 account' });
    expect(schemaErrors('local_admins', c.facts)).toEqual([]);
    expect(verdictOf('local_admins', c)).toEqual({ status: 'pass' });
  });

  it('a hidden uid 0 account fails', async () => {
    const c = await run({ [G]: ok(ADMIN), [U]: ok(`${UIDS}toor 0\n`) });
    expect(verdictOf('local_admins', c)).toEqual({ status: 'fail', reason: 'accounts other than root have uid 0: toor' });
  });

  it('nested directory groups are named in detail', async () => {
    const c = await run({ [G]: ok(ADMIN), [U]: ok(UIDS), [N]: ok('NestedGroups: ABCDEFAB-CDEF-ABCD-EFAB-CDEF0000000C\n') });
    expect((c.facts as { detail: string }).detail).toContain('1 nested group(s)');
  });

  it('dscl missing, timed out or denied: no facts', async () => {
    for (const r of [notFound, timedOut, { exitCode: null, failure: 'permission' } as Reply]) {
      const c = await run({ [G]: r, [U]: r });
      expect(c.facts).toBeNull();
      expect(verdictOf('local_admins', c).status).toBe('unknown');
    }
    expect((await run({ [G]: ok(ADMIN), [U]: timedOut })).facts).toBeNull();
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('dscl-read-admin/groupmembership-root-williamj.txt', 'dscl-list-users-uniqueid/constructed-three-accounts.txt'));
  });
});
