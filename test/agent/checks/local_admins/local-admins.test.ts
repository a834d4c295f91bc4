import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/local_admins/linux.js';
import { looksLikeGroup, looksLikePasswd, parseGroup, parsePasswd, remoteGroupSources } from '../../../../agent/checks/local_admins/parse-accounts.js';
import { includedirTakes, parseSudoers } from '../../../../agent/checks/local_admins/parse-sudoers.js';
import type { LocalAdminsFacts } from '../../../../protocol/checks/local-admins.js';
import { fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

describe('account databases', () => {
  it('this machine\'s /etc/passwd and /etc/group: root alone at uid 0, sudo group empty, ssl-cert with one member', () => {
    const passwd = parsePasswd(fixture('etc-passwd/debian12.txt'));
    expect(looksLikePasswd(passwd)).toBe(true);
    expect(passwd.filter((u) => u.uid === 0).map((u) => u.name)).toEqual(['root']);
    expect(passwd.find((u) => u.name === 'cloudsdk')).toEqual({ name: 'cloudsdk', uid: 1000, gid: 1000, home: '/home/cloudsdk' });
    const groups = parseGroup(fixture('etc-group/debian12.txt'));
    expect(looksLikeGroup(groups)).toBe(true);
    expect(groups.find((g) => g.name === 'sudo')).toEqual({ name: 'sudo', gid: 27, members: [] });
    expect(groups.find((g) => g.name === 'ssl-cert')?.members).toEqual(['postgres']);
  });

  it('garbage is not an account database; NIS compat lines are skipped', () => {
    expect(looksLikePasswd(parsePasswd('\u0000garbage\nfoo:bar'))).toBe(false);
    expect(looksLikeGroup(parseGroup(''))).toBe(false);
    expect(parsePasswd('+::::::\nroot:x:0:0:root:/root:/bin/bash\n')).toHaveLength(1);
  });

  it('nsswitch: this machine consults only files and systemd; sss/ldap are reported', () => {
    expect(remoteGroupSources(fixture('nsswitch-conf/debian12.txt'))).toEqual([]);
    expect(remoteGroupSources('passwd: files sss\ngroup:          files [SUCCESS=merge] sss ldap\n')).toEqual(['sss', 'ldap']);
  });
});

describe('sudoers', () => {
  it('Debian\'s sudoers as shipped by the sudo package: root and %sudo get ALL, @includedir /etc/sudoers.d', () => {
    expect(parseSudoers(fixture('etc-sudoers/debian12-sudo-package-default.txt'))).toEqual({ admins: ['root', '%sudo'], includes: [{ kind: 'dir', path: '/etc/sudoers.d' }] });
  });

  it('aliases, tags, continuation lines, Runas lists, narrow grants and negations', () => {
    const text = [
      'User_Alias ADMINS = alice, bob : OPS = carol',
      'Cmnd_Alias EVERYTHING = ALL',
      'Cmnd_Alias RESTART = /usr/bin/systemctl restart nginx',
      'ADMINS ALL = (ALL) NOPASSWD: ALL',
      'OPS ALL=(root) RESTART',
      'dave ALL=(www-data) ALL',
      'erin ALL=(ALL:ALL) EVERYTHING, !/bin/su',
      '%wheel ALL=(ALL) \\',
      '   ALL',
      'frank ALL=(:adm) ALL',
      '#include /etc/sudoers.local',
      '#includedir /etc/sudoers.d',
      '# a comment: ALL ALL=(ALL) ALL',
      'Defaults:%sudo env_keep += "EDITOR"',
    ].join('\n');
    const s = parseSudoers(text);
    expect(s.admins.sort()).toEqual(['%wheel', 'alice', 'bob', 'erin']);
    expect(s.includes).toEqual([{ kind: 'file', path: '/etc/sudoers.local' }, { kind: 'dir', path: '/etc/sudoers.d' }]);
    expect(parseSudoers('').admins).toEqual([]);
    expect(parseSudoers('\u0000\u0001 garbage').admins).toEqual([]);
  });

  it('includedir skips names with a dot or ending in ~', () => {
    expect(['/etc/sudoers.d/README', '/etc/sudoers.d/90-cloud', '/etc/sudoers.d/x.rpmsave', '/etc/sudoers.d/y~'].filter(includedirTakes)).toEqual(['/etc/sudoers.d/README', '/etc/sudoers.d/90-cloud']);
  });
});

const BASE = { '/etc/passwd': fixture('etc-passwd/debian12.txt'), '/etc/group': fixture('etc-group/debian12.txt'), '/etc/nsswitch.conf': fixture('nsswitch-conf/debian12.txt') };
const FIND_SUDOERS_D = 'find /etc/sudoers.d -mindepth 1 -maxdepth 1 -type f';

async function collect(files: Record<string, string>, replies: Record<string, Reply> = {}, dirs: Record<string, number> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files, dirs)));
  return { c, facts: c.facts as LocalAdminsFacts, verdict: verdictOf('local_admins', c) };
}

describe('local_admins collect (replayed)', () => {
  it('this build machine: sudo not installed, sudo group empty, only root: pass', async () => {
    const { facts, verdict } = await collect(BASE);
    expect(facts).toEqual({ groups: [{ name: 'sudo', members: [] }], uid0Accounts: ['root'], admins: [], detail: 'sudo is not installed (no /etc/sudoers)' });
    expect(schemaErrors('local_admins', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('with Debian\'s sudoers and a drop-in granting a user: sudo group members and the user are admins', async () => {
    const group = fixture('etc-group/debian12.txt').replace('sudo:x:27:', 'sudo:x:27:cloudsdk');
    const { facts, verdict } = await collect(
      { ...BASE, '/etc/group': group, '/etc/sudoers': fixture('etc-sudoers/debian12-sudo-package-default.txt'), '/etc/sudoers.d/90-vendor': 'vendor ALL=(ALL) NOPASSWD:ALL\n', '/etc/sudoers.d/README': '# only comments\n' },
      { [FIND_SUDOERS_D]: ok('/etc/sudoers.d/README\n/etc/sudoers.d/90-vendor\n/etc/sudoers.d/old.bak\n') },
      { '/etc/sudoers.d': 1 },
    );
    expect(facts.groups).toEqual([{ name: 'sudo', members: ['cloudsdk'] }, { name: 'sudoers', members: ['root', 'vendor'] }]);
    expect(facts.admins).toEqual(['cloudsdk', 'vendor']);
    expect(facts.detail).toContain('3 file(s) read');
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('a second uid 0 account fails; primary-group members count; too many admins fail', async () => {
    const passwd = `${fixture('etc-passwd/debian12.txt')}toor:x:0:0::/root:/bin/sh\n${['a', 'b', 'c'].map((n, i) => `${n}:x:${2000 + i}:1010:::/bin/sh`).join('\n')}\n`;
    const group = `${fixture('etc-group/debian12.txt')}wheel:x:1010:\n`;
    const { facts, verdict } = await collect({ ...BASE, '/etc/passwd': passwd, '/etc/group': group });
    expect(facts.uid0Accounts).toEqual(['root', 'toor']);
    expect(facts.groups.find((g) => g.name === 'wheel')?.members).toEqual(['a', 'b', 'c']);
    expect(facts.admins).toEqual(['a', 'b', 'c']);
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toContain('toor');
  });

  it('unreadable sudoers (needs root) or an unlistable includedir: no facts, unknown, never pass', async () => {
    const exists = { '/etc/sudoers': 1 };
    const unread = await collect(BASE, {}, exists);
    expect(unread.c.facts).toBeNull();
    expect(unread.c.reason).toContain('/etc/sudoers');
    expect(unread.verdict.status).toBe('unknown');
    const dir = await collect({ ...BASE, '/etc/sudoers': fixture('etc-sudoers/debian12-sudo-package-default.txt') }, { find: timedOut }, { '/etc/sudoers.d': 1 });
    expect(dir.c.facts).toBeNull();
    expect(dir.verdict.status).toBe('unknown');
  });

  it('garbage or missing account files: no facts, unknown', async () => {
    for (const files of [{}, { '/etc/passwd': 'garbage', '/etc/group': 'garbage' }, { ...BASE, '/etc/group': '\u0000' }]) {
      const { c, verdict } = await collect(files);
      expect(c.facts).toBeNull();
      expect(verdict.status).toBe('unknown');
    }
  });
});
