// lsblk, two shapes of the same facts:
//  - JSON (`lsblk -J -p -o NAME,KNAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME,MAJ:MIN`, util-linux >= 2.27): a tree
//    from disks down to the devices built on them; a device with several parents (RAID, an LV spanning
//    PVs) appears under each. util-linux >= 2.37 may print "mountpoints" arrays instead of "mountpoint".
//  - pairs (`lsblk -P ...`, for older util-linux such as EL7's 2.23): one KEY="value" line per device,
//    repeated once per parent, with PKNAME naming that parent. util-linux >= 2.37 writes MAJ_MIN there.
// TYPE comes from sysfs (dm uuid prefix: crypt, lvm, ...), so it is right without root or udev; FSTYPE
// comes from udev or a root-only probe and is often blank, which is why nothing here depends on it.

export interface BlockDevice {
  /** -p path, e.g. /dev/mapper/cryptroot. */
  name: string;
  /** Kernel path, e.g. /dev/dm-0 (what /proc/swaps prints). */
  kname: string | null;
  /** disk, part, crypt, lvm, raid1, loop, dm, integrity ... */
  type: string | null;
  fstype: string | null;
  majMin: string | null;
  /** Names of the devices this one is built on (empty for a disk). */
  parents: string[];
  mountpoints: string[];
}

export type BlockDevices = Map<string, BlockDevice>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function add(devices: BlockDevices, d: Omit<BlockDevice, 'parents'>, parent: string | null): void {
  const seen = devices.get(d.name);
  const target = seen ?? { ...d, parents: [] };
  if (!seen) devices.set(d.name, target);
  if (parent && !target.parents.includes(parent)) target.parents.push(parent);
  for (const m of d.mountpoints) if (!target.mountpoints.includes(m)) target.mountpoints.push(m);
}

/** null when the text is not lsblk JSON (no "blockdevices" array). */
export function parseLsblkJson(text: string): BlockDevices | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const top = (doc as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(top)) return null;
  const devices: BlockDevices = new Map();
  const walk = (node: unknown, parent: string | null, depth: number): void => {
    if (depth > 32 || typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    const name = str(n.name);
    if (!name) return;
    const mps = Array.isArray(n.mountpoints) ? n.mountpoints : [n.mountpoint];
    add(
      devices,
      {
        name,
        kname: str(n.kname),
        type: str(n.type),
        fstype: str(n.fstype),
        majMin: str(n['maj:min']),
        mountpoints: mps.map(str).filter((m): m is string => m !== null),
      },
      parent ?? str(n.pkname),
    );
    if (Array.isArray(n.children)) for (const c of n.children) walk(c, name, depth + 1);
  };
  for (const d of top) walk(d, null, 0);
  return devices;
}

/** null when no line has a NAME="..." pair. */
export function parseLsblkPairs(text: string): BlockDevices | null {
  const devices: BlockDevices = new Map();
  for (const line of text.split('\n')) {
    const kv = new Map<string, string>();
    for (const m of line.matchAll(/([A-Z][A-Z0-9_:%-]*)="((?:[^"\\]|\\.)*)"/g)) {
      if (m[1] && m[2] !== undefined) kv.set(m[1], m[2].replace(/\\x([0-9a-fA-F]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16))));
    }
    const name = str(kv.get('NAME'));
    if (!name) continue;
    const mp = str(kv.get('MOUNTPOINT') ?? kv.get('MOUNTPOINTS'));
    add(
      devices,
      {
        name,
        kname: str(kv.get('KNAME')),
        type: str(kv.get('TYPE')),
        fstype: str(kv.get('FSTYPE')),
        majMin: str(kv.get('MAJ:MIN') ?? kv.get('MAJ_MIN')),
        mountpoints: mp ? [mp] : [],
      },
      str(kv.get('PKNAME')),
    );
  }
  return devices.size ? devices : null;
}

/** Find a device by its -p name, kernel name or major:minor. */
export function findDevice(devices: BlockDevices, ref: { path?: string; majMin?: string }): BlockDevice | undefined {
  if (ref.path) {
    const direct = devices.get(ref.path);
    if (direct) return direct;
    for (const d of devices.values()) if (d.kname === ref.path) return d;
  }
  if (ref.majMin) for (const d of devices.values()) if (d.majMin === ref.majMin) return d;
  return undefined;
}

// The tree form (`lsblk -p -o NAME,KNAME,TYPE,FSTYPE,MOUNTPOINT` or `lsblk -f`): the last resort when
// neither -J nor -P gives anything parseable. Columns are located from the header; the NAME column draws
// the tree with "├─", "└─", "│ " (or ASCII "|-", "`-"), two characters per level. A name too long for its
// column is printed alone and the row's other cells follow on the next line, and a device with several
// mount points prints the extra ones on lines whose NAME cell is blank: both continue the previous device.

/** null when there is no header row with a NAME column. */
export function parseLsblkTree(text: string): BlockDevices | null {
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  if (!/^NAME\b/.test(header)) return null;
  const cols = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], start: m.index }));
  const cell = (line: string, col: string): string => {
    const i = cols.findIndex((c) => c.name === col);
    if (i < 0) return '';
    const next = cols[i + 1];
    return line.slice(cols[i]!.start, next ? next.start : undefined).trim();
  };
  const devices: BlockDevices = new Map();
  const stack: string[] = [];
  let last: BlockDevice | null = null;
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const tree = /^[\s│├└─|`-]*/.exec(line)?.[0] ?? '';
    // A name starts inside the NAME column (it may run past it when too long to fit).
    const name = tree.length < (cols[1]?.start ?? Infinity) ? (/^\S+/.exec(line.slice(tree.length))?.[0] ?? '') : '';
    const mount = cell(line, 'MOUNTPOINTS') || cell(line, 'MOUNTPOINT');
    if (!name) {
      // Continuation of the previous device: wrapped cells or another mount point.
      if (last) {
        if (mount && !last.mountpoints.includes(mount)) last.mountpoints.push(mount);
        last.fstype ??= str(cell(line, 'FSTYPE'));
        last.type ??= str(cell(line, 'TYPE'));
      }
      continue;
    }
    const depth = Math.floor(tree.length / 2);
    stack.length = depth;
    const parent = depth > 0 ? (stack[depth - 1] ?? null) : null;
    add(devices, { name, kname: str(cell(line, 'KNAME')), type: str(cell(line, 'TYPE')), fstype: str(cell(line, 'FSTYPE')), majMin: str(cell(line, 'MAJ:MIN')), mountpoints: mount ? [mount] : [] }, parent);
    stack[depth] = name;
    last = devices.get(name) ?? null;
  }
  return devices.size ? devices : null;
}
