import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/os_eol/linux.js';
import { osEolFacts, variantOf } from '../../../../agent/checks/os_eol/parse-os-eol.js';
import { parseOsRelease } from '../../../../agent/checks/patch_level/parse-os-release.js';
import type { OsEolFacts } from '../../../../protocol/checks/os-eol.js';
import { fakeDeps, fakeFiles, fakeRunner, fixture, schemaErrors, verdictOf } from '../fakes.js';

const facts = (file: string) => {
  const text = fixture(file);
  return osEolFacts(parseOsRelease(text)!, variantOf(text));
};

describe('os-release to lifecycle facts', () => {
  it.each([
    ['os-release/debian-12-bookworm.txt', { family: 'debian', name: 'Debian GNU/Linux', version: '12' }],
    ['os-release/debian-10-buster.txt', { family: 'debian', version: '10' }],
    ['os-release/ubuntu-18.04-lts.txt', { family: 'ubuntu', version: '18.04' }],
    ['os-release/ubuntu-22.04-development-branch.txt', { family: 'ubuntu', version: '22.04' }],
    ['os-release/rhel-9.0.txt', { family: 'rhel', version: '9.0' }],
    ['os-release/rocky-9.0.txt', { family: 'rocky', version: '9.0' }],
    ['os-release/sles-15-sp1.txt', { family: 'sles', version: '15.1' }],
    ['os-release/amazon-linux-2.txt', { family: 'amzn', version: '2' }],
    ['os-release/alpine-3.7.txt', { family: 'alpine', version: '3.7.0' }],
    ['os-release/fedora-29-container.txt', { family: 'fedora', version: '29', edition: 'Container Image' }],
    ['os-release/opensuse-tumbleweed.txt', { family: 'opensuse-tumbleweed', version: '20251007' }],
    ['os-release/kali-rolling.txt', { family: 'kali', version: '2019.4' }],
    ['os-release/linuxmint-20.txt', { family: 'linuxmint', version: '20' }],
    ['os-release/arch-rolling.txt', { family: 'arch', version: 'rolling' }],
  ])('%s', (file, expected) => {
    const f = facts(file);
    expect(f).toMatchObject(expected);
    expect(schemaErrors('os_eol', f)).toEqual([]);
  });

  it('CentOS Stream is told apart from CentOS Linux; SLES for SAP follows SLES', () => {
    expect(osEolFacts({ id: 'centos', name: 'CentOS Stream', version: '8' })).toEqual({ family: 'centos', name: 'CentOS Stream', version: '8', edition: 'Stream' });
    expect(osEolFacts({ id: 'sles_sap', name: 'SLES', version: '15.4' }).family).toBe('sles');
    expect(variantOf('NAME=x\nVARIANT="Server"\n')).toBe('Server');
    expect(variantOf('')).toBeUndefined();
  });

  it('the shared evaluation: Debian 12 past its regular support fails; Debian 10 long gone fails; unknown families are unknown', () => {
    const at = (f: OsEolFacts, when: string) => verdictOf('os_eol', { facts: f, evidence: [] }, when);
    expect(at(facts('os-release/debian-12-bookworm.txt'), '2026-11-23T12:00:00Z').status).toBe('fail');
    expect(at(facts('os-release/debian-12-bookworm.txt'), '2025-01-01T12:00:00Z').status).toBe('pass');
    expect(at(facts('os-release/kali-rolling.txt'), '2026-11-23T12:00:00Z').status).toBe('unknown');
  });
});

describe('os_eol collect (replayed)', () => {
  it('reads /etc/os-release and runs nothing', async () => {
    const calls: string[] = [];
    const c = await check.collect(fakeDeps(fakeRunner({}, calls), fakeFiles({ '/etc/os-release': fixture('os-release/debian-12-bookworm.txt') })));
    expect(c.facts).toEqual({ family: 'debian', name: 'Debian GNU/Linux', version: '12' });
    expect(calls).toEqual([]);
    expect(c.evidence).toEqual([{ source: 'read /etc/os-release' }]);
  });

  it('falls back to /usr/lib/os-release', async () => {
    const c = await check.collect(fakeDeps(fakeRunner({}), fakeFiles({ '/usr/lib/os-release': fixture('os-release/rocky-9.0.txt') })));
    expect(c.facts).toMatchObject({ family: 'rocky', version: '9.0' });
  });

  it('missing, garbage, or version-less os-release gives no facts and an unknown verdict', async () => {
    for (const files of [{}, { '/etc/os-release': '\u0000garbage' }, { '/etc/os-release': 'ID=linux\nNAME=Linux\n' }]) {
      const c = await check.collect(fakeDeps(fakeRunner({}), fakeFiles(files)));
      expect(c.facts).toBeNull();
      expect(c.reason).toBeTruthy();
      expect(verdictOf('os_eol', c).status).toBe('unknown');
    }
  });
});
