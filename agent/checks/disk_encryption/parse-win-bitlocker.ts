// BitLocker state as PowerShell reports it: Get-BitLockerVolume | ConvertTo-Json (enums as numbers),
// Win32_EncryptableVolume through CIM (the same enums, used where the BitLocker module is missing), and the
// Format-List / Format-Table text of Get-BitLockerVolume (property and enum names are English in every
// Windows language, so that text needs no locale tables). All parsers are pure and never throw.
//
// Security note: a full `Get-BitLockerVolume | ConvertTo-Json` contains every numerical recovery password
// in KeyProtector[].RecoveryPassword. The collector selects the protector *type* only; these parsers read
// KeyProtectorType and nothing else from a protector, so a recovery password never reaches facts.
import { asArray, num, parseFormatList, parseFormatTable, parsePsJson, rec, str } from '../windows-common.js';

export type BdeKind = 'os' | 'data' | 'removable';
export type BdeConversion = 'encrypted' | 'decrypted' | 'encrypting' | 'decrypting' | 'encryption-paused' | 'decryption-paused';

/** One BitLocker volume, whichever tool described it. null: the tool did not say (or said "Unknown"). */
export interface BdeVolume {
  mount: string | null;
  kind: BdeKind | null;
  conversion: BdeConversion | null;
  percent: number | null;
  cipher: string | null;
  /** As the OS reports it; "suspended" is derived later from off + encrypted + protectors. */
  protection: 'on' | 'off' | 'suspended' | null;
  locked: boolean | null;
  protectors: string[];
}

// VolumeStatus (Get-BitLockerVolume) and ConversionStatus (Win32_EncryptableVolume) share values 0-5;
// 6/7 are "fully encrypted, wiping free space" (data is encrypted).
const CONVERSION: Record<string, BdeConversion> = {
  '0': 'decrypted',
  '1': 'encrypted',
  '2': 'encrypting',
  '3': 'decrypting',
  '4': 'encryption-paused',
  '5': 'decryption-paused',
  '6': 'encrypted',
  '7': 'encrypted',
  fullydecrypted: 'decrypted',
  fullyencrypted: 'encrypted',
  encryptioninprogress: 'encrypting',
  decryptioninprogress: 'decrypting',
  encryptionpaused: 'encryption-paused',
  encryptionsuspended: 'encryption-paused',
  decryptionpaused: 'decryption-paused',
  decryptionsuspended: 'decryption-paused',
  fullyencryptedwipeinprogress: 'encrypted',
  fullyencryptedwipesuspended: 'encrypted',
};

// EncryptionMethod: 0 None, 1 AES-128 with diffuser, 2 AES-256 with diffuser, 3 AES-128, 4 AES-256,
// 5 hardware (eDrive), 6 XTS-AES 128, 7 XTS-AES 256.
const CIPHER: Record<string, string | null> = {
  '0': null,
  '1': 'AES 128 with Diffuser',
  '2': 'AES 256 with Diffuser',
  '3': 'AES 128',
  '4': 'AES 256',
  '5': 'Hardware',
  '6': 'XTS-AES 128',
  '7': 'XTS-AES 256',
  none: null,
  aes128diffuser: 'AES 128 with Diffuser',
  aes256diffuser: 'AES 256 with Diffuser',
  aes128: 'AES 128',
  aes256: 'AES 256',
  hardware: 'Hardware',
  xtsaes128: 'XTS-AES 128',
  xtsaes256: 'XTS-AES 256',
};

// KeyProtectorType (GetKeyProtectorType): names as Get-BitLockerVolume prints them.
const PROTECTOR: Record<string, string> = {
  '1': 'Tpm',
  '2': 'ExternalKey',
  '3': 'RecoveryPassword',
  '4': 'TpmPin',
  '5': 'TpmStartupKey',
  '6': 'TpmPinStartupKey',
  '7': 'PublicKey',
  '8': 'Password',
  '9': 'TpmNetworkKey',
  '10': 'AdAccountOrGroup',
};
const PROTECTOR_NAMES = new Map(Object.values(PROTECTOR).map((n) => [n.toLowerCase(), n]));

const key = (v: unknown) => (str(v) ?? '').replace(/[\s_-]/g, '').toLowerCase();

export function bdeConversion(v: unknown): BdeConversion | null {
  return CONVERSION[key(v)] ?? null;
}

export function bdeCipher(v: unknown): string | null {
  return CIPHER[key(v)] ?? null;
}

/** ProtectionStatus: 0 Off, 1 On, 2 Unknown (a locked volume). */
export function bdeProtection(v: unknown): 'on' | 'off' | null {
  const k = key(v);
  if (k === '1' || k === 'on') return 'on';
  if (k === '0' || k === 'off') return 'off';
  return null;
}

/** LockStatus: 0 Unlocked, 1 Locked. */
export function bdeLocked(v: unknown): boolean | null {
  const k = key(v);
  if (k === '1' || k === 'locked') return true;
  if (k === '0' || k === 'unlocked') return false;
  return null;
}

/** VolumeType: 0 OperatingSystem, 1 FixedData ("Data" in Format-Table), 2 Removable. */
export function bdeKind(v: unknown): BdeKind | null {
  const k = key(v);
  if (k === '0' || k === 'operatingsystem') return 'os';
  if (k === '1' || k === 'fixeddata' || k === 'data') return 'data';
  if (k === '2' || k === 'removable' || k === 'removabledata') return 'removable';
  return null;
}

export function bdeProtectorName(v: unknown): string | null {
  if (typeof v === 'number') return PROTECTOR[String(v)] ?? null;
  const r = rec(v);
  if (r) return bdeProtectorName(r.KeyProtectorType);
  const s = str(v)?.trim();
  if (!s) return null;
  return PROTECTOR[s] ?? PROTECTOR_NAMES.get(s.toLowerCase()) ?? null;
}

function protectorList(v: unknown): string[] {
  const r = rec(v);
  // Win32_EncryptableVolume results from CIM sometimes arrive wrapped as { value: [...], Count }.
  const items = r && Array.isArray(r.value) ? r.value : asArray(v);
  return [...new Set(items.map(bdeProtectorName).filter((x): x is string => x !== null))].slice(0, 16);
}

function percent(v: unknown): number | null {
  const n = num(typeof v === 'string' ? v.replace(',', '.').replace('%', '').trim() : v);
  return n !== null && n >= 0 && n <= 100 ? n : null;
}

function mountOf(v: unknown): string | null {
  const s = str(v)?.trim();
  return s ? s : null;
}

/** Get-BitLockerVolume | Select-Object ... | ConvertTo-Json: one object or an array of them. null when not that. */
export function parseBitLockerJson(input: unknown): BdeVolume[] | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const out: BdeVolume[] = [];
  for (const item of asArray(value)) {
    const v = rec(item);
    if (!v || !('MountPoint' in v)) return null;
    out.push({
      mount: mountOf(v.MountPoint),
      kind: bdeKind(v.VolumeType),
      conversion: bdeConversion(v.VolumeStatus),
      percent: percent(v.EncryptionPercentage),
      cipher: bdeCipher(v.EncryptionMethod),
      protection: bdeProtection(v.ProtectionStatus),
      locked: bdeLocked(v.LockStatus),
      protectors: protectorList(v.KeyProtector),
    });
  }
  return out;
}

/**
 * Win32_EncryptableVolume as cnquery and our collector record it: per volume { volume: {DriveLetter,
 * VolumeType, ProtectionStatus, EncryptionMethod, ...}, conversionStatus: {ConversionStatus,
 * EncryptionPercentage}, lockStatus: {LockStatus}, keyProtectors? }.
 */
export function parseEncryptableVolumeJson(input: unknown): BdeVolume[] | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const out: BdeVolume[] = [];
  for (const item of asArray(value)) {
    const v = rec(item);
    const vol = rec(v?.volume);
    if (!v || !vol) return null;
    const conv = rec(v.conversionStatus);
    out.push({
      mount: mountOf(vol.DriveLetter) ?? mountOf(vol.DeviceID),
      kind: bdeKind(vol.VolumeType),
      conversion: bdeConversion(conv?.ConversionStatus ?? vol.ConversionStatus),
      percent: percent(conv?.EncryptionPercentage),
      cipher: bdeCipher(vol.EncryptionMethod),
      protection: bdeProtection(vol.ProtectionStatus),
      locked: bdeLocked(rec(v.lockStatus)?.LockStatus),
      protectors: protectorList(v.keyProtectors),
    });
  }
  return out;
}

/** "{RecoveryPassword, Tpm}" as Format-List/-Table print KeyProtector; truncated names ("Recov...") dropped. */
function protectorsFromText(s: string): string[] {
  return protectorList(
    s
      .replace(/[{}]/g, '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
}

function fromTextRecord(r: Record<string, string>): BdeVolume | null {
  const mount = r.MountPoint ?? r['Mount Point'];
  if (mount === undefined) return null;
  return {
    mount: mount.trim() || null,
    kind: bdeKind(r.VolumeType),
    conversion: bdeConversion(r.VolumeStatus),
    percent: percent(r.EncryptionPercentage ?? r['Encryption Percentage']),
    cipher: bdeCipher(r.EncryptionMethod),
    protection: bdeProtection(r.ProtectionStatus ?? r['Protection Status']),
    locked: bdeLocked(r.LockStatus),
    protectors: protectorsFromText(r.KeyProtector ?? ''),
  };
}

/** Get-BitLockerVolume printed as Format-List or the default table. null when neither is recognised. */
export function parseBitLockerText(text: string): BdeVolume[] | null {
  const records = /^\s*-{4,}/m.test(text) ? parseFormatTable(text) : parseFormatList(text);
  const vols = records.map(fromTextRecord).filter((v): v is BdeVolume => v !== null);
  return vols.length ? vols : null;
}
