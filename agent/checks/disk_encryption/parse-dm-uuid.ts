// /sys/class/block/dm-N/dm/uuid (world-readable, no root needed). The prefix names the subsystem that owns
// the mapping; lsblk derives its TYPE column from it ("CRYPT-..." -> crypt). cryptsetup writes
// CRYPT-<TYPE>-<uuid>-<name>, and TYPE matters: VERITY is read-only integrity checking, not encryption,
// and SUBDEV is the dm-integrity device LUKS2 puts under an authenticated-encryption mapping.

export interface DmUuid {
  subsystem: string;
  /** For CRYPT mappings: LUKS1, LUKS2, PLAIN, BITLK, TCRYPT, VERITY, SUBDEV, INTEGRITY ... */
  cryptType: string | null;
}

export function parseDmUuid(text: string): DmUuid | null {
  const m = /^([A-Za-z]+)-([A-Za-z0-9]+)?/.exec(text.trim());
  if (!m?.[1]) return null;
  const subsystem = m[1].toUpperCase();
  return { subsystem, cryptType: subsystem === 'CRYPT' ? (m[2]?.toUpperCase() ?? null) : null };
}

/** Whether a CRYPT mapping of this type encrypts data (VERITY and SUBDEV do not). */
export function isEncryptingCryptType(t: string | null): boolean {
  return t !== 'VERITY' && t !== 'SUBDEV' && t !== 'INTEGRITY';
}
