import { describe, expect, it } from 'vitest';
import check, { BPUTIL_ARGV, CPU_BRAND_ARGV, CSRUTIL_ARGV, IBRIDGE_ARGV, SECURE_BOOT_NVRAM_ARGV } from '../../../../agent/checks/secure_boot/darwin.js';
import { parseBputil, parseCpuBrand, parseCsrutil, parseIBridge, parseSecureBootNvram } from '../../../../agent/checks/secure_boot/parse-secure-boot.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, key, macFixture } from '../fakes-darwin.js';

const M1 = macFixture('sysctl-cpu-brand/constructed-apple-m1-pro.txt');
const INTEL = macFixture('sysctl-cpu-brand/constructed-intel-broadwell.txt');
const T2 = macFixture('system-profiler-ibridge/constructed-t2-full-security.json.txt');
const NO_T2 = macFixture('system-profiler-ibridge/constructed-no-t2.json.txt');
const BPUTIL = macFixture('bputil/constructed-full-security.txt');
const SIP_ON = macFixture('csrutil-status/enabled.txt');

describe('secure-boot parsers', () => {
  it('csrutil: enabled, custom configuration (10.11 and a VM)', () => {
    expect(parseCsrutil(SIP_ON)).toBe('enabled');
    expect(parseCsrutil(macFixture('csrutil-status/enabled-custom-configuration-10.11.txt'))).toBe('custom');
    expect(parseCsrutil(macFixture('csrutil-status/unknown-custom-configuration-vm.txt'))).toBe('unknown');
    expect(parseCsrutil('System Integrity Protection status: disabled.\r\n')).toBe('disabled');
    expect(parseCsrutil('')).toBeNull();
  });
  it('cpu brand, T2 presence and policy, nvram, bputil', () => {
    expect(parseCpuBrand(M1)).toBe('apple-silicon');
    expect(parseCpuBrand(INTEL)).toBe('intel');
    expect(parseCpuBrand('sysctl: unknown oid')).toBeNull();
    expect(parseIBridge(T2)).toEqual({ t2: true, policy: 'full' });
    expect(parseIBridge(NO_T2)).toEqual({ t2: false, policy: null });
    expect(parseIBridge('Controller:\n  Model Name: Apple T2 Security Chip\n  Secure Boot: Medium Security\n')).toEqual({ t2: true, policy: 'reduced' });
    expect(parseIBridge('{"SPiBridge')).toBeNull();
    expect(parseIBridge('')).toBeNull();
    expect(parseSecureBootNvram(macFixture('nvram-secureboot/constructed-medium.txt'))).toBe('reduced');
    expect(parseSecureBootNvram('nvram: Error getting variable')).toBeNull();
    expect(parseBputil(BPUTIL)).toBe('full');
    expect(parseBputil('Security Mode: Permissive\n')).toBe('permissive');
    expect(parseBputil('bputil: This tool needs to be run as root')).toBeNull();
  });
  it('never throw', () => {
    for (const p of [parseCsrutil, parseCpuBrand, parseIBridge, parseSecureBootNvram, parseBputil]) assertParserTotal(p);
  });
});

const run = (r: Record<string, Reply>) => check.collect(fakeDeps(fakeRunner(r), fakeFiles({})));
const BASE = { [key(CSRUTIL_ARGV)]: ok(SIP_ON) };

describe('secure_boot collect (darwin, replayed)', () => {
  it('Apple silicon with Full Security passes', async () => {
    const c = await run({ ...BASE, [key(CPU_BRAND_ARGV)]: ok(M1), [key(BPUTIL_ARGV)]: ok(BPUTIL) });
    expect(c.facts).toEqual({ firmware: 'apple-silicon', enabled: true, policy: 'full', detail: 'Full Security; SIP enabled' });
    expect(schemaErrors('secure_boot', c.facts)).toEqual([]);
    expect(verdictOf('secure_boot', c)).toEqual({ status: 'pass' });
  });

  it('Apple silicon, Permissive: fails; bputil without root: unknown', async () => {
    const perm = await run({ ...BASE, [key(CPU_BRAND_ARGV)]: ok(M1), [key(BPUTIL_ARGV)]: ok('Security Mode: Permissive\n') });
    expect(verdictOf('secure_boot', perm)).toEqual({ status: 'fail', reason: 'boot security policy is permissive' });
    const noRoot = await run({ ...BASE, [key(CPU_BRAND_ARGV)]: ok(M1), [key(BPUTIL_ARGV)]: exit(1, '', 'This tool needs to be run as root') });
    expect(noRoot.facts).toMatchObject({ firmware: 'apple-silicon', enabled: null, detail: 'boot policy unknown: bputil -d needs root; SIP enabled' });
    expect(verdictOf('secure_boot', noRoot).status).toBe('unknown');
  });

  it('T2 Full Security passes; T2 policy from nvram when system_profiler does not say', async () => {
    const full = await run({ ...BASE, [key(CPU_BRAND_ARGV)]: ok(INTEL), [key(IBRIDGE_ARGV)]: ok(T2) });
    expect(full.facts).toEqual({ firmware: 'apple-t2', enabled: true, policy: 'full', detail: 'Full Security; SIP enabled' });
    const nv = await run({ ...BASE, [key(CPU_BRAND_ARGV)]: ok(INTEL), [key(IBRIDGE_ARGV)]: ok('{"SPiBridgeDataType":[{"ibridge_model_name":"Apple T2 Security Chip"}]}'), [key(SECURE_BOOT_NVRAM_ARGV)]: ok(macFixture('nvram-secureboot/constructed-medium.txt')) });
    expect(nv.facts).toMatchObject({ firmware: 'apple-t2', enabled: true, policy: 'reduced' });
  });

  it('Intel without T2 has no secure boot: fails', async () => {
    const c = await run({ [key(CSRUTIL_ARGV)]: ok(macFixture('csrutil-status/enabled-custom-configuration-10.11.txt')), [key(CPU_BRAND_ARGV)]: ok(INTEL), [key(IBRIDGE_ARGV)]: ok(NO_T2) });
    expect(c.facts).toEqual({ firmware: 'apple-intel-legacy', enabled: false, policy: null, detail: 'Intel Mac without a T2 chip: no secure boot (firmware password only); SIP custom' });
    expect(verdictOf('secure_boot', c)).toEqual({ status: 'fail', reason: 'Secure Boot is off' });
  });

  it('sysctl missing or timed out: unknown', async () => {
    for (const r of [notFound, timedOut]) {
      const c = await run({ [key(CPU_BRAND_ARGV)]: r, [key(CSRUTIL_ARGV)]: r });
      expect(c.facts).toMatchObject({ firmware: null, enabled: null });
      expect(verdictOf('secure_boot', c).status).toBe('unknown');
    }
  });

  it('random output never passes', () => assertNeverPassesOnRandom(check));
});
