import { describe, expect, it } from 'vitest';
import check, { ARD_MARKER, REMOTE_LOGIN_ARGV, SCREENSHARING_LIST_ARGV, SSHD_LIST_ARGV, SSHD_T_ARGV, VNC_SETTINGS } from '../../../../agent/checks/remote_access/darwin.js';
import { parseSshdT } from '../../../../agent/checks/remote_access/parse-sshd-t.js';
import type { RemoteAccessFacts } from '../../../../protocol/checks/remote-access.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture } from '../fakes-darwin.js';

const SSHD_T = macFixture('sshd-T/constructed-macos-defaults.txt');
const NOT_LOADED = exit(113, '', macFixture('launchctl-list/constructed-not-loaded.stderr.txt'));
const SSHD_LOADED = ok('{\n\t"Label" = "com.openssh.sshd";\n\t"LastExitStatus" = 0;\n\t"OnDemand" = true;\n};\n');

describe('parseSshdT', () => {
  it('macOS defaults: root by key only, passwords through keyboard-interactive/PAM', () => {
    expect(parseSshdT(SSHD_T)).toEqual({ permitRootLogin: 'prohibit-password', passwordAuthentication: true });
    expect(parseSshdT('permitrootlogin no\r\npasswordauthentication no\r\nkbdinteractiveauthentication no\r\nusepam yes\r\n')).toEqual({ permitRootLogin: 'no', passwordAuthentication: false });
  });
  it('returns null without both settings (error, truncated)', () => {
    expect(parseSshdT('sshd: no hostkeys available -- exiting.')).toBeNull();
    expect(parseSshdT(SSHD_T.split('\n').slice(0, 5).join('\n'))).toBeNull();
    expect(parseSshdT('')).toBeNull();
  });
  it('never throws', () => assertParserTotal(parseSshdT));
});

const SL = key(SSHD_LIST_ARGV);
const SS = key(SCREENSHARING_LIST_ARGV);
const ST = key(SSHD_T_ARGV);

async function collect(replies: Record<string, Reply>, files: Record<string, string> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files)));
  return { c, s: (n: string) => (c.facts as RemoteAccessFacts).services.find((x) => x.name === n)! };
}

describe('remote_access collect (darwin, replayed)', () => {
  it('everything off passes', async () => {
    const { c } = await collect({ [SL]: NOT_LOADED, [SS]: NOT_LOADED });
    expect(c.facts).toEqual({ services: [
      { name: 'sshd', enabled: false, detail: 'Remote Login: com.openssh.sshd not loaded' },
      { name: 'screen-sharing', enabled: false, detail: 'com.apple.screensharing not loaded' },
      { name: 'remote-management', enabled: false, detail: 'Apple Remote Desktop agent not activated' },
    ] });
    expect(schemaErrors('remote_access', c.facts)).toEqual([]);
    expect(verdictOf('remote_access', c)).toEqual({ status: 'pass' });
  });

  it('Remote Login on with macOS defaults accepts passwords: fails', async () => {
    const { c, s } = await collect({ [SL]: SSHD_LOADED, [ST]: ok(SSHD_T), [SS]: NOT_LOADED });
    expect(s('sshd')).toMatchObject({ enabled: true, permitRootLogin: 'prohibit-password', passwordAuthentication: true });
    expect(verdictOf('remote_access', c)).toEqual({ status: 'fail', reason: 'sshd accepts password authentication' });
  });

  it('Remote Login on but sshd -T not permitted: unknown, never pass', async () => {
    const { c, s } = await collect({ [SL]: SSHD_LOADED, [ST]: exit(255, '', 'Permission denied'), [SS]: NOT_LOADED });
    expect(s('sshd')).toMatchObject({ enabled: true, permitRootLogin: null, passwordAuthentication: null, detail: 'Remote Login on; sshd -T needs root' });
    expect(verdictOf('remote_access', c).status).toBe('unknown');
  });

  it('launchctl unusable: systemsetup answers Remote Login', async () => {
    const { s } = await collect({ [SL]: timedOut, [key(REMOTE_LOGIN_ARGV)]: ok(macFixture('systemsetup/constructed-remote-login-on.txt')), [ST]: ok('permitrootlogin no\npasswordauthentication no\n'), [SS]: NOT_LOADED });
    expect(s('sshd')).toMatchObject({ enabled: true, passwordAuthentication: false });
    const denied = await collect({ [SL]: notFound, [key(REMOTE_LOGIN_ARGV)]: exit(1, macFixture('systemsetup/constructed-needs-admin.txt')), [SS]: NOT_LOADED });
    expect(denied.s('sshd').enabled).toBeNull();
    expect(verdictOf('remote_access', denied.c).status).toBe('unknown');
  });

  it('Screen Sharing with a legacy VNC password, and Remote Management on: fails', async () => {
    const { c, s } = await collect({ [SL]: NOT_LOADED, [SS]: ok('{\n\t"Label" = "com.apple.screensharing";\n\t"OnDemand" = true;\n};\n') }, { [VNC_SETTINGS]: '4A3F...', [ARD_MARKER]: 'enabled\n' });
    expect(s('screen-sharing')).toMatchObject({ enabled: true, legacyVncPassword: true });
    expect(s('remote-management')).toMatchObject({ enabled: true, legacyVncPassword: true });
    expect(verdictOf('remote_access', c)).toMatchObject({ status: 'fail', reason: 'screen-sharing allows legacy VNC password access; remote-management allows legacy VNC password access' });
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('sshd-T/constructed-macos-defaults.txt', 'systemsetup/constructed-remote-login-on.txt'));
  });
});
