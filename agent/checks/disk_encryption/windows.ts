// Disk encryption on Windows: BitLocker state of every fixed volume. Sources, first usable wins:
//   1. Get-BitLockerVolume (BitLocker PowerShell module), as JSON with numeric enums;
//   2. Win32_EncryptableVolume over CIM (same data; present where the module is not, e.g. some Server
//      installs with only the BitLocker feature);
//   3. `manage-bde -status`, localized text.
// All three need administrator rights. A host without BitLocker at all (Server without the feature)
// gets facts null: other encryption products are not detected, so "not encrypted" would be a guess.
//
// Caveats recorded here because they decide verdicts:
// - Suspended protection reads "Off" (Get-BitLockerVolume ProtectionStatus 0, manage-bde "Protection
//   Off"): a fully encrypted volume whose protection is off but which still has key protectors is
//   suspended (the key sits in the clear on disk until protection resumes).
// - "Used Space Only Encrypted" is encrypted: free space never held data.
// - Device encryption waiting for activation is encrypted with protection off and no protectors (a clear
//   key): reported as encrypted with protection "off", which fails.
// - Removable volumes are the USB check's business; volumes without a drive letter (recovery, EFI
//   system partitions) hold no user data and are not reported.
// - The full Get-BitLockerVolume output includes recovery passwords; only protector types are selected.
import type { DiskEncryptionFacts } from '../../../protocol/checks/disk-encryption.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CommandResult } from '../../runner.js';
import { clip, parsePsJson, psCommand, winDenied, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseManageBde } from './parse-manage-bde.js';
import { parseBitLockerJson, parseEncryptableVolumeJson, type BdeVolume } from './parse-win-bitlocker.js';

type Volume = DiskEncryptionFacts['volumes'][number];

export const BITLOCKER_LABEL = 'Get-BitLockerVolume | Select-Object ... | ConvertTo-Json';
export const BITLOCKER_ARGV = psCommand(
  "Get-BitLockerVolume | Select-Object MountPoint,VolumeType,VolumeStatus,ProtectionStatus,EncryptionPercentage,EncryptionMethod,LockStatus,@{n='KeyProtector';e={@($_.KeyProtector|ForEach-Object{$_.KeyProtectorType})}} | ConvertTo-Json -Depth 4 -Compress",
);

export const ENCRYPTABLE_LABEL = 'Get-CimInstance Win32_EncryptableVolume (+ GetConversionStatus, GetLockStatus, GetKeyProtectors) | ConvertTo-Json';
export const ENCRYPTABLE_ARGV = psCommand(
  "@(Get-CimInstance -Namespace root/cimv2/Security/MicrosoftVolumeEncryption -ClassName Win32_EncryptableVolume | ForEach-Object { $v=$_; [ordered]@{ volume=($v|Select-Object DriveLetter,DeviceID,VolumeType,ProtectionStatus,EncryptionMethod); conversionStatus=(Invoke-CimMethod -InputObject $v -MethodName GetConversionStatus|Select-Object ConversionStatus,EncryptionPercentage); lockStatus=(Invoke-CimMethod -InputObject $v -MethodName GetLockStatus|Select-Object LockStatus); keyProtectors=@((Invoke-CimMethod -InputObject $v -MethodName GetKeyProtectors).VolumeKeyProtectorID|ForEach-Object{ [ordered]@{KeyProtectorType=(Invoke-CimMethod -InputObject $v -MethodName GetKeyProtectorType -Arguments @{VolumeKeyProtectorID=$_}).KeyProtectorType} }) } }) | ConvertTo-Json -Depth 4 -Compress",
);

export const MANAGE_BDE_ARGV: readonly string[] = ['manage-bde', '-status'];

const ok = (r: CommandResult) => !r.failure && r.exitCode === 0;

/** A drive letter ("C:") or a folder mount point ("C:\Mount\Data"); not a bare volume GUID path. */
function mounted(mount: string | null): mount is string {
  return mount !== null && /^[A-Za-z]:/.test(mount);
}

function conversionName(c: BdeVolume['conversion']): string | null {
  if (c === 'encryption-paused' || c === 'decryption-paused') return 'paused';
  return c;
}

export function toVolumeFacts(v: BdeVolume & { mount: string }): Volume {
  const encrypted = v.locked === true ? true : v.conversion === null ? null : v.conversion === 'encrypted';
  const protection = v.protection === 'off' && encrypted === true && v.protectors.length > 0 ? 'suspended' : v.protection;
  const out: Volume = {
    mount: v.mount,
    role: v.kind === 'os' ? 'root' : 'data',
    device: v.mount,
    chain: [],
    encrypted,
    scheme: 'BitLocker',
    protection,
    conversion: conversionName(v.conversion),
    percentEncrypted: v.percent,
    protectors: v.protectors,
    locked: v.locked,
  };
  if (v.cipher) out.cipher = v.cipher;
  const reasons: string[] = [];
  if (v.kind === null) reasons.push('volume type not reported; treated as a data volume');
  if (v.locked === true) reasons.push('locked: encrypted, key not loaded');
  else if (encrypted === null) reasons.push('conversion status unknown');
  if (reasons.length) out.reason = clip(reasons.join('; '), 1024);
  return out;
}

/** Facts for the fixed, lettered volumes among those a tool reported. */
export function diskFactsFrom(vols: BdeVolume[]): DiskEncryptionFacts {
  const volumes = vols.filter((v): v is BdeVolume & { mount: string } => v.kind !== 'removable' && mounted(v.mount)).map(toVolumeFacts);
  return { volumes };
}

async function collect(deps: CollectDeps): Promise<Collected<DiskEncryptionFacts>> {
  const evidence: Evidence[] = [];
  const reasons: string[] = [];

  const bl = await deps.run(BITLOCKER_ARGV[0]!, BITLOCKER_ARGV.slice(1));
  evidence.push(winEvidence(bl, BITLOCKER_LABEL));
  const blVols = ok(bl) ? parseBitLockerJson(parsePsJson(bl.stdout)) : null;
  if (blVols) return { facts: diskFactsFrom(blVols), evidence };
  reasons.push(winWhyFailed(bl, `${BITLOCKER_LABEL}`));
  // Every source needs the same rights: when the first says "access denied", so would the others.
  if (winDenied(bl)) return { facts: null, reason: clip(`BitLocker state needs administrator rights: ${reasons[0]}`, 1024), evidence };

  const wmi = await deps.run(ENCRYPTABLE_ARGV[0]!, ENCRYPTABLE_ARGV.slice(1));
  evidence.push(winEvidence(wmi, ENCRYPTABLE_LABEL));
  const wmiVols = ok(wmi) ? parseEncryptableVolumeJson(parsePsJson(wmi.stdout)) : null;
  if (wmiVols) return { facts: diskFactsFrom(wmiVols), evidence };
  reasons.push(winWhyFailed(wmi, 'Win32_EncryptableVolume'));

  const bde = await deps.run(MANAGE_BDE_ARGV[0]!, MANAGE_BDE_ARGV.slice(1));
  evidence.push(winEvidence(bde));
  const bdeVols = ok(bde) ? parseManageBde(bde.stdout) : [];
  if (bdeVols.length) return { facts: diskFactsFrom(bdeVols), evidence };
  reasons.push(winWhyFailed(bde));

  const none = bde.failure === 'not-found' ? 'BitLocker is not available on this host and other encryption products are not detected: ' : 'BitLocker state could not be read: ';
  return { facts: null, reason: clip(none + reasons.join('; '), 1024), evidence };
}

const check: PlatformCheck<DiskEncryptionFacts> = { id: 'disk_encryption', collect };
export default check;
