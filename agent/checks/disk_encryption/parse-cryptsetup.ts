// `cryptsetup status NAME` (needs root: it talks to device-mapper). First line "/dev/mapper/X is active
// [and is in use]." or "... is inactive."; then indented "key: value" lines (type, cipher, keysize,
// integrity, device, loop ...). Errors such as "Device sdc3 not found" go to stdout on some versions.

export interface CryptsetupStatus {
  mapping: string;
  active: boolean;
  inUse: boolean;
  /** LUKS1, LUKS2, PLAIN, BITLK, TCRYPT ... */
  type: string | null;
  cipher: string | null;
  keysizeBits: number | null;
  device: string | null;
  integrity: string | null;
}

/** null when the first line is not a status line (errors, blank, garbage). */
export function parseCryptsetupStatus(text: string): CryptsetupStatus | null {
  const lines = text.split('\n');
  const head = /^(\S+) is (active|inactive)(?: and is (in use))?\.?\s*$/.exec((lines[0] ?? '').trim());
  if (!head?.[1]) return null;
  const kv = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const m = /^\s+([a-z][a-z ]*?):\s+(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], m[2]);
  }
  const keysize = /^(\d+) bits$/.exec(kv.get('keysize') ?? '');
  return {
    mapping: head[1],
    active: head[2] === 'active',
    inUse: head[3] !== undefined,
    type: kv.get('type') ?? null,
    cipher: kv.get('cipher') ?? null,
    keysizeBits: keysize?.[1] ? Number(keysize[1]) : null,
    device: kv.get('device') ?? null,
    integrity: kv.get('integrity') ?? null,
  };
}
