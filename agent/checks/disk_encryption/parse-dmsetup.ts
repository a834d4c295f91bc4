// device-mapper's own view (root): `dmsetup ls --target crypt` names every dm-crypt mapping ("croot\t(253, 0)"
// or "croot\t(253:0)"), and `dmsetup table NAME` gives a crypt mapping's parameters:
//   "0 491520 crypt aes-xts-plain64 :64:logon:cryptsetup:<uuid>-d0 0 7:1 32768 1 sector_size:4096"
// start length target cipher key iv_offset device offset [#opt_params opt_params…]. The key is either hex
// (its length gives the key size) or a kernel keyring reference ":<bytes>:<type>:<description>". Only
// target "crypt" encrypts: LUKS2's integrity sub-device is target "integrity", dm-verity is "verity".

export interface DmMapping {
  name: string;
  majMin: string;
}

export function parseDmsetupLs(text: string): DmMapping[] | null {
  if (/^No devices found\s*$/m.test(text)) return [];
  const out: DmMapping[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+\((\d+)(?:,\s*|:)(\d+)\)\s*$/.exec(line);
    if (m?.[1] && m[2] && m[3]) out.push({ name: m[1], majMin: `${m[2]}:${m[3]}` });
  }
  return out.length ? out : null;
}

export interface DmCryptTable {
  cipher: string;
  keyBits: number | null;
  /** Backing device as major:minor or path. */
  device: string;
}

/** The first crypt segment of a table; null when the table has none (or is not a table). */
export function parseDmsetupCryptTable(text: string): DmCryptTable | null {
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[2] !== 'crypt' || !/^\d+$/.test(f[0] ?? '') || !/^\d+$/.test(f[1] ?? '')) continue;
    const key = f[4] ?? '';
    const ring = /^:(\d+):/.exec(key);
    const keyBits = ring?.[1] ? Number(ring[1]) * 8 : /^[0-9a-fA-F]+$/.test(key) && !/^0+$/.test(key) ? key.length * 4 : null;
    return { cipher: f[3] ?? '', keyBits, device: f[6] ?? '' };
  }
  return null;
}
