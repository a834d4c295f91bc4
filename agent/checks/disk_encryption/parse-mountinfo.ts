// /proc/self/mountinfo (proc(5)): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue".
// The optional fields before " - " vary in number, so the line is split there. Paths escape space, tab,
// newline and backslash as octal (\040 ...).

export interface MountEntry {
  /** "major:minor" of the filesystem's device; 0:N for btrfs, overlay, tmpfs and other anonymous devices. */
  majMin: string;
  /** Root of the mount inside its filesystem ("/" unless a bind mount or btrfs subvolume). */
  root: string;
  mountPoint: string;
  fstype: string;
  source: string;
}

export function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Lines that do not have the mountinfo shape are skipped; garbage gives an empty list. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const [, , majMin, root, mountPoint] = left;
    const [fstype, source] = right;
    if (!majMin || !/^\d+:\d+$/.test(majMin) || !root || !mountPoint?.startsWith('/') || !fstype || source === undefined) continue;
    out.push({ majMin, root: unescapeOctal(root), mountPoint: unescapeOctal(mountPoint), fstype, source: unescapeOctal(source) });
  }
  return out;
}
