// `blkid -p -o export DEVICE`: KEY=value lines read straight from the on-disk signature (-p bypasses the
// blkid cache and udev, which this matters for: hosts without udev leave lsblk's FSTYPE blank).
// Needs read access to the device node, so in practice root.

export interface BlkidInfo {
  /** e.g. crypto_LUKS, ext4, LVM2_member, BitLocker, zfs_member. */
  type: string | null;
  /** LUKS header version ("1" or "2") for crypto_LUKS. */
  version: string | null;
  usage: string | null;
  uuid: string | null;
}

/** null when no KEY=value line is present (blank, an error message, garbage). */
export function parseBlkidExport(text: string): BlkidInfo | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], m[2]);
  }
  if (!kv.size || (!kv.has('TYPE') && !kv.has('USAGE'))) return null;
  return {
    type: kv.get('TYPE') ?? null,
    version: kv.get('VERSION') ?? null,
    usage: kv.get('USAGE') ?? null,
    uuid: kv.get('UUID') ?? null,
  };
}

/** "LUKS2" from TYPE=crypto_LUKS VERSION=2; null when the signature is not an encryption header. */
export function encryptionSchemeOf(info: BlkidInfo): string | null {
  if (info.type === 'crypto_LUKS') return info.version ? `LUKS${info.version}` : 'LUKS';
  if (info.type === 'BitLocker') return 'BitLocker';
  return null;
}
