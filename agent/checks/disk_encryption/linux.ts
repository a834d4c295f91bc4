// Disk encryption on Linux: for / , every active swap and each separately mounted data filesystem, follow
// the block-device chain from the mounted device down to the disks and look for a dm-crypt layer on every
// path. "Some crypt device exists" is not enough (a LUKS data disk says nothing about /), so each volume is
// judged on its own chain.
//
// Sources, cheapest and least privileged first:
//  - /proc/self/mountinfo and /proc/swaps: what is mounted / swapped, as this process sees it.
//  - lsblk: the device graph; its TYPE column comes from sysfs, so "crypt" is reliable without root or udev.
//  - /sys/class/block/dm-N/dm/uuid: which kind of crypt mapping (LUKS2, PLAIN, or VERITY, which is not
//    encryption). World-readable.
//  - cryptsetup status (root): cipher and key size, or `dmsetup table` where cryptsetup cannot answer.
//    blkid -p (root): the LUKS header under a mapping, for the scheme when cryptsetup cannot run and for dm
//    mappings lsblk could not type. `dmsetup ls --target crypt` where the dm uuid cannot be read.
//  - zfs get / zpool list: ZFS native encryption, and ZFS pools built on LUKS.
// Caveats: self-encrypting (OPAL) drives and hypervisor-side encryption are invisible here and read as not
// encrypted; fscrypt (per-directory) encryption is not volume encryption and is not counted.
import type { DiskEncryptionFacts } from '../../../protocol/checks/disk-encryption.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CommandResult } from '../../runner.js';
import { clip, commandEvidence, fileEvidence, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { encryptionSchemeOf, parseBlkidExport } from './parse-blkid.js';
import { parseCryptsetupStatus } from './parse-cryptsetup.js';
import { parseDmsetupCryptTable, parseDmsetupLs } from './parse-dmsetup.js';
import { isEncryptingCryptType, parseDmUuid } from './parse-dm-uuid.js';
import { findDevice, parseLsblkJson, parseLsblkPairs, parseLsblkTree, type BlockDevice, type BlockDevices } from './parse-lsblk.js';
import { parseMountinfo, type MountEntry } from './parse-mountinfo.js';
import { parseSwaps } from './parse-swaps.js';
import { parseZfsGet, parseZpoolVdevs, type ZfsEncryption } from './parse-zfs.js';

type Volume = DiskEncryptionFacts['volumes'][number];
type Role = Volume['role'];

const LSBLK_COLUMNS = 'NAME,KNAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME,MAJ:MIN';
/** A mapping device-mapper lists under another target than crypt (integrity, verity, linear…). */
const NOT_CRYPT = 'not a dm-crypt target';

/** Filesystems with no block device of their own: the agent cannot see what stores them. */
const NOT_ON_A_BLOCK_DEVICE = new Set(['overlay', 'aufs', 'tmpfs', 'ramfs', 'rootfs', '9p', 'virtiofs', 'nfs', 'nfs4', 'cifs', 'smb3', 'fuse', 'fuseblk']);
/** Read-only images (snaps, live media): nothing is written to them, so they are not data volumes. */
const IMAGE_FS = new Set(['squashfs', 'iso9660', 'udf', 'erofs', 'cramfs']);
/** Not data volumes: the boot partition must stay readable by firmware; removable media is the USB check's. */
const SKIP_EXACT = new Set(['/', '/boot', '/boot/efi', '/efi']);
const SKIP_UNDER = ['/proc/', '/sys/', '/dev/', '/run/', '/snap/', '/media/'];

interface Judgement {
  encrypted: boolean | null;
  scheme?: string;
  cipher?: string;
  reason?: string;
}

class DiskProbe {
  readonly evidence: Evidence[] = [];
  devices: BlockDevices | null = null;
  devicesWhy = '';
  zfs = new Map<string, ZfsEncryption>();
  zfsWhy = '';
  private memo = new Map<string, Promise<CommandResult>>();

  constructor(
    private readonly deps: CollectDeps,
    readonly mounts: MountEntry[],
  ) {}

  /** Each distinct command runs once per collection, and is recorded once. */
  run(file: string, args: string[]): Promise<CommandResult> {
    const key = [file, ...args].join('\0');
    let p = this.memo.get(key);
    if (!p) {
      p = this.deps.run(file, args).then((r) => {
        this.evidence.push(commandEvidence(r));
        return r;
      });
      this.memo.set(key, p);
    }
    return p;
  }

  async read(path: string): Promise<string | null> {
    const text = await this.deps.files.readText(path, 64 * 1024);
    this.evidence.push(fileEvidence(path, text !== null));
    return text;
  }

  async loadDevices(): Promise<void> {
    const json = await this.run('lsblk', ['-J', '-p', '-o', LSBLK_COLUMNS]);
    if (json.exitCode === 0 && !json.failure) this.devices = parseLsblkJson(json.stdout);
    if (this.devices) return;
    // util-linux older than 2.27 has no -J.
    const pairs = await this.run('lsblk', ['-P', '-p', '-o', LSBLK_COLUMNS]);
    if (pairs.exitCode === 0 && !pairs.failure) this.devices = parseLsblkPairs(pairs.stdout);
    if (!this.devices && pairs.exitCode === 0 && !pairs.failure) {
      // Both structured forms printed something unparseable: the plain tree is the last resort.
      const tree = await this.run('lsblk', ['-p', '-o', LSBLK_COLUMNS]);
      if (tree.exitCode === 0 && !tree.failure) this.devices = parseLsblkTree(tree.stdout);
    }
    if (!this.devices) {
      this.devicesWhy = json.failure || json.exitCode !== 0 ? whyFailed(json) : 'lsblk output could not be parsed';
    }
  }

  async loadZfs(datasets: string[]): Promise<void> {
    if (!datasets.length) return;
    const r = await this.run('zfs', ['get', '-H', '-o', 'name,property,value', 'encryption,keystatus,encryptionroot', ...datasets]);
    for (const z of parseZfsGet(r.stdout)) this.zfs.set(z.dataset, z);
    if (r.failure || r.exitCode !== 0) this.zfsWhy = whyFailed(r);
  }

  /** The mount whose mount point is the longest prefix of path (later mounts hide earlier ones). */
  mountHolding(path: string): MountEntry | undefined {
    let best: MountEntry | undefined;
    for (const m of this.mounts) {
      const prefix = m.mountPoint === '/' ? '/' : `${m.mountPoint}/`;
      if ((path === m.mountPoint || path.startsWith(prefix)) && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
    }
    return best;
  }

  deviceOfMount(m: MountEntry): BlockDevice | undefined {
    if (!this.devices) return undefined;
    // btrfs reports an anonymous 0:N device number, so match on the source first.
    return findDevice(this.devices, {
      path: m.source.startsWith('/dev/') ? m.source : undefined,
      majMin: m.majMin.startsWith('0:') ? undefined : m.majMin,
    });
  }

  /** All devices from dev down to the disks, breadth first, each once. */
  chainOf(dev: BlockDevice): string[] {
    const out: string[] = [];
    const queue = [dev];
    while (queue.length && out.length < 32) {
      const d = queue.shift()!;
      if (out.includes(d.name)) continue;
      out.push(d.name);
      for (const p of d.parents) {
        const pd = this.devices?.get(p);
        if (pd) queue.push(pd);
      }
    }
    return out;
  }

  async volumeForMount(m: MountEntry, role: Role, label: string): Promise<Volume> {
    const base = { mount: clip(label, 512), role, device: clip(m.source, 512) };
    if (m.fstype === 'zfs') return { ...base, ...(await this.judgeZfs(m.source)) };
    if (NOT_ON_A_BLOCK_DEVICE.has(m.fstype) || m.fstype.startsWith('fuse.')) {
      return { ...base, chain: [], encrypted: null, reason: `${label} is on ${m.fstype}, not a local block device (container or network root?); its storage is not visible from here` };
    }
    return this.volumeForDevice(base, this.deviceOfMount(m), `${m.source} (${m.majMin})`);
  }

  async volumeForDevice(base: Omit<Volume, 'chain' | 'encrypted'>, dev: BlockDevice | undefined, what: string, depth = 0): Promise<Volume> {
    if (!this.devices) return { ...base, chain: [], encrypted: null, reason: clip(`block devices could not be listed: ${this.devicesWhy}`, 1024) };
    if (!dev) return { ...base, chain: [], encrypted: null, reason: clip(`${what} is not in lsblk's device list`, 1024) };
    const j = await this.judge(dev, [], depth);
    return { ...base, device: clip(dev.name, 512), chain: this.chainOf(dev).map((n) => clip(n, 512)), ...j };
  }

  /** A file (swap file, loop backing file) is as encrypted as the filesystem holding it. */
  async volumeForPath(base: Omit<Volume, 'chain' | 'encrypted'>, path: string, depth: number): Promise<Volume> {
    const m = this.mountHolding(path);
    if (!m) return { ...base, chain: [], encrypted: null, reason: clip(`no mount holds ${path}`, 1024) };
    if (depth > 4) return { ...base, chain: [], encrypted: null, reason: 'loop devices nest too deeply to follow' };
    if (m.fstype === 'zfs') return { ...base, ...(await this.judgeZfs(m.source)) };
    if (NOT_ON_A_BLOCK_DEVICE.has(m.fstype)) return { ...base, chain: [], encrypted: null, reason: `${path} is on ${m.fstype}; its storage is not visible from here` };
    // The volume keeps the file as its device; the chain is that of the filesystem holding it.
    return { ...(await this.volumeForDevice(base, this.deviceOfMount(m), `${m.source} (${m.majMin})`, depth + 1)), device: base.device };
  }

  private async judge(dev: BlockDevice, path: string[], depth: number): Promise<Judgement> {
    if (path.includes(dev.name) || path.length > 32) return { encrypted: null, reason: `device chain through ${dev.name} loops` };
    if (dev.type === 'crypt') {
      const kind = await this.cryptType(dev);
      if (kind !== NOT_CRYPT && isEncryptingCryptType(kind)) return { encrypted: true, ...(await this.cryptDetails(dev, kind)) };
      // dm-verity or the integrity sub-device of LUKS2: not encryption, keep looking underneath.
    } else if (dev.type === 'dm') {
      // A device-mapper device lsblk could not type. If it sits directly on a LUKS header it is the
      // opened mapping of that header.
      for (const p of dev.parents) {
        const h = await this.headerScheme(p);
        if (h.scheme) return { encrypted: true, scheme: h.scheme };
        if (h.unreadable) return { encrypted: null, reason: clip(`${dev.name} is a device-mapper device of unknown kind and the header of ${p} could not be read: ${h.unreadable}`, 1024) };
      }
    }
    if (/\/zd\d+$/.test(dev.kname ?? dev.name)) {
      return { encrypted: null, reason: `${dev.name} is a ZFS volume; its encryption follows its dataset, which is not mapped here` };
    }
    if (!dev.parents.length) {
      if (dev.type === 'loop') return this.judgeLoop(dev, depth);
      return { encrypted: false };
    }
    const below: Judgement[] = [];
    for (const p of dev.parents) {
      const pd = this.devices?.get(p);
      below.push(pd ? await this.judge(pd, [...path, dev.name], depth) : { encrypted: null, reason: `${p} is not in lsblk's device list` });
    }
    // An LV spanning an encrypted and a plain PV may have extents on either: count it as not encrypted.
    const plain = below.find((j) => j.encrypted === false);
    if (plain) return plain;
    const unclear = below.find((j) => j.encrypted === null);
    return unclear ?? below[0]!;
  }

  private async judgeLoop(dev: BlockDevice, depth: number): Promise<Judgement> {
    const k = (dev.kname ?? dev.name).split('/').pop();
    const backing = (await this.read(`/sys/class/block/${k}/loop/backing_file`))?.trim();
    if (!backing) return { encrypted: null, reason: `${dev.name} is a loop device whose backing file could not be read` };
    const v = await this.volumeForPath({ mount: '', role: 'data', device: backing }, backing, depth + 1);
    return { encrypted: v.encrypted, scheme: v.scheme, cipher: v.cipher, reason: v.reason ?? (v.encrypted === false ? `${dev.name} is backed by ${backing} on an unencrypted volume` : undefined) };
  }

  private async cryptType(dev: BlockDevice): Promise<string | null> {
    const k = (dev.kname ?? dev.name).split('/').pop();
    const text = await this.read(`/sys/class/block/${k}/dm/uuid`);
    const parsed = text === null ? null : (parseDmUuid(text)?.cryptType ?? null);
    if (parsed) return parsed;
    // No readable uuid: device-mapper itself says whether the mapping is a dm-crypt target (root only).
    const ls = await this.run('dmsetup', ['ls', '--target', 'crypt']);
    const crypt = ls.exitCode === 0 && !ls.failure ? parseDmsetupLs(ls.stdout) : null;
    const name = dev.name.split('/').pop();
    if (crypt && !crypt.some((m) => m.name === name || (dev.majMin !== null && m.majMin === dev.majMin))) return NOT_CRYPT;
    return null;
  }

  private async cryptDetails(dev: BlockDevice, kind: string | null): Promise<Omit<Judgement, 'encrypted'>> {
    const out: Omit<Judgement, 'encrypted'> = {};
    if (kind) out.scheme = kind;
    const r = await this.run('cryptsetup', ['status', dev.name]);
    const st = r.failure ? null : parseCryptsetupStatus(r.stdout);
    if (st) {
      if (st.type) out.scheme = st.type;
      if (st.cipher) {
        const bits = st.keysizeBits ? ` (${st.keysizeBits}-bit key)` : '';
        out.cipher = clip(`${st.cipher}${bits}${st.integrity ? ` + ${st.integrity}` : ''}`, 128);
      }
    } else {
      // Without cryptsetup (or when it fails) the kernel's table still names the cipher.
      const t = await this.run('dmsetup', ['table', dev.name]);
      const table = t.exitCode === 0 && !t.failure ? parseDmsetupCryptTable(t.stdout) : null;
      if (table) out.cipher = clip(`${table.cipher}${table.keyBits ? ` (${table.keyBits}-bit key)` : ''}`, 128);
    }
    if (!out.scheme) {
      for (const p of dev.parents) out.scheme ??= (await this.headerScheme(p)).scheme ?? undefined;
    }
    if (!out.scheme) out.scheme = 'dm-crypt';
    return out;
  }

  /**
   * The encryption scheme whose header blkid finds on the device ("LUKS2"), or null. blkid exits 2 both
   * when the device has no known signature and when it may not open it; only stderr tells them apart.
   */
  private async headerScheme(device: string): Promise<{ scheme: string | null; unreadable: string | null }> {
    const r = await this.run('blkid', ['-p', '-o', 'export', device]);
    const info = !r.failure && r.exitCode === 0 ? parseBlkidExport(r.stdout) : null;
    if (info) return { scheme: encryptionSchemeOf(info), unreadable: null };
    const nothingFound = !r.failure && r.exitCode === 2 && r.stderr.trim() === '';
    return { scheme: null, unreadable: nothingFound ? null : whyFailed(r) };
  }

  private async judgeZfs(dataset: string): Promise<Omit<Volume, 'mount' | 'role' | 'device'>> {
    const z = this.zfs.get(dataset);
    if (!z) {
      return { chain: [clip(dataset, 512)], encrypted: null, reason: clip(`ZFS dataset ${dataset}: ${this.zfsWhy || 'zfs get reported no encryption property'}`, 1024) };
    }
    if (z.encryption !== 'off') {
      return { chain: [clip(dataset, 512)], encrypted: true, scheme: 'ZFS native', cipher: clip(z.encryption, 128) };
    }
    // Not ZFS-encrypted, but the pool may sit on LUKS devices.
    const pool = dataset.split('/')[0] ?? dataset;
    const r = await this.run('zpool', ['list', '-v', '-H', '-P', '-L', pool]);
    const vdevs = r.failure || r.exitCode !== 0 ? [] : parseZpoolVdevs(r.stdout);
    if (!vdevs.length) {
      return { chain: [clip(dataset, 512)], encrypted: null, reason: clip(`ZFS encryption is off for ${dataset} and the pool's devices could not be listed: ${whyFailed(r)}`, 1024) };
    }
    const chain = [dataset];
    const judged: Judgement[] = [];
    for (const v of vdevs) {
      const dev = this.devices ? findDevice(this.devices, { path: v }) : undefined;
      if (!dev) {
        judged.push({ encrypted: null, reason: `pool device ${v} is not in lsblk's device list` });
        continue;
      }
      chain.push(...this.chainOf(dev));
      judged.push(await this.judge(dev, [], 0));
    }
    const pick = judged.find((j) => j.encrypted === false) ?? judged.find((j) => j.encrypted === null) ?? judged[0]!;
    return { chain: chain.slice(0, 32).map((c) => clip(c, 512)), ...pick };
  }
}

function isDataMount(m: MountEntry): boolean {
  if (!(m.source.startsWith('/dev/') || m.fstype === 'zfs')) return false;
  if (IMAGE_FS.has(m.fstype) || SKIP_EXACT.has(m.mountPoint)) return false;
  if (SKIP_UNDER.some((p) => m.mountPoint.startsWith(p))) return false;
  if (/^\/dev\/zram\d+$/.test(m.source)) return false; // RAM-backed
  // A bind mount of a sub-tree (containers get /etc/hosts this way) is a view of a filesystem mounted
  // elsewhere; btrfs and ZFS subvolumes/datasets legitimately have a non-"/" root.
  if (m.root !== '/' && m.fstype !== 'btrfs' && m.fstype !== 'zfs') return false;
  return true;
}

async function collect(deps: CollectDeps) {
  const mountinfo = await deps.files.readText('/proc/self/mountinfo');
  const firstEvidence = fileEvidence('/proc/self/mountinfo', mountinfo !== null);
  if (mountinfo === null) return { facts: null, reason: 'cannot read /proc/self/mountinfo', evidence: [firstEvidence] };
  const mounts = parseMountinfo(mountinfo);
  if (!mounts.length) return { facts: null, reason: '/proc/self/mountinfo could not be parsed', evidence: [firstEvidence] };

  const probe = new DiskProbe(deps, mounts);
  probe.evidence.push(firstEvidence);
  // Mounts stack: the last entry for a path is the one in effect.
  const top = new Map<string, MountEntry>();
  for (const m of mounts) top.set(m.mountPoint, m);
  const root = top.get('/');
  const data = [...top.values()].filter(isDataMount);
  await probe.loadDevices();
  await probe.loadZfs([...new Set([root, ...data].filter((m) => m?.fstype === 'zfs').map((m) => m!.source))]);

  const volumes: Volume[] = [];
  let rootKey: string | null = null;
  if (root) {
    const v = await probe.volumeForMount(root, 'root', '/');
    rootKey = v.device;
    volumes.push(v);
  } else {
    volumes.push({ mount: '/', role: 'root', device: '', chain: [], encrypted: null, reason: 'no mount for / in /proc/self/mountinfo' });
  }

  const swapsText = await probe.read('/proc/swaps');
  const swaps = swapsText === null ? null : parseSwaps(swapsText);
  if (swaps === null) {
    volumes.push({ mount: '[SWAP]', role: 'swap', device: '', chain: [], encrypted: null, reason: '/proc/swaps could not be read, so swap could not be checked' });
  }
  for (const s of swaps ?? []) {
    const base = { mount: '[SWAP]', role: 'swap' as const, device: clip(s.filename, 512) };
    const zram = /^\/dev\/(zram\d+)$/.exec(s.filename);
    if (zram) {
      // zram swap is compressed RAM and never reaches a disk, unless writeback to a backing device is set.
      const backing = (await probe.read(`/sys/block/${zram[1]}/backing_dev`))?.trim();
      if (backing === 'none') continue;
      volumes.push({ ...base, chain: [base.device], encrypted: null, reason: backing ? `zram writes pages back to ${backing}, which is not followed` : `zram writeback state of ${s.filename} could not be read` });
    } else if (s.type === 'file' || !s.filename.startsWith('/dev/')) {
      volumes.push(await probe.volumeForPath(base, s.filename, 0));
    } else {
      volumes.push(await probe.volumeForDevice(base, probe.devices ? findDevice(probe.devices, { path: s.filename }) : undefined, s.filename));
    }
  }

  const seen = new Set<string>(rootKey ? [rootKey] : []);
  for (const m of data) {
    const v = await probe.volumeForMount(m, 'data', m.mountPoint);
    if (seen.has(v.device)) continue; // same filesystem as / or as an earlier data mount
    seen.add(v.device);
    volumes.push(v);
  }
  const facts: DiskEncryptionFacts = { volumes: volumes.slice(0, 256) };
  return { facts, evidence: probe.evidence };
}

const check: PlatformCheck<DiskEncryptionFacts> = { id: 'disk_encryption', collect };
export default check;
