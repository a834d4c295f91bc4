import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/secure_boot/linux.js';
import { efiVarByte, parseMokutilSbState } from '../../../../agent/checks/secure_boot/parse-secureboot.js';
import type { SecureBootFacts } from '../../../../protocol/checks/secure-boot.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const GUID = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
const SB = `/sys/firmware/efi/efivars/SecureBoot-${GUID}`;
const SETUP = `/sys/firmware/efi/efivars/SetupMode-${GUID}`;
/** efivarfs content: 4 attribute bytes (NV|BS|RT = 0x07) and a one-byte value, as the agent's UTF-8 reader returns it. */
const efivar = (value: number) => Buffer.from([0x07, 0, 0, 0, value]).toString('utf8');

describe('secure boot parsers', () => {
  it('mokutil on this machine (no EFI): no state, noEfi', () => {
    expect(parseMokutilSbState(fixture('mokutil-sb-state/debian12-no-efi.stderr.txt'))).toEqual({ enabled: null, setupMode: null, noEfi: true, shimValidationDisabled: false });
  });
  // A UEFI machine was not available to record mokutil; its wording is taken from mokutil's source strings.
  it('mokutil wording on UEFI', () => {
    expect(parseMokutilSbState('SecureBoot enabled\n')).toMatchObject({ enabled: true, setupMode: false });
    expect(parseMokutilSbState('SecureBoot disabled\nPlatform is in Setup Mode\n')).toMatchObject({ enabled: false, setupMode: true });
    expect(parseMokutilSbState('SecureBoot enabled\nSecureBoot validation is disabled in shim\n')?.shimValidationDisabled).toBe(true);
    expect(parseMokutilSbState('')).toBeNull();
    expect(parseMokutilSbState('Failed to read SecureBoot')).toBeNull();
  });
  it('efivarfs bytes: value after the attributes (which must carry boot-service and runtime access); anything else is unreadable', () => {
    expect(efiVarByte(efivar(1))).toBe(1);
    expect(efiVarByte(efivar(0))).toBe(0);
    expect(efiVarByte(Buffer.from([0x06, 0, 0, 0, 1]).toString('utf8'))).toBe(1);
    expect(efiVarByte(Buffer.from([0x07, 0, 0, 0, 0xff]).toString('utf8'))).toBeNull();
    expect(efiVarByte('')).toBeNull();
    expect(efiVarByte('garbage')).toBeNull();
    expect(efiVarByte('abcd\u0001')).toBeNull();
  });
});

async function collect(replies: Record<string, Reply>, files: Record<string, string>, dirs: Record<string, number> = {}) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files, dirs)));
  return { c, calls, facts: c.facts as SecureBootFacts, verdict: verdictOf('secure_boot', c) };
}
const UEFI = { '/sys/firmware/efi': 1 };

describe('secure_boot collect (replayed)', () => {
  it('this build machine: no /sys/firmware/efi on x86_64: BIOS or direct kernel boot, fail, nothing run', async () => {
    const { facts, verdict, calls } = await collect({}, { '/proc/sys/kernel/arch': 'x86_64\n' });
    expect(facts).toMatchObject({ firmware: 'bios', enabled: false });
    expect(calls).toEqual([]);
    expect(schemaErrors('secure_boot', facts)).toEqual([]);
    expect(verdict).toEqual({ status: 'fail', reason: 'legacy BIOS boot: Secure Boot is unavailable' });
  });

  it('no UEFI on an ARM board is unknown, not "BIOS"; older kernels ask uname', async () => {
    const arm = await collect({}, { '/proc/sys/kernel/arch': 'aarch64\n' });
    expect(arm.facts).toMatchObject({ firmware: null, enabled: null });
    expect(arm.verdict.status).toBe('unknown');
    const old = await collect({ 'uname -m': ok('x86_64\n') }, {});
    expect(old.facts.firmware).toBe('bios');
  });

  it('UEFI with mokutil: enabled passes, setup mode fails, shim validation off fails', async () => {
    const files = { '/usr/bin/mokutil': '' };
    const on = await collect({ 'mokutil --sb-state': ok('SecureBoot enabled\n') }, files, UEFI);
    expect(on.facts).toMatchObject({ firmware: 'uefi', enabled: true, setupMode: false });
    expect(on.verdict).toEqual({ status: 'pass' });
    const setup = await collect({ 'mokutil --sb-state': ok('SecureBoot enabled\nPlatform is in Setup Mode\n') }, files, UEFI);
    expect(setup.verdict.status).toBe('fail');
    const shim = await collect({ 'mokutil --sb-state': ok('SecureBoot enabled\nSecureBoot validation is disabled in shim\n') }, files, UEFI);
    expect(shim.facts.enabled).toBe(false);
    const off = await collect({ 'mokutil --sb-state': exit(1, 'SecureBoot disabled\n') }, files, UEFI);
    expect(off.verdict).toEqual({ status: 'fail', reason: 'Secure Boot is off' });
  });

  it('UEFI without mokutil reads efivarfs (binary content through the text reader)', async () => {
    const on = await collect({}, { [SB]: efivar(1), [SETUP]: efivar(0) }, UEFI);
    expect(on.facts).toMatchObject({ firmware: 'uefi', enabled: true, setupMode: false });
    expect(on.verdict.status).toBe('pass');
    const off = await collect({}, { [SB]: efivar(0) }, UEFI);
    expect(off.facts).toMatchObject({ enabled: false, setupMode: null });
  });

  it('mokutil timing out and efivarfs unreadable: unknown, never pass', async () => {
    const { facts, verdict } = await collect({ mokutil: timedOut }, { '/usr/bin/mokutil': '' }, UEFI);
    expect(facts).toMatchObject({ firmware: 'uefi', enabled: null });
    expect(facts.detail).toContain('timed out');
    expect(verdict.status).toBe('unknown');
    const bad = await collect({}, { [SB]: 'garbage' }, UEFI);
    expect(bad.verdict.status).toBe('unknown');
  });
});
