// Remote access on this machine. sshd's effective settings come from the real `sshd -T -f FILE` on
// temporary configurations (needs openssh-server), fed to the collector's parser and the shared
// evaluation; the collector itself runs against the machine as it is, checked against /proc.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import check from '../../../../agent/checks/remote_access/linux.js';
import { parseProcNetTcp, parseSshdT, sshdVerdict } from '../../../../agent/checks/remote_access/parse-remote.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { RemoteAccessFacts } from '../../../../protocol/checks/remote-access.js';
import { schemaErrors, verdictOf } from '../fakes.js';
import { runningProcesses } from '../fakes-linux-real.js';

const PRIVSEP = '/run/sshd';
let createdPrivsep = false;
let dir = '';
beforeAll(() => {
  // sshd -T refuses to run without its privilege separation directory (created by the service at start).
  if (!existsSync(PRIVSEP)) {
    mkdirSync(PRIVSEP, { mode: 0o755 });
    createdPrivsep = true;
  }
  dir = mkdtempSync(join(tmpdir(), 'vigil-sshd-'));
});
afterAll(() => {
  if (createdPrivsep) rmdirSync(PRIVSEP);
  rmSync(dir, { recursive: true, force: true });
});

/** Effective settings of a configuration, by the real sshd, judged by the shared evaluation as an enabled sshd. */
async function judge(config: string) {
  const file = join(dir, `sshd_config_${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, config);
  const r = await createRunner()('/usr/sbin/sshd', ['-T', '-f', file]);
  expect(r.exitCode, r.stderr).toBe(0);
  const s = parseSshdT(r.stdout)!;
  expect(s).not.toBeNull();
  const v = sshdVerdict(s);
  const facts: RemoteAccessFacts = { services: [{ name: 'sshd', enabled: true, permitRootLogin: v.permitRootLogin, passwordAuthentication: v.passwordAuthentication }] };
  return { v, verdict: verdictOf('remote_access', { facts, evidence: [] }) };
}

// Host keys of the installed server, so the temporary configurations load like the real one.
const HOSTKEYS = ['/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_rsa_key'].filter(existsSync).map((k) => `HostKey ${k}\n`).join('');

describe('sshd effective settings from the real sshd -T', () => {
  it('PermitRootLogin yes: fail', async () => {
    const { v, verdict } = await judge(`${HOSTKEYS}PermitRootLogin yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n`);
    expect(v.permitRootLogin).toBe('yes');
    expect(verdict).toEqual({ status: 'fail', reason: 'sshd permits root login with a password' });
  });

  it('prohibit-password with PasswordAuthentication no: pass', async () => {
    const { v, verdict } = await judge(`${HOSTKEYS}PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n`);
    expect(v).toMatchObject({ permitRootLogin: 'prohibit-password', passwordAuthentication: false });
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('keyboard-interactive through PAM counts as passwords: fail', async () => {
    const { v, verdict } = await judge(`${HOSTKEYS}PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication yes\nUsePAM yes\n`);
    expect(v.passwordAuthentication).toBe(true);
    expect(verdict.status).toBe('fail');
  });

  it('an empty configuration takes OpenSSH\'s defaults: root by key only, passwords on', async () => {
    const { v } = await judge(HOSTKEYS);
    expect(v).toEqual({ permitRootLogin: 'prohibit-password', passwordAuthentication: true, defaulted: [] });
  });
});

describe('remote_access collect on this machine', () => {
  it('sshd is reported enabled exactly when it runs or listens on its port; the verdict follows the facts', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as RemoteAccessFacts;
    expect(schemaErrors('remote_access', facts)).toEqual([]);
    const sshd = facts.services.find((s) => s.name === 'sshd');
    expect(sshd !== undefined).toBe(existsSync('/usr/sbin/sshd'));
    const ports = new Set([...parseProcNetTcp(readFileSync('/proc/net/tcp', 'utf8'))!, ...(parseProcNetTcp(readFileSync('/proc/net/tcp6', 'utf8')) ?? [])]);
    if (sshd && !existsSync('/run/systemd/system')) expect(sshd.enabled).toBe(runningProcesses().has('sshd') || ports.has(22));
    if (sshd) expect(sshd.permitRootLogin).not.toBeNull();
    const v = verdictOf('remote_access', c);
    if (facts.services.every((s) => s.enabled === false)) expect(v).toEqual({ status: 'pass' });
    if (v.status !== 'pass') expect(v.reason).toBeTruthy();
  });
});
