// ZFS native encryption is a dataset property, invisible to lsblk.
// `zfs get -H -o name,property,value encryption,keystatus,encryptionroot DATASET`: tab-separated, one
// property per line; unencrypted datasets say "off" and "-". A pool built on LUKS devices also says
// "off", so the vdevs are listed with `zpool list -v -H -P -L POOL` and followed like any block device.

export interface ZfsEncryption {
  dataset: string;
  /** "off" or the cipher, e.g. "aes-256-gcm". */
  encryption: string;
  keystatus: string | null;
  encryptionroot: string | null;
}

/** One entry per dataset that reported an "encryption" property; garbage gives an empty list. */
export function parseZfsGet(text: string): ZfsEncryption[] {
  const byDataset = new Map<string, Map<string, string>>();
  for (const line of text.split('\n')) {
    const cols = line.split('\t');
    if (cols.length !== 3 || !cols[0] || !cols[1] || cols[2] === undefined) continue;
    const props = byDataset.get(cols[0]) ?? new Map<string, string>();
    byDataset.set(cols[0], props);
    props.set(cols[1], cols[2].trim());
  }
  const dash = (v: string | undefined) => (v === undefined || v === '-' ? null : v);
  const out: ZfsEncryption[] = [];
  for (const [dataset, props] of byDataset) {
    const encryption = props.get('encryption');
    if (encryption) out.push({ dataset, encryption, keystatus: dash(props.get('keystatus')), encryptionroot: dash(props.get('encryptionroot')) });
  }
  return out;
}

/** Device paths of a pool's vdevs from `zpool list -v -H -P -L` (-L resolves /dev/disk/by-id links) (first column of lines naming /dev/...). */
export function parseZpoolVdevs(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const first = line.split('\t').map((c) => c.trim()).find((c) => c !== '');
    if (first?.startsWith('/dev/')) out.push(first);
  }
  return out;
}
