import { describe, expect, it } from 'vitest';
import check, { REMOTE_ARGV } from '../../../../agent/checks/remote_access/windows.js';
import { parseSshdConfig, rdpState } from '../../../../agent/checks/remote_access/parse-win-remote.js';
import type { RemoteAccessFacts } from '../../../../protocol/checks/remote-access.js';
import { assertNeverPasses, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

const SSHD_DEFAULT = winFixture('sshd-config/win32-openssh-default.txt');
const SSHD_PATH = 'C:\\ProgramData\\ssh\\sshd_config';
// Registry values and services as our script prints them (documented value names; Status 4 Running,
// 1 Stopped; StartType 2 Automatic, 3 Manual).
const base = { ts: { fDenyTSConnections: 0 }, rdpTcp: { UserAuthentication: 1, SecurityLayer: 2, PortNumber: 3389 }, tsPolicy: null, svc: [], programData: 'C:\\ProgramData' };
const out = (o: Record<string, unknown>) => ok(JSON.stringify({ ...base, ...o }));

async function collect(reply: Reply, files: Record<string, string> = {}) {
  const { deps } = winDeps([[REMOTE_ARGV, reply]], files);
  const c = await check.collect(deps);
  const facts = c.facts as RemoteAccessFacts;
  return { c, facts, verdict: verdictOf('remote_access', c), s: (n: string) => facts.services.find((x) => x.name === n) };
}

describe('remote access parsers', () => {
  it('RDP: local values, and Group Policy overriding them', () => {
    expect(rdpState({ fDenyTSConnections: 0 }, { UserAuthentication: 1 }, null)).toEqual({ enabled: true, nla: true, enabledFrom: 'local', nlaFrom: 'local' });
    expect(rdpState({ fDenyTSConnections: 0 }, { UserAuthentication: 1 }, { fDenyTSConnections: 1, UserAuthentication: 0 })).toEqual({ enabled: false, nla: false, enabledFrom: 'policy', nlaFrom: 'policy' });
    expect(rdpState(null, null, null)).toEqual({ enabled: null, nla: null, enabledFrom: null, nlaFrom: null });
  });

  it('the default Windows sshd_config (PowerShell/openssh-portable): PasswordAuthentication commented out, so yes', () => {
    expect(parseSshdConfig(SSHD_DEFAULT)).toEqual({ passwordAuthentication: true, permitRootLogin: null });
  });

  it('first occurrence wins; Match blocks are not global; "=" syntax', () => {
    expect(parseSshdConfig('PasswordAuthentication no\nPasswordAuthentication yes\n')).toMatchObject({ passwordAuthentication: false });
    expect(parseSshdConfig('Match Group administrators\n  PasswordAuthentication no\n')).toMatchObject({ passwordAuthentication: true });
    expect(parseSshdConfig('passwordauthentication=no # hardened\n')).toMatchObject({ passwordAuthentication: false });
    expect(parseSshdConfig('PasswordAuthentication maybe')).toMatchObject({ passwordAuthentication: null });
    expect(parseSshdConfig(SSHD_DEFAULT.slice(0, 1200))).toMatchObject({ passwordAuthentication: true });
  });

  it('property: never throws; a random sshd_config of an enabled sshd never passes', () => {
    // No uncommented "PasswordAuthentication no" among the lines: a pass would need one.
    assertNeverPasses('remote_access', (t) => ({ services: [{ name: 'sshd', enabled: true, passwordAuthentication: parseSshdConfig(t).passwordAuthentication }] }), [
      'PasswordAuthentication yes',
      'PubkeyAuthentication yes',
      'Match Group administrators',
      '#PasswordAuthentication no',
      '',
    ]);
  });
});

describe('remote_access collect on Windows (replayed)', () => {
  it('RDP on with NLA, no sshd: pass', async () => {
    const { c, facts, verdict } = await collect(out({}));
    expect(facts.services).toEqual([{ name: 'rdp', enabled: true, nla: true, detail: 'fDenyTSConnections 0 (local); UserAuthentication 1 (local)' }]);
    expect(verdict).toEqual({ status: 'pass' });
    expect(c.evidence).toHaveLength(1);
    expect(schemaErrors('remote_access', facts)).toEqual([]);
  });

  it('RDP without NLA fails', async () => {
    const { verdict } = await collect(out({ rdpTcp: { UserAuthentication: 0 } }));
    expect(verdict).toEqual({ status: 'fail', reason: 'rdp does not require Network Level Authentication' });
  });

  it('OpenSSH server running with the default config accepts passwords: fail', async () => {
    const { c, s, verdict } = await collect(out({ svc: [{ Name: 'sshd', Status: 4, StartType: 2 }] }), { [SSHD_PATH]: SSHD_DEFAULT });
    expect(s('sshd')).toEqual({ name: 'sshd', enabled: true, passwordAuthentication: true, detail: 'sshd running, start automatic; PasswordAuthentication from C:\\ProgramData\\ssh\\sshd_config' });
    expect(verdict).toEqual({ status: 'fail', reason: 'sshd accepts password authentication' });
    expect(c.evidence.map((e) => e.source)).toContain('read C:\\ProgramData\\ssh\\sshd_config');
  });

  it('sshd running but its config unreadable: unknown; stopped and manual: not enabled', async () => {
    expect((await collect(out({ svc: [{ Name: 'sshd', Status: 4, StartType: 2 }] }))).verdict.status).toBe('unknown');
    const stopped = await collect(out({ svc: [{ Name: 'sshd', Status: 1, StartType: 3 }] }));
    expect(stopped.s('sshd')).toMatchObject({ enabled: false });
    expect(stopped.verdict.status).toBe('pass');
  });

  it('a Telnet server that starts automatically fails', async () => {
    const { verdict } = await collect(out({ svc: { Name: 'TlntSvr', Status: 1, StartType: 2 } }));
    expect(verdict).toEqual({ status: 'fail', reason: 'telnet is enabled (credentials travel in the clear)' });
  });

  it('registry refused: RDP unknown; PowerShell timing out: facts null', async () => {
    const denied = probeError('Requested registry access is not allowed.', 'System.Security.SecurityException', 'PermissionDenied');
    const r = await collect(out({ ts: denied, rdpTcp: denied }));
    expect(r.s('rdp')?.enabled).toBeNull();
    expect(r.verdict.status).toBe('unknown');
    expect((await collect(timedOut)).c.facts).toBeNull();
  });
});
