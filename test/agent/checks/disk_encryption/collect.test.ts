// collect() against replayed outputs. The device layouts with dm-crypt layers are written here as lsblk
// JSON (the build machine has no device-mapper, so none could be recorded); device names follow the
// recorded NixOS LVM-on-LUKS and LUKS2-integrity captures in test/fixtures/linux/lsblk/.
import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/disk_encryption/linux.js';
import { diskEncryption } from '../../../../protocol/checks/disk-encryption.js';
import type { DiskEncryptionFacts } from '../../../../protocol/checks/disk-encryption.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const LSBLK_J = 'lsblk -J -p -o NAME,KNAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME,MAJ:MIN';
const LSBLK_P = 'lsblk -P -p -o NAME,KNAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME,MAJ:MIN';
const NO_SWAP = fixture('proc-swaps/debian12-vm-none-active.txt');
const SWAPS_HEADER = NO_SWAP.split('\n')[0]!;

interface Node { name: string; kname?: string; type: string; majMin: string; children?: Node[] }
function lsblkJson(...roots: Node[]): string {
  const conv = (n: Node, parent: string | null): unknown => ({
    name: n.name, kname: n.kname ?? n.name, type: n.type, fstype: null, mountpoint: null, pkname: parent, 'maj:min': n.majMin,
    ...(n.children ? { children: n.children.map((c) => conv(c, n.name)) } : {}),
  });
  return JSON.stringify({ blockdevices: roots.map((r) => conv(r, null)) }, null, 3);
}
const mountinfo = (...lines: string[]) => `${lines.join('\n')}\n`;

// nvme0n1p2 -> cryptdisk0 (LUKS2) -> LVM VG "disk0--pool" with root, swap, data LVs; /boot plain.
const LVM_ON_LUKS = lsblkJson(
  { name: '/dev/nvme0n1', type: 'disk', majMin: '259:0', children: [
    { name: '/dev/nvme0n1p1', type: 'part', majMin: '259:1' },
    { name: '/dev/nvme0n1p2', type: 'part', majMin: '259:2', children: [
      { name: '/dev/mapper/cryptdisk0', kname: '/dev/dm-0', type: 'crypt', majMin: '254:0', children: [
        { name: '/dev/mapper/disk0--pool-root', kname: '/dev/dm-1', type: 'lvm', majMin: '254:1' },
        { name: '/dev/mapper/disk0--pool-swap', kname: '/dev/dm-2', type: 'lvm', majMin: '254:2' },
        { name: '/dev/mapper/disk0--pool-data', kname: '/dev/dm-3', type: 'lvm', majMin: '254:3' },
      ] },
    ] },
  ] },
  { name: '/dev/sda', type: 'disk', majMin: '8:0', children: [{ name: '/dev/sda1', type: 'part', majMin: '8:1' }, { name: '/dev/sda2', type: 'part', majMin: '8:2' }] },
);
const LVM_MOUNTS = mountinfo(
  '26 1 0:30 /@ / rw,relatime shared:1 - btrfs /dev/mapper/disk0--pool-root rw,ssd,subvol=/@',
  '27 26 0:30 /@home /home rw,relatime shared:2 - btrfs /dev/mapper/disk0--pool-root rw,ssd,subvol=/@home',
  '28 26 259:1 / /boot rw,relatime shared:3 - vfat /dev/nvme0n1p1 rw',
  '29 26 0:31 / /data rw,relatime shared:4 - btrfs /dev/mapper/disk0--pool-data rw',
  '30 26 0:5 / /proc rw - proc proc rw',
);
const LUKS_UUID = { '/sys/class/block/dm-0/dm/uuid': 'CRYPT-LUKS2-ca12320a27ce4ea8b440bec65dd51642-cryptdisk0\n' };

async function collect(replies: Record<string, Reply>, files: Record<string, string>) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files)));
  return { c, calls, facts: c.facts as DiskEncryptionFacts | null };
}
const vol = (f: DiskEncryptionFacts | null, mount: string) => f?.volumes.find((v) => v.mount === mount);

describe('disk_encryption collect (replayed)', () => {
  it('this build machine: ext4 straight on /dev/vda, no crypt layer, so / is not encrypted', async () => {
    const { c, facts } = await collect(
      { [LSBLK_J]: ok(fixture('lsblk/debian12-vm-json.txt')) },
      { '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt'), '/proc/swaps': NO_SWAP },
    );
    // /run/netns is a bind mount of the same disk: not a separate data volume.
    expect(facts).toEqual({ volumes: [{ mount: '/', role: 'root', device: '/dev/vda', chain: ['/dev/vda'], encrypted: false }] });
    expect(c.evidence.map((e) => e.source)).toContain(LSBLK_J);
    expect(verdictOf('disk_encryption', c)).toEqual({ status: 'fail', reason: '/ (/dev/vda) is not encrypted' });
  });

  it('falls back to lsblk -P when -J is not supported (util-linux < 2.27)', async () => {
    const { facts, calls } = await collect(
      { [LSBLK_J]: exit(1, '', "lsblk: invalid option -- 'J'"), [LSBLK_P]: ok(fixture('lsblk/debian12-vm-pairs.txt')) },
      { '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt'), '/proc/swaps': NO_SWAP },
    );
    expect(calls).toContain(LSBLK_P);
    expect(vol(facts, '/')).toMatchObject({ device: '/dev/vda', encrypted: false });
  });

  it('LVM on LUKS2: root, swap LV and a data LV are encrypted through the crypt layer; /home and /boot are not extra volumes', async () => {
    const { c, facts, calls } = await collect(
      { [LSBLK_J]: ok(LVM_ON_LUKS), 'cryptsetup status /dev/mapper/cryptdisk0': ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS, '/proc/swaps': `${SWAPS_HEADER}\n/dev/dm-2  partition\t8388604\t0\t-2\n`, ...LUKS_UUID },
    );
    expect(facts?.volumes.map((v) => v.mount)).toEqual(['/', '[SWAP]', '/data']);
    expect(vol(facts, '/')).toEqual({
      mount: '/', role: 'root', device: '/dev/mapper/disk0--pool-root',
      chain: ['/dev/mapper/disk0--pool-root', '/dev/mapper/cryptdisk0', '/dev/nvme0n1p2', '/dev/nvme0n1'],
      encrypted: true, scheme: 'LUKS2', cipher: 'aes-xts-plain64 (512-bit key)',
    });
    expect(vol(facts, '[SWAP]')).toMatchObject({ role: 'swap', device: '/dev/mapper/disk0--pool-swap', encrypted: true });
    expect(vol(facts, '/data')).toMatchObject({ role: 'data', encrypted: true });
    expect(calls.filter((x) => x.startsWith('cryptsetup'))).toHaveLength(1);
    expect(schemaErrors('disk_encryption', facts)).toEqual([]);
    expect(verdictOf('disk_encryption', c).status).toBe('pass');
  });

  it('without root (cryptsetup, blkid refused) the crypt layer from sysfs still proves encryption; only the cipher is missing', async () => {
    const { c, facts } = await collect(
      {
        [LSBLK_J]: ok(LVM_ON_LUKS),
        cryptsetup: exit(1, '', fixture('cryptsetup-status/debian12-nonroot.stderr.txt')),
        blkid: exit(2, '', 'blkid: error: /dev/nvme0n1p2: Permission denied\n'),
      },
      { '/proc/self/mountinfo': LVM_MOUNTS, '/proc/swaps': NO_SWAP, ...LUKS_UUID },
    );
    expect(vol(facts, '/')).toMatchObject({ encrypted: true, scheme: 'LUKS2' });
    expect(vol(facts, '/')?.cipher).toBeUndefined();
    expect(verdictOf('disk_encryption', c).status).toBe('pass');
  });

  it('an encrypted root does not excuse plain swap on another disk', async () => {
    const { c, facts } = await collect(
      { [LSBLK_J]: ok(LVM_ON_LUKS), cryptsetup: ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS, '/proc/swaps': `${SWAPS_HEADER}\n/dev/sda2  partition\t8388604\t0\t-2\n`, ...LUKS_UUID },
    );
    expect(vol(facts, '[SWAP]')).toMatchObject({ device: '/dev/sda2', chain: ['/dev/sda2', '/dev/sda'], encrypted: false });
    expect(verdictOf('disk_encryption', c)).toEqual({ status: 'fail', reason: '[SWAP] (/dev/sda2) is not encrypted' });
    expect(diskEncryption.evaluate(facts!, { requireSwap: false, requireData: true }, { collectedAt: '', role: 'x' }).status).toBe('pass');
  });

  it('a swap file is as encrypted as the filesystem holding it', async () => {
    const swapfile = `${SWAPS_HEADER}\n/swap.img                               file\t\t2097148\t\t0\t\t-2\n`;
    const enc = await collect(
      { [LSBLK_J]: ok(LVM_ON_LUKS), cryptsetup: ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS, '/proc/swaps': swapfile, ...LUKS_UUID },
    );
    expect(vol(enc.facts, '[SWAP]')).toMatchObject({ device: '/swap.img', encrypted: true, chain: ['/dev/mapper/disk0--pool-root', '/dev/mapper/cryptdisk0', '/dev/nvme0n1p2', '/dev/nvme0n1'] });
    const plain = await collect(
      { [LSBLK_J]: ok(fixture('lsblk/debian12-vm-json.txt')) },
      { '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt'), '/proc/swaps': swapfile },
    );
    expect(vol(plain.facts, '[SWAP]')).toMatchObject({ device: '/swap.img', chain: ['/dev/vda'], encrypted: false });
  });

  it('an unencrypted data disk fails even when / is encrypted', async () => {
    const { c, facts } = await collect(
      { [LSBLK_J]: ok(LVM_ON_LUKS), cryptsetup: ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS + '31 26 8:1 / /srv rw - ext4 /dev/sda1 rw\n', '/proc/swaps': NO_SWAP, ...LUKS_UUID },
    );
    expect(vol(facts, '/srv')).toMatchObject({ role: 'data', device: '/dev/sda1', encrypted: false });
    expect(verdictOf('disk_encryption', c)).toEqual({ status: 'fail', reason: '/srv (/dev/sda1) is not encrypted' });
  });

  it('dm-verity shows as TYPE crypt in lsblk but is not encryption', async () => {
    const layout = lsblkJson({ name: '/dev/sda', type: 'disk', majMin: '8:0', children: [
      { name: '/dev/sda2', type: 'part', majMin: '8:2', children: [{ name: '/dev/mapper/root', kname: '/dev/dm-0', type: 'crypt', majMin: '254:0' }] },
    ] });
    const { c, facts } = await collect(
      { [LSBLK_J]: ok(layout) },
      { '/proc/self/mountinfo': mountinfo('20 1 254:0 / / ro - erofs /dev/mapper/root ro'), '/proc/swaps': NO_SWAP, '/sys/class/block/dm-0/dm/uuid': 'CRYPT-VERITY-5b1d5a1b-root\n' },
    );
    expect(vol(facts, '/')).toMatchObject({ chain: ['/dev/mapper/root', '/dev/sda2', '/dev/sda'], encrypted: false });
    expect(verdictOf('disk_encryption', c).status).toBe('fail');
  });

  it('LUKS2 with dm-integrity: the _dif sub-device is skipped and the cipher names the integrity algorithm', async () => {
    const layout = lsblkJson(
      { name: '/dev/vda', type: 'disk', majMin: '254:0' },
      { name: '/dev/loop0', type: 'loop', majMin: '7:0', children: [
        { name: '/dev/mapper/encrypted_disk_qMSEu_dif', kname: '/dev/dm-0', type: 'crypt', majMin: '253:0', children: [
          { name: '/dev/mapper/encrypted_disk_qMSEu', kname: '/dev/dm-1', type: 'crypt', majMin: '253:1' },
        ] },
      ] },
    );
    const { facts } = await collect(
      { [LSBLK_J]: ok(layout), 'cryptsetup status /dev/mapper/encrypted_disk_qMSEu': ok(fixture('cryptsetup-status/luks2-authenticated-integrity-loop.txt')) },
      {
        '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt') + '50 26 253:1 / /tmp/cdh-test rw - ext4 /dev/mapper/encrypted_disk_qMSEu rw\n',
        '/proc/swaps': NO_SWAP,
        '/sys/class/block/dm-0/dm/uuid': 'CRYPT-SUBDEV-ee0897ec0f0f4f11a1f038bfe3120ad1-encrypted_disk_qMSEu_dif',
        '/sys/class/block/dm-1/dm/uuid': 'CRYPT-LUKS2-ee0897ec0f0f4f11a1f038bfe3120ad1-encrypted_disk_qMSEu',
      },
    );
    expect(vol(facts, '/tmp/cdh-test')).toEqual({
      mount: '/tmp/cdh-test', role: 'data', device: '/dev/mapper/encrypted_disk_qMSEu',
      chain: ['/dev/mapper/encrypted_disk_qMSEu', '/dev/mapper/encrypted_disk_qMSEu_dif', '/dev/loop0'],
      encrypted: true, scheme: 'LUKS2', cipher: 'aes-xts-plain64 (768-bit key) + hmac(sha256)',
    });
  });

  it('an untyped device-mapper device over a LUKS header counts as encrypted (blkid), and as unknown when blkid is refused', async () => {
    const layout = lsblkJson({ name: '/dev/sda', type: 'disk', majMin: '8:0', children: [
      { name: '/dev/sda2', type: 'part', majMin: '8:2', children: [{ name: '/dev/mapper/old', kname: '/dev/dm-0', type: 'dm', majMin: '254:0' }] },
    ] });
    const files = { '/proc/self/mountinfo': mountinfo('20 1 254:0 / / rw - ext4 /dev/mapper/old rw'), '/proc/swaps': NO_SWAP };
    const seen = await collect({ [LSBLK_J]: ok(layout), 'blkid -p -o export /dev/sda2': ok(fixture('blkid/debian12-luks2-loop.txt')) }, files);
    expect(vol(seen.facts, '/')).toMatchObject({ encrypted: true, scheme: 'LUKS2' });
    const refused = await collect({ [LSBLK_J]: ok(layout), blkid: exit(2, '', fixture('blkid/debian12-vda-not-permitted.stderr.txt')) }, files);
    expect(vol(refused.facts, '/')?.encrypted).toBeNull();
    expect(vol(refused.facts, '/')?.reason).toContain('Operation not permitted');
    expect(verdictOf('disk_encryption', refused.c).status).toBe('unknown');
  });

  it('container root on overlay is unknown, and bind-mounted files are not data volumes', async () => {
    const { c, facts } = await collect(
      { [LSBLK_J]: ok(fixture('lsblk/debian12-vm-json.txt')) },
      {
        '/proc/self/mountinfo': mountinfo(
          '600 500 0:52 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A,upperdir=/var/lib/docker/overlay2/x/diff',
          '610 600 254:0 /var/lib/docker/containers/abc/hosts /etc/hosts rw,relatime - ext4 /dev/vda rw',
        ),
        '/proc/swaps': NO_SWAP,
      },
    );
    expect(facts?.volumes).toHaveLength(1);
    expect(vol(facts, '/')).toMatchObject({ encrypted: null, chain: [] });
    expect(vol(facts, '/')?.reason).toContain('overlay');
    expect(verdictOf('disk_encryption', c).status).toBe('unknown');
  });

  it.each([
    ['lsblk not installed', {}, 'lsblk is not installed'],
    ['lsblk timed out', { lsblk: timedOut }, 'timed out'],
    ['lsblk printing garbage', { lsblk: ok('\u0000\u0001 not a device list {{{') }, 'could not be parsed'],
    // A tree listing that does not contain the root device (the third, last-resort form).
    ['lsblk listing another machine', { lsblk: ok('NAME MAJ:MIN RM SIZE\nsda 8:0 0 10G') }, "not in lsblk's device list"],
  ])('%s: / is unknown with the reason, never pass', async (_name, replies, reason) => {
    const { c, facts } = await collect(replies, { '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt'), '/proc/swaps': NO_SWAP });
    expect(vol(facts, '/')?.encrypted).toBeNull();
    expect(vol(facts, '/')?.reason).toContain(reason);
    expect(verdictOf('disk_encryption', c).status).toBe('unknown');
  });

  it('no facts when mountinfo cannot be read', async () => {
    const { c } = await collect({ [LSBLK_J]: ok(LVM_ON_LUKS) }, {});
    expect(c.facts).toBeNull();
    expect(c.reason).toContain('/proc/self/mountinfo');
    expect(verdictOf('disk_encryption', c).status).toBe('unknown');
  });

  it('unreadable /proc/swaps leaves swap unknown instead of assuming none', async () => {
    const { c, facts } = await collect(
      { [LSBLK_J]: ok(LVM_ON_LUKS), cryptsetup: ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS, ...LUKS_UUID },
    );
    expect(vol(facts, '[SWAP]')).toMatchObject({ encrypted: null });
    expect(verdictOf('disk_encryption', c).status).toBe('unknown');
  });

  it('zram swap stays in RAM and is not a volume unless it writes back to a disk', async () => {
    const base = { '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt'), '/proc/swaps': `${SWAPS_HEADER}\n/dev/zram0  partition\t4194300\t0\t100\n` };
    const ram = await collect({ [LSBLK_J]: ok(fixture('lsblk/debian12-vm-json.txt')) }, { ...base, '/sys/block/zram0/backing_dev': 'none\n' });
    expect(vol(ram.facts, '[SWAP]')).toBeUndefined();
    const wb = await collect({ [LSBLK_J]: ok(fixture('lsblk/debian12-vm-json.txt')) }, { ...base, '/sys/block/zram0/backing_dev': '/dev/sdb1\n' });
    expect(vol(wb.facts, '[SWAP]')).toMatchObject({ encrypted: null });
  });

  it('ZFS: native encryption, a pool on LUKS, and zfs missing', async () => {
    const zfsMounts = mountinfo('30 1 0:40 / / rw - zfs rpool/ROOT/ubuntu rw,xattr,posixacl');
    const ZFS_GET = 'zfs get -H -o name,property,value encryption,keystatus,encryptionroot rpool/ROOT/ubuntu';
    const native = await collect({ [LSBLK_J]: ok(LVM_ON_LUKS), [ZFS_GET]: ok('rpool/ROOT/ubuntu\tencryption\taes-256-gcm\nrpool/ROOT/ubuntu\tkeystatus\tavailable\nrpool/ROOT/ubuntu\tencryptionroot\trpool\n') }, { '/proc/self/mountinfo': zfsMounts, '/proc/swaps': NO_SWAP });
    expect(vol(native.facts, '/')).toMatchObject({ device: 'rpool/ROOT/ubuntu', encrypted: true, scheme: 'ZFS native', cipher: 'aes-256-gcm' });

    const onLuks = await collect(
      {
        [LSBLK_J]: ok(LVM_ON_LUKS),
        [ZFS_GET]: ok('rpool/ROOT/ubuntu\tencryption\toff\nrpool/ROOT/ubuntu\tkeystatus\t-\n'),
        'zpool list -v -H -P -L rpool': ok('rpool\t99G\t10G\t89G\t-\t-\t3%\t10%\t1.00x\tONLINE\t-\n\t/dev/mapper/cryptdisk0\t99G\t10G\t89G\t-\t-\t3%\t10.1%\t-\tONLINE\n'),
        cryptsetup: ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')),
      },
      { '/proc/self/mountinfo': zfsMounts, '/proc/swaps': NO_SWAP, ...LUKS_UUID },
    );
    expect(vol(onLuks.facts, '/')).toMatchObject({ encrypted: true, scheme: 'LUKS2', chain: ['rpool/ROOT/ubuntu', '/dev/mapper/cryptdisk0', '/dev/nvme0n1p2', '/dev/nvme0n1'] });

    const missing = await collect({ [LSBLK_J]: ok(LVM_ON_LUKS) }, { '/proc/self/mountinfo': zfsMounts, '/proc/swaps': NO_SWAP });
    expect(vol(missing.facts, '/')).toMatchObject({ encrypted: null });
    expect(vol(missing.facts, '/')?.reason).toContain('zfs is not installed');
    expect(verdictOf('disk_encryption', missing.c).status).toBe('unknown');
  });

  it('a loop-mounted image is judged by the volume holding its backing file', async () => {
    const layout = JSON.parse(LVM_ON_LUKS) as { blockdevices: unknown[] };
    layout.blockdevices.push({ name: '/dev/loop3', kname: '/dev/loop3', type: 'loop', fstype: null, mountpoint: null, pkname: null, 'maj:min': '7:3' });
    const { facts } = await collect(
      { [LSBLK_J]: ok(JSON.stringify(layout)), cryptsetup: ok(fixture('cryptsetup-status/luks2-active-in-use-keyring.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS + '40 26 7:3 / /srv/images rw - ext4 /dev/loop3 rw\n', '/proc/swaps': NO_SWAP, ...LUKS_UUID, '/sys/class/block/loop3/loop/backing_file': '/var/lib/images/a.img\n' },
    );
    expect(vol(facts, '/srv/images')).toMatchObject({ device: '/dev/loop3', chain: ['/dev/loop3'], encrypted: true, scheme: 'LUKS2' });
  });

  it('without cryptsetup the cipher comes from dmsetup table (LUKS2, kernel keyring key)', async () => {
    const { facts, calls } = await collect(
      { [LSBLK_J]: ok(LVM_ON_LUKS), 'dmsetup table /dev/mapper/cryptdisk0': ok(fixture('dmsetup/table-luks2-keyring-reference.txt')) },
      { '/proc/self/mountinfo': LVM_MOUNTS, '/proc/swaps': NO_SWAP, ...LUKS_UUID },
    );
    expect(calls).toContain('cryptsetup status /dev/mapper/cryptdisk0');
    expect(vol(facts, '/')).toMatchObject({ encrypted: true, scheme: 'LUKS2', cipher: 'aes-xts-plain64 (512-bit key)' });
  });

  it('an unreadable dm uuid is settled by dmsetup ls --target crypt: a listed mapping is dm-crypt, an unlisted one is not', async () => {
    const files = { '/proc/self/mountinfo': LVM_MOUNTS, '/proc/swaps': NO_SWAP };
    const listed = await collect({ [LSBLK_J]: ok(LVM_ON_LUKS), 'dmsetup ls --target crypt': ok('cryptdisk0\t(254, 0)\n') }, files);
    expect(vol(listed.facts, '/')).toMatchObject({ encrypted: true });
    const other = await collect({ [LSBLK_J]: ok(LVM_ON_LUKS), 'dmsetup ls --target crypt': ok(fixture('dmsetup/ls-target-crypt-single-mapping.txt')) }, files);
    // The recorded listing names only "croot": cryptdisk0 is some other target, so nothing encrypts /.
    expect(vol(other.facts, '/')).toMatchObject({ encrypted: false });
    expect(verdictOf('disk_encryption', other.c).status).toBe('fail');
  });

  it('a LUKS2 loop device attached on this machine (not opened): lsblk types it loop, no crypt layer', async () => {
    const { facts } = await collect(
      { [LSBLK_J]: ok(fixture('lsblk/debian12-luks2-loop-attached-json.txt')) },
      { '/proc/self/mountinfo': fixture('proc-self-mountinfo/debian12-vm.txt'), '/proc/swaps': NO_SWAP },
    );
    // The unopened container mounts nothing, so only / is judged.
    expect(facts?.volumes.map((v) => [v.mount, v.encrypted])).toEqual([['/', false]]);
  });
});
