import { describe, expect, it } from 'vitest';
import check, { DISKUTIL_APFS_ARGV, FDESETUP_ARGV } from '../../../../agent/checks/disk_encryption/darwin.js';
import { parseApfsList, startupLayout } from '../../../../agent/checks/disk_encryption/parse-diskutil-apfs.js';
import { parseFdesetupStatus } from '../../../../agent/checks/disk_encryption/parse-fdesetup.js';
import { parsePlist } from '../../../../agent/checks/darwin-common.js';
import type { DiskEncryptionFacts } from '../../../../protocol/checks/disk-encryption.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture } from '../fakes-darwin.js';

const APFS = macFixture('diskutil-apfs-list/plist-output.txt');

describe('parseFdesetupStatus', () => {
  it('reads On, Off and Off followed by appended diskutil lines', () => {
    expect(parseFdesetupStatus(macFixture('fdesetup-status/on.txt'))).toEqual({ state: 'on', conversion: null, paused: false, percent: null, pending: null });
    expect(parseFdesetupStatus(macFixture('fdesetup-status/off.txt'))?.state).toBe('off');
    expect(parseFdesetupStatus(macFixture('fdesetup-status/off-plus-diskutil-apfs-grep-ci-runner.txt'))).toMatchObject({ state: 'off', conversion: null });
  });

  it('reads an encryption in progress with its percentage, and the other documented replies', () => {
    expect(parseFdesetupStatus(macFixture('fdesetup-status/constructed-encryption-in-progress.txt'))).toEqual({ state: 'on', conversion: 'encrypting', paused: false, percent: 42, pending: null });
    expect(parseFdesetupStatus('Decryption in progress: Percent completed = 12.5\r\n')).toMatchObject({ state: 'off', conversion: 'decrypting', percent: 12.5 });
    expect(parseFdesetupStatus('FileVault is On.\nEncryption in progress: Pending\n')).toMatchObject({ conversion: 'encrypting', percent: null });
    expect(parseFdesetupStatus("FileVault is Off.\nDeferred enablement appears to be active for user 'nurse'.\n")?.pending).toContain('Deferred');
  });

  it('returns null for localized, error, blank and truncated output', () => {
    expect(parseFdesetupStatus('FileVault ist aktiviert.')).toBeNull();
    expect(parseFdesetupStatus('Error: This command requires root.')).toBeNull();
    expect(parseFdesetupStatus('')).toBeNull();
    expect(parseFdesetupStatus('FileVa')).toBeNull();
  });

  it('never throws', () => assertParserTotal(parseFdesetupStatus));
});

describe('parseApfsList / startupLayout', () => {
  it('finds the Data volume of the Apple-silicon boot container and the user volume beside it', () => {
    const containers = parseApfsList(parsePlist(APFS))!;
    expect(containers.map((c) => `${c.reference}:${c.volumes.length}`)).toEqual(['disk1:4', 'disk2:2', 'disk3:7']);
    const layout = startupLayout(containers)!;
    expect(layout.container.reference).toBe('disk3');
    expect(layout.root).toMatchObject({ device: 'disk3s5', name: 'Data', roles: ['Data'], fileVault: true, encryption: true, locked: false, converting: false });
    expect(layout.rootMount).toBe('/System/Volumes/Data');
    expect(layout.others.map((v) => v.name)).toEqual(['Nix Store']);
  });

  it('pre-Catalina layout: the role-less volume next to Preboot is the startup volume', () => {
    const layout = startupLayout([{ reference: 'disk1', volumes: [
      { device: 'disk1s1', name: 'Macintosh HD', roles: [], fileVault: false, encryption: false, locked: false, converting: false },
      { device: 'disk1s2', name: 'Preboot', roles: ['Preboot'], fileVault: false, encryption: false, locked: false, converting: false },
    ] }])!;
    expect(layout).toMatchObject({ rootMount: '/', root: { device: 'disk1s1' }, others: [] });
  });

  it('returns null for non-APFS plists, and no layout when two macOS installs make it ambiguous', () => {
    expect(parseApfsList(parsePlist(macFixture('com.apple.SoftwareUpdate/plist-xml-monterey-12.6.txt')))).toBeNull();
    expect(parseApfsList(null)).toBeNull();
    const c = parseApfsList(parsePlist(APFS))!;
    expect(startupLayout([c[2]!, { ...c[2]!, reference: 'disk5' }])).toBeNull();
  });
});

const FDE = key(FDESETUP_ARGV);
const DISKUTIL = key(DISKUTIL_APFS_ARGV);

async function collect(replies: Record<string, Reply>) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles({})));
  return { c, facts: c.facts as DiskEncryptionFacts | null };
}

describe('disk_encryption collect (darwin, replayed)', () => {
  it('FileVault on: the Data volume and the user volume are encrypted, so it passes', async () => {
    const { c, facts } = await collect({ [FDE]: ok(macFixture('fdesetup-status/on.txt')), [DISKUTIL]: ok(APFS) });
    expect(facts!.volumes).toEqual([
      { mount: '/System/Volumes/Data', role: 'root', device: 'disk3s5', chain: [], encrypted: true, scheme: 'FileVault', conversion: 'encrypted', percentEncrypted: 100, locked: false },
      { mount: 'Nix Store (disk3s7)', role: 'data', device: 'disk3s7', chain: [], encrypted: true, scheme: 'FileVault', locked: false },
    ]);
    expect(c.evidence.map((e) => e.source)).toEqual([FDE, DISKUTIL]);
    expect(schemaErrors('disk_encryption', facts)).toEqual([]);
    expect(verdictOf('disk_encryption', c)).toEqual({ status: 'pass' });
  });

  it('fdesetup Off while diskutil says FileVault: the disagreement is unknown, not pass', async () => {
    const { c, facts } = await collect({ [FDE]: ok(macFixture('fdesetup-status/off.txt')), [DISKUTIL]: ok(APFS) });
    expect(facts!.volumes[0]).toMatchObject({ encrypted: null });
    expect(facts!.volumes[0]!.reason).toContain('fdesetup reports it off');
    expect(verdictOf('disk_encryption', c).status).toBe('unknown');
  });

  it('encryption in progress fails with the percentage', async () => {
    const { c, facts } = await collect({ [FDE]: ok(macFixture('fdesetup-status/constructed-encryption-in-progress.txt')), [DISKUTIL]: ok(APFS) });
    expect(facts!.volumes[0]).toMatchObject({ encrypted: false, conversion: 'encrypting', percentEncrypted: 42 });
    expect(verdictOf('disk_encryption', c)).toEqual({ status: 'fail', reason: '/System/Volumes/Data (disk3s5) encryption in progress (42%)' });
  });

  it('without diskutil, fdesetup alone decides for the startup volume; Off fails', async () => {
    const { c, facts } = await collect({ [FDE]: ok(macFixture('fdesetup-status/off-plus-diskutil-apfs-grep-ci-runner.txt')), [DISKUTIL]: notFound });
    expect(facts!.volumes).toEqual([{ mount: '/', role: 'root', device: 'startup volume', chain: [], encrypted: false, scheme: 'FileVault', conversion: 'decrypted', percentEncrypted: 0 }]);
    expect(verdictOf('disk_encryption', c)).toEqual({ status: 'fail', reason: '/ (startup volume) is not encrypted' });
  });

  it('both probes failing (missing, timeout, permission) gives no facts and never passes', async () => {
    for (const r of [notFound, timedOut, { exitCode: null, failure: 'permission' } as Reply, exit(1, '', 'Error: unknown')]) {
      const { c, facts } = await collect({ [FDE]: r, [DISKUTIL]: r });
      expect(facts).toBeNull();
      expect(c.reason).toBeTruthy();
      expect(verdictOf('disk_encryption', c).status).toBe('unknown');
    }
  });

  it('fdesetup timed out but diskutil shows FileVault on: the plist alone decides', async () => {
    const { c } = await collect({ [FDE]: timedOut, [DISKUTIL]: ok(APFS) });
    expect(verdictOf('disk_encryption', c).status).toBe('pass');
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, [...linesOf('fdesetup-status/on.txt', 'fdesetup-status/constructed-encryption-in-progress.txt'), ...APFS.split('\n').slice(0, 60)]);
  });
});
