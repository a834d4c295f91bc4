import { describe, expect, it } from 'vitest';
import check, { BITLOCKER_ARGV, ENCRYPTABLE_ARGV, MANAGE_BDE_ARGV, diskFactsFrom } from '../../../../agent/checks/disk_encryption/windows.js';
import { parseManageBde } from '../../../../agent/checks/disk_encryption/parse-manage-bde.js';
import { parseBitLockerJson, parseBitLockerText, parseEncryptableVolumeJson } from '../../../../agent/checks/disk_encryption/parse-win-bitlocker.js';
import type { DiskEncryptionFacts } from '../../../../protocol/checks/disk-encryption.js';
import { assertNeverPasses, exit, notFound, ok, psThrew, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

const NOT_RECOGNIZED = psThrew(
  "Get-BitLockerVolume : The term 'Get-BitLockerVolume' is not recognized as the name of a cmdlet, function, script file, or operable program.",
  'CommandNotFoundException',
  'ObjectNotFound',
);
const INVALID_NAMESPACE = psThrew('Get-CimInstance : Invalid namespace', 'HRESULT 0x8004100e,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand', 'ObjectNotFound');

async function collect(bl: Reply, wmi: Reply = notFound, mbde: Reply = notFound) {
  const { deps, calls } = winDeps([
    [BITLOCKER_ARGV, bl],
    [ENCRYPTABLE_ARGV, wmi],
    [MANAGE_BDE_ARGV, mbde],
  ]);
  const c = await check.collect(deps);
  return { c, calls, facts: c.facts as DiskEncryptionFacts, verdict: verdictOf('disk_encryption', c), vol: (m: string) => (c.facts as DiskEncryptionFacts).volumes.find((v) => v.mount === m) };
}

describe('manage-bde -status parser (any language)', () => {
  it('German, encryption in progress at 3,5 %: comma decimal, TPM protector, protection off', () => {
    expect(parseManageBde(winFixture('manage-bde-status/de-DE-c-encryption-in-progress-3pct.txt'))).toEqual([
      { mount: 'C:', kind: 'os', conversion: 'encrypting', percent: 3.5, cipher: 'XTS-AES 128', protection: 'off', locked: false, protectors: ['Tpm'] },
    ]);
  });

  it('German, fully decrypted (2-space indentation, "Keine gefunden")', () => {
    expect(parseManageBde(winFixture('manage-bde-status/de-DE-c-fully-decrypted.txt'))).toEqual([
      { mount: 'C:', kind: 'os', conversion: 'decrypted', percent: 0, cipher: null, protection: 'off', locked: false, protectors: [] },
    ]);
  });

  it('German, still converting at 100,0 % with protection on: in progress, not yet encrypted', () => {
    expect(parseManageBde(winFixture('manage-bde-status/de-DE-c-in-progress-100pct-protection-on.txt'))[0]).toMatchObject({ conversion: 'encrypting', percent: 100, protection: 'on' });
  });

  it('English data volume, used space only, auto-unlock external key', () => {
    expect(parseManageBde(winFixture('manage-bde-status/en-US-data-volume-autounlock-enabled-server2019.txt'))).toEqual([
      { mount: 'M:', kind: 'data', conversion: 'encrypted', percent: 100, cipher: 'XTS-AES 128', protection: 'on', locked: false, protectors: ['RecoveryPassword', 'ExternalKey'] },
    ]);
  });

  it('three volumes, all decrypted', () => {
    const v = parseManageBde(winFixture('manage-bde-status/en-US-three-volumes-all-decrypted.txt'));
    expect(v.map((x) => `${x.mount}/${x.kind}/${x.conversion}/${x.protection}`)).toEqual(['C:/os/decrypted/off', 'J:/data/decrypted/off', 'K:/data/decrypted/off']);
  });

  it('English with comma decimals, AES 256 and a password protector', () => {
    expect(parseManageBde(winFixture('manage-bde-status/en-c-used-space-only-aes256-password-protector.txt'))[0]).toMatchObject({
      mount: 'C:',
      kind: 'os',
      conversion: 'encrypted',
      percent: 100,
      cipher: 'AES 256',
      protection: 'on',
      protectors: ['RecoveryPassword', 'Password'],
    });
  });

  it('French locked data volume: everything "Inconnu" except the lock, the method and the protectors', () => {
    expect(parseManageBde(winFixture('manage-bde-status/fr-FR-d-locked-data-volume.txt'))).toEqual([
      { mount: 'D:', kind: 'data', conversion: null, percent: null, cipher: 'XTS-AES 128', protection: null, locked: true, protectors: ['Password', 'RecoveryPassword'] },
    ]);
  });

  it('fragments: locked external-key volume, TPM+PIN block without a header, clear-key device encryption', () => {
    expect(parseManageBde(winFixture('manage-bde-status/fragment-locked-data-volume-external-key.txt'))[0]).toMatchObject({ mount: 'F:', kind: 'data', locked: true, protectors: ['ExternalKey'] });
    expect(parseManageBde(winFixture('manage-bde-status/fragment-tpm-and-pin-xts256.txt'))).toEqual([
      { mount: null, kind: null, conversion: 'encrypted', percent: 100, cipher: 'XTS-AES 256', protection: 'on', locked: false, protectors: ['TpmPin', 'RecoveryPassword'] },
    ]);
    expect(parseManageBde(winFixture('manage-bde-status/fragment-used-space-only-protection-off-no-protectors.txt'))[0]).toMatchObject({ conversion: 'encrypted', protection: 'off', protectors: [] });
  });

  it('suspended protection printed with the reboots left is suspended', () => {
    const text = winFixture('manage-bde-status/en-c-used-space-only-aes256-password-protector.txt').replace('Protection On', 'Protection Off (2 reboots left)');
    expect(parseManageBde(text)[0]?.protection).toBe('suspended');
  });

  it('blank, error text, truncated and garbage', () => {
    expect(parseManageBde('')).toEqual([]);
    expect(parseManageBde('ERROR: An attempt to access a required resource was denied.\r\nCheck that you have administrative rights on the computer.\r\n')).toEqual([]);
    const cut = winFixture('manage-bde-status/en-US-three-volumes-all-decrypted.txt').slice(0, 420);
    const vols = parseManageBde(cut);
    expect(vols[0]).toMatchObject({ mount: 'C:', kind: 'os', conversion: 'decrypted' });
    expect(parseManageBde('\u0000\u0001 ::: [[[ %%% Volume')).toEqual([]);
  });

  it('property: never throws, and random text never yields a passing verdict', () => {
    assertNeverPasses('disk_encryption', (t) => diskFactsFrom(parseManageBde(t)), [
      'Volume C: [OS]',
      '[OS Volume]',
      '[Data Volume]',
      'Volume D: []',
      '    Percentage Encrypted: 100,0%',
      '    Protection Status:    Protection On',
      '    Lock Status:          Unlocked',
      '    Conversion Status:    Fully Decrypted',
      '    Key Protectors:',
      '        TPM',
      '',
    ]);
  });
});

describe('Get-BitLockerVolume and Win32_EncryptableVolume parsers', () => {
  it('JSON with numeric enums; protector types only, recovery password never read', () => {
    const vols = parseBitLockerJson(winFixture('get-bitlockervolume/json-fleet-c-encrypted-e-fixed-decrypted.txt'));
    expect(vols).toEqual([
      { mount: 'C:', kind: 'os', conversion: 'encrypted', percent: 100, cipher: 'XTS-AES 128', protection: 'on', locked: false, protectors: ['RecoveryPassword', 'Tpm'] },
      { mount: 'E:', kind: 'data', conversion: 'decrypted', percent: 0, cipher: null, protection: 'off', locked: false, protectors: [] },
    ]);
    expect(JSON.stringify(vols)).not.toContain('254793');
  });

  it('Format-List text (comma-decimal CapacityGB, empty AutoUnlockEnabled)', () => {
    expect(parseBitLockerText(winFixture('get-bitlockervolume/format-list-msdocs-c-fully-encrypted.txt'))).toEqual([
      { mount: 'C:', kind: 'os', conversion: 'encrypted', percent: 100, cipher: 'XTS-AES 128', protection: 'on', locked: false, protectors: ['RecoveryPassword', 'Tpm'] },
    ]);
  });

  it('default table with a two-line header; unlettered volume and trailing padding', () => {
    expect(parseBitLockerText(winFixture('get-bitlockervolume/table-c-fully-encrypted-tpm-recoverypassword.txt'))).toEqual([
      { mount: 'C:', kind: 'os', conversion: 'encrypted', percent: 100, cipher: null, protection: 'on', locked: null, protectors: ['Tpm', 'RecoveryPassword'] },
    ]);
    const two = parseBitLockerText(winFixture('get-bitlockervolume/table-volume-guid-and-c-decrypted-trailing-spaces.txt'))!;
    expect(two.map((v) => [v.mount, v.kind, v.conversion, v.protection])).toEqual([
      ['\\\\...', 'data', 'decrypted', 'off'],
      ['C:', 'os', 'decrypted', 'off'],
    ]);
    // The unlettered (recovery) volume is not reported; C: is not encrypted.
    expect(diskFactsFrom(two).volumes.map((v) => v.mount)).toEqual(['C:']);
  });

  it('Win32_EncryptableVolume (cnquery capture): removable E: is left to the USB check', () => {
    const vols = parseEncryptableVolumeJson(winFixture('win32-encryptablevolume/json-cnquery-volumes.txt'))!;
    expect(vols.map((v) => [v.mount, v.kind, v.conversion, v.protection, v.percent])).toEqual([
      ['C:', 'os', 'encrypted', 'on', 100],
      ['E:', 'removable', 'decrypted', 'off', 0],
    ]);
    expect(diskFactsFrom(vols).volumes).toHaveLength(1);
  });

  it('not JSON, wrong shape, blank and garbage give null', () => {
    expect(parseBitLockerJson('')).toBeNull();
    expect(parseBitLockerJson('{"foo":1}')).toBeNull();
    expect(parseBitLockerJson(winFixture('get-bitlockervolume/json-fleet-c-encrypted-e-fixed-decrypted.txt').slice(0, 300))).toBeNull();
    expect(parseEncryptableVolumeJson('[{"x":1}]')).toBeNull();
    expect(parseBitLockerText('')).toBeNull();
    expect(parseBitLockerText('garbage : here')).toBeNull();
  });

  it('property: JSON and text parsers never throw and never pass on random input', () => {
    assertNeverPasses('disk_encryption', (t) => diskFactsFrom(parseBitLockerJson(t) ?? []));
    assertNeverPasses('disk_encryption', (t) => diskFactsFrom(parseEncryptableVolumeJson(t) ?? []));
    assertNeverPasses('disk_encryption', (t) => diskFactsFrom(parseBitLockerText(t) ?? []), [
      'MountPoint           : C:',
      'VolumeType           : OperatingSystem',
      'ProtectionStatus     : On',
      'EncryptionPercentage : 100',
      'KeyProtector         : {RecoveryPassword, Tpm}',
      '',
    ]);
  });
});

describe('disk_encryption collect on Windows (replayed)', () => {
  it('Get-BitLockerVolume JSON: C: encrypted and on, fixed E: not encrypted fails; no recovery password in facts or evidence', async () => {
    const { c, calls, vol, verdict } = await collect(ok(winFixture('get-bitlockervolume/json-fleet-c-encrypted-e-fixed-decrypted.txt')));
    expect(vol('C:')).toEqual({
      mount: 'C:',
      role: 'root',
      device: 'C:',
      chain: [],
      encrypted: true,
      scheme: 'BitLocker',
      cipher: 'XTS-AES 128',
      protection: 'on',
      conversion: 'encrypted',
      percentEncrypted: 100,
      protectors: ['RecoveryPassword', 'Tpm'],
      locked: false,
    });
    expect(vol('E:')).toMatchObject({ role: 'data', encrypted: false, protection: 'off' });
    expect(verdict).toEqual({ status: 'fail', reason: 'E: is not encrypted' });
    expect(calls).toHaveLength(1);
    expect(c.evidence[0]).toMatchObject({ source: 'powershell.exe: Get-BitLockerVolume | Select-Object ... | ConvertTo-Json', exitCode: 0 });
    expect(JSON.stringify(c)).not.toContain('254793-568007');
    expect(schemaErrors('disk_encryption', c.facts)).toEqual([]);
  });

  it('fully encrypted, protection off, protectors present = suspended, which fails (the "suspended reads as off" trap)', async () => {
    const json = '[{"MountPoint":"C:","VolumeType":0,"VolumeStatus":1,"ProtectionStatus":0,"EncryptionPercentage":100,"EncryptionMethod":7,"LockStatus":0,"KeyProtector":[1,3]}]';
    const { vol, verdict } = await collect(ok(json));
    expect(vol('C:')).toMatchObject({ encrypted: true, protection: 'suspended', cipher: 'XTS-AES 256', protectors: ['Tpm', 'RecoveryPassword'] });
    expect(verdict).toEqual({ status: 'fail', reason: 'C: is encrypted but protection is suspended (key stored in the clear)' });
  });

  it('module missing: falls back to Win32_EncryptableVolume; the removable volume is ignored and C: passes', async () => {
    const { c, calls, facts, verdict } = await collect(NOT_RECOGNIZED, ok(winFixture('win32-encryptablevolume/json-cnquery-volumes.txt')));
    expect(facts.volumes.map((v) => [v.mount, v.role, v.encrypted, v.protection])).toEqual([['C:', 'root', true, 'on']]);
    expect(verdict).toEqual({ status: 'pass' });
    expect(calls.map((x) => x.argv[0])).toEqual(['powershell.exe', 'powershell.exe']);
    expect(c.evidence[0]?.error).toMatch(/exited with 1: .*not recognized/);
  });

  it('module and WMI class missing: manage-bde text decides, in any language', async () => {
    const verdicts: Record<string, unknown> = {};
    for (const f of [
      'manage-bde-status/de-DE-c-encryption-in-progress-3pct.txt',
      'manage-bde-status/de-DE-c-fully-decrypted.txt',
      'manage-bde-status/de-DE-c-in-progress-100pct-protection-on.txt',
      'manage-bde-status/en-US-three-volumes-all-decrypted.txt',
      'manage-bde-status/en-c-used-space-only-aes256-password-protector.txt',
      'manage-bde-status/en-US-data-volume-autounlock-enabled-server2019.txt',
      'manage-bde-status/fr-FR-d-locked-data-volume.txt',
    ]) {
      const { verdict, calls } = await collect(NOT_RECOGNIZED, INVALID_NAMESPACE, ok(winFixture(f)));
      expect(calls.at(-1)?.argv).toEqual(['manage-bde', '-status']);
      verdicts[f] = verdict;
    }
    expect(verdicts).toEqual({
      'manage-bde-status/de-DE-c-encryption-in-progress-3pct.txt': { status: 'fail', reason: 'C: encryption in progress (3.5%)' },
      'manage-bde-status/de-DE-c-fully-decrypted.txt': { status: 'fail', reason: 'C: is not encrypted' },
      'manage-bde-status/de-DE-c-in-progress-100pct-protection-on.txt': { status: 'fail', reason: 'C: encryption in progress (100%)' },
      'manage-bde-status/en-US-three-volumes-all-decrypted.txt': { status: 'fail', reason: 'C: is not encrypted; J: is not encrypted; K: is not encrypted' },
      'manage-bde-status/en-c-used-space-only-aes256-password-protector.txt': { status: 'pass' },
      // Only data volumes were captured: the OS volume is missing, so no verdict either way.
      'manage-bde-status/en-US-data-volume-autounlock-enabled-server2019.txt': { status: 'unknown', reason: 'the operating-system volume was not reported' },
      'manage-bde-status/fr-FR-d-locked-data-volume.txt': { status: 'unknown', reason: 'the operating-system volume was not reported' },
    });
  });

  it('a volume block without its header is not reported (no mount point to name)', async () => {
    for (const f of ['manage-bde-status/fragment-tpm-and-pin-xts256.txt', 'manage-bde-status/fragment-used-space-only-protection-off-no-protectors.txt']) {
      const { facts, verdict } = await collect(NOT_RECOGNIZED, INVALID_NAMESPACE, ok(winFixture(f)));
      expect(facts.volumes).toEqual([]);
      expect(verdict).toEqual({ status: 'unknown', reason: 'the operating-system volume was not reported' });
    }
    const locked = await collect(NOT_RECOGNIZED, INVALID_NAMESPACE, ok(winFixture('manage-bde-status/fragment-locked-data-volume-external-key.txt')));
    expect(locked.vol('F:')).toMatchObject({ role: 'data', encrypted: true, locked: true, reason: 'locked: encrypted, key not loaded' });
  });

  it('device encryption waiting for activation (encrypted, clear key, no protectors) fails as protection off', async () => {
    const text = `Volume C: [Windows]\n[OS Volume]\n\n${winFixture('manage-bde-status/fragment-used-space-only-protection-off-no-protectors.txt')}`;
    const { vol, verdict } = await collect(NOT_RECOGNIZED, INVALID_NAMESPACE, ok(text));
    expect(vol('C:')).toMatchObject({ encrypted: true, protection: 'off', protectors: [] });
    expect(verdict).toEqual({ status: 'fail', reason: 'C: is encrypted but protection is off' });
  });

  it('access denied: one attempt, facts null with "needs administrator", never pass', async () => {
    const denied = psThrew('Get-CimInstance : Access denied ', 'HRESULT 0x80041003,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand', 'PermissionDenied');
    const { c, calls, verdict } = await collect(denied);
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/needs administrator/);
    expect(calls).toHaveLength(1);
    expect(verdict.status).toBe('unknown');
  });

  it('manage-bde as a normal user is refused too', async () => {
    const { c, verdict } = await collect(NOT_RECOGNIZED, INVALID_NAMESPACE, exit(-1, 'ERROR: An attempt to access a required resource was denied.\r\nCheck that you have administrative rights on the computer.\r\n'));
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/manage-bde -status: access denied, needs administrator/);
    expect(verdict.status).toBe('unknown');
  });

  it('no BitLocker on the host at all: unknown, not fail', async () => {
    const { c, verdict } = await collect(NOT_RECOGNIZED, INVALID_NAMESPACE, notFound);
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/^BitLocker is not available on this host/);
    expect(c.evidence.map((e) => e.source)).toEqual([
      'powershell.exe: Get-BitLockerVolume | Select-Object ... | ConvertTo-Json',
      'powershell.exe: Get-CimInstance Win32_EncryptableVolume (+ GetConversionStatus, GetLockStatus, GetKeyProtectors) | ConvertTo-Json',
      'manage-bde -status',
    ]);
    expect(verdict.status).toBe('unknown');
  });

  it('timeouts everywhere: unknown with the reason', async () => {
    const { c, verdict } = await collect(timedOut, timedOut, timedOut);
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/timed out/);
    expect(verdict.status).toBe('unknown');
  });

  it('PowerShell printing something that is not JSON is not trusted', async () => {
    const { c } = await collect(ok('WARNING: something\r\n'), ok(''), ok(''));
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/could not be parsed/);
  });
});
