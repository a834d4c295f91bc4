import { describe, expect, it } from 'vitest';
import { encryptionSchemeOf, parseBlkidExport } from '../../../../agent/checks/disk_encryption/parse-blkid.js';
import { parseCryptsetupStatus } from '../../../../agent/checks/disk_encryption/parse-cryptsetup.js';
import { isEncryptingCryptType, parseDmUuid } from '../../../../agent/checks/disk_encryption/parse-dm-uuid.js';
import { parseDmsetupCryptTable, parseDmsetupLs } from '../../../../agent/checks/disk_encryption/parse-dmsetup.js';
import { findDevice, parseLsblkJson, parseLsblkPairs, parseLsblkTree } from '../../../../agent/checks/disk_encryption/parse-lsblk.js';
import { parseMountinfo } from '../../../../agent/checks/disk_encryption/parse-mountinfo.js';
import { parseSwaps } from '../../../../agent/checks/disk_encryption/parse-swaps.js';
import { parseZfsGet, parseZpoolVdevs } from '../../../../agent/checks/disk_encryption/parse-zfs.js';
import { fixture } from '../fakes.js';

describe('parseLsblkJson', () => {
  it('reads the util-linux >= 2.37 shape (mountpoints arrays, nested children) into a parent graph', () => {
    const d = parseLsblkJson(fixture('lsblk/json-fJp-crypto-luks-unopened.txt'))!;
    expect(d.get('/dev/sda3')).toMatchObject({ fstype: 'xfs', parents: ['/dev/sda'], mountpoints: ['/'] });
    expect(d.get('/dev/sdb3')).toMatchObject({ fstype: 'crypto_LUKS', parents: ['/dev/sdb'], mountpoints: [] });
    expect(d.get('/dev/mapper/LvmEncrypt-lvmcryptroot')).toMatchObject({ fstype: 'crypto_LUKS', parents: ['/dev/sdc2'] });
    expect(d.get('/dev/sdc2')?.parents).toEqual(['/dev/sdc']);
    expect(d.get('/dev/sda')?.parents).toEqual([]);
    // -f output has no TYPE/KNAME columns: they stay null rather than being guessed.
    expect(d.get('/dev/sda3')?.type).toBeNull();
  });

  it('reads this machine\'s output: whole virtio disk mounted at /, FSTYPE blank without udev', () => {
    const d = parseLsblkJson(fixture('lsblk/debian12-vm-json.txt'))!;
    expect(d.get('/dev/vda')).toEqual({ name: '/dev/vda', kname: '/dev/vda', type: 'disk', fstype: null, majMin: '254:0', parents: [], mountpoints: ['/'] });
    expect(findDevice(d, { majMin: '254:0' })?.name).toBe('/dev/vda');
    expect(findDevice(d, { path: '/dev/zram0' })?.type).toBe('disk');
  });

  it('returns null for blank, garbage, truncated and error output', () => {
    const full = fixture('lsblk/debian12-vm-json.txt');
    expect(parseLsblkJson('')).toBeNull();
    expect(parseLsblkJson('lsblk: unknown column: MOUNTPOINTS')).toBeNull();
    expect(parseLsblkJson(full.slice(0, full.length / 2))).toBeNull();
    expect(parseLsblkJson('{"blockdevices": 5}')).toBeNull();
    expect(parseLsblkJson('null')).toBeNull();
  });
});

describe('parseLsblkPairs', () => {
  it('gives the same graph as JSON for the same machine', () => {
    expect(parseLsblkPairs(fixture('lsblk/debian12-vm-pairs.txt'))).toEqual(parseLsblkJson(fixture('lsblk/debian12-vm-json.txt')));
  });

  it('merges a device listed once per parent and accepts the MAJ_MIN spelling of util-linux >= 2.37', () => {
    const d = parseLsblkPairs(
      ['NAME="/dev/md0" KNAME="/dev/md0" TYPE="raid1" FSTYPE="" MOUNTPOINT="" PKNAME="/dev/sda1" MAJ_MIN="9:0"',
       'NAME="/dev/md0" KNAME="/dev/md0" TYPE="raid1" FSTYPE="" MOUNTPOINT="" PKNAME="/dev/sdb1" MAJ_MIN="9:0"'].join('\n'),
    )!;
    expect(d.get('/dev/md0')).toMatchObject({ parents: ['/dev/sda1', '/dev/sdb1'], majMin: '9:0' });
  });

  it('returns null without NAME pairs', () => {
    expect(parseLsblkPairs('')).toBeNull();
    expect(parseLsblkPairs(fixture('lsblk/debian12-vm-json.txt'))).toBeNull();
  });
});

describe('parseMountinfo', () => {
  it('finds / on /dev/vda (ext4, 254:0) on this machine', () => {
    const m = parseMountinfo(fixture('proc-self-mountinfo/debian12-vm.txt'));
    expect(m.find((e) => e.mountPoint === '/')).toEqual({ majMin: '254:0', root: '/', mountPoint: '/', fstype: 'ext4', source: '/dev/vda' });
    expect(m.find((e) => e.mountPoint === '/proc')?.fstype).toBe('proc');
    // ip netns bind-mounts its run directory: same disk, sub-tree root.
    expect(m.find((e) => e.mountPoint === '/run/netns')).toMatchObject({ root: '/run/netns', source: '/dev/vda', majMin: '254:0' });
    expect(m).toHaveLength(20);
  });

  it('handles optional fields and octal escapes', () => {
    const [e] = parseMountinfo('36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue');
    expect(e).toEqual({ majMin: '98:0', root: '/mnt1', mountPoint: '/mnt two', fstype: 'ext3', source: '/dev/root' });
  });

  it('skips garbage and truncated lines', () => {
    expect(parseMountinfo('')).toEqual([]);
    expect(parseMountinfo('hello world\n26 1 254:0 / / rw')).toEqual([]);
  });
});

describe('parseSwaps', () => {
  it('reads the header-only file as "no swap"', () => {
    expect(parseSwaps(fixture('proc-swaps/debian12-vm-none-active.txt'))).toEqual([]);
  });
  it('reads partitions and files', () => {
    const text = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-2                               partition\t8388604\t\t0\t\t-2\n/swap\\040file\tfile\t\t1048572\t\t0\t\t-3\n';
    expect(parseSwaps(text)).toEqual([
      { filename: '/dev/dm-2', type: 'partition' },
      { filename: '/swap file', type: 'file' },
    ]);
  });
  it('returns null for text that is not /proc/swaps', () => {
    expect(parseSwaps('')).toBeNull();
    expect(parseSwaps('/dev/sda2 partition 100 0 -2')).toBeNull();
  });
});

describe('parseBlkidExport', () => {
  it('recognises the LUKS2 header written by cryptsetup on this machine', () => {
    const info = parseBlkidExport(fixture('blkid/debian12-luks2-loop.txt'))!;
    expect(info).toEqual({ type: 'crypto_LUKS', version: '2', usage: 'crypto', uuid: '8fa40efa-b1c4-4004-9221-6249ed89ab74' });
    expect(encryptionSchemeOf(info)).toBe('LUKS2');
  });
  it('returns null for errors, blank and garbage; a filesystem signature is no encryption scheme', () => {
    expect(parseBlkidExport(fixture('blkid/debian12-vda-not-permitted.stderr.txt'))).toBeNull();
    expect(parseBlkidExport('')).toBeNull();
    expect(parseBlkidExport('{"x":1}')).toBeNull();
    expect(encryptionSchemeOf(parseBlkidExport('DEVNAME=/dev/sda1\nTYPE=ext4\nUSAGE=filesystem\n')!)).toBeNull();
  });
});

describe('parseCryptsetupStatus', () => {
  it.each([
    ['cryptsetup-status/luks1-active-in-use.txt', { active: true, inUse: true, type: 'LUKS1', cipher: 'aes-xts-plain64', keysizeBits: 512, device: '/dev/sdc1', integrity: null }],
    ['cryptsetup-status/luks2-active-in-use-keyring.txt', { active: true, inUse: true, type: 'LUKS2', cipher: 'aes-xts-plain64', keysizeBits: 512, device: '/dev/sdc2', integrity: null }],
    ['cryptsetup-status/luks2-authenticated-integrity-loop.txt', { type: 'LUKS2', keysizeBits: 768, device: '/dev/loop0', integrity: 'hmac(sha256)' }],
    ['cryptsetup-status/luks2-loop-keyring-4k-sectors.txt', { mapping: '/dev/mapper/vault', type: 'LUKS2', device: '/dev/loop1' }],
    ['cryptsetup-status/plain-active-in-use.txt', { type: 'PLAIN', cipher: 'aes-cbc-essiv:sha256', keysizeBits: 256, inUse: true }],
    ['cryptsetup-status/plain-active-not-in-use.txt', { type: 'PLAIN', active: true, inUse: false }],
    ['cryptsetup-status/inactive.txt', { mapping: '/dev/mapper/dm-crypto-plain', active: false, type: null, cipher: null }],
  ])('%s', (file, expected) => {
    expect(parseCryptsetupStatus(fixture(file))).toMatchObject(expected);
  });

  it('returns null for errors and garbage, and no type from a truncated capture', () => {
    expect(parseCryptsetupStatus(fixture('cryptsetup-status/error-device-not-found.txt'))).toBeNull();
    expect(parseCryptsetupStatus(fixture('cryptsetup-status/debian12-no-device-mapper.stderr.txt'))).toBeNull();
    expect(parseCryptsetupStatus(fixture('cryptsetup-status/debian12-nonroot.stderr.txt'))).toBeNull();
    expect(parseCryptsetupStatus('')).toBeNull();
    const firstLine = fixture('cryptsetup-status/luks2-active-in-use-keyring.txt').split('\n')[0]!;
    expect(parseCryptsetupStatus(firstLine)).toMatchObject({ active: true, type: null, cipher: null });
  });
});

describe('parseDmUuid', () => {
  // Format written by cryptsetup/lvm (CRYPT-<TYPE>-<uuid>-<name>, LVM-<vg><lv>); no device-mapper on the
  // build machine to record one, so these are typed from the format.
  it('names the crypt type and tells encryption from verity and integrity sub-devices', () => {
    expect(parseDmUuid('CRYPT-LUKS2-ca12320a27ce4ea8b440bec65dd51642-cryptdisk0\n')).toEqual({ subsystem: 'CRYPT', cryptType: 'LUKS2' });
    expect(parseDmUuid('CRYPT-PLAIN-swap')?.cryptType).toBe('PLAIN');
    expect(isEncryptingCryptType('LUKS2')).toBe(true);
    expect(isEncryptingCryptType(parseDmUuid('CRYPT-VERITY-0f5e-root')!.cryptType)).toBe(false);
    expect(isEncryptingCryptType(parseDmUuid('CRYPT-SUBDEV-ee08-encrypted_disk_dif')!.cryptType)).toBe(false);
    expect(parseDmUuid('LVM-abcdef')).toEqual({ subsystem: 'LVM', cryptType: null });
    expect(parseDmUuid('')).toBeNull();
  });
});

describe('parseZfsGet / parseZpoolVdevs', () => {
  // zfs is not installed on the build machine; the input follows zfs-get(8) -H output (tab separated).
  it('reads encryption per dataset', () => {
    const out = parseZfsGet('rpool/ROOT/ubuntu\tencryption\taes-256-gcm\nrpool/ROOT/ubuntu\tkeystatus\tavailable\nrpool/ROOT/ubuntu\tencryptionroot\trpool\nbpool/BOOT\tencryption\toff\nbpool/BOOT\tkeystatus\t-\n');
    expect(out).toEqual([
      { dataset: 'rpool/ROOT/ubuntu', encryption: 'aes-256-gcm', keystatus: 'available', encryptionroot: 'rpool' },
      { dataset: 'bpool/BOOT', encryption: 'off', keystatus: null, encryptionroot: null },
    ]);
    expect(parseZfsGet("cannot open 'x': dataset does not exist")).toEqual([]);
  });
  it('lists vdev paths', () => {
    expect(parseZpoolVdevs('rpool\t99G\t10G\t89G\n\t/dev/mapper/luks-1\t99G\t10G\t89G\n')).toEqual(['/dev/mapper/luks-1']);
    expect(parseZpoolVdevs('garbage')).toEqual([]);
  });
});

describe('parseLsblkTree', () => {
  it('NixOS lsblk -f: three LUKS2 disks with LVM on top; six mount points of one LV on continuation lines', () => {
    const d = parseLsblkTree(fixture('lsblk/f-nixos-luks-lvm-btrfs-multi-mountpoints.txt'))!;
    expect(d.get('cryptdisk0')).toMatchObject({ fstype: 'LVM2_member', parents: ['nvme0n1p2'] });
    expect(d.get('nvme0n1p2')).toMatchObject({ fstype: 'crypto_LUKS', parents: ['nvme0n1'] });
    expect(d.get('disk0--pool-root')).toMatchObject({ fstype: 'btrfs', parents: ['cryptdisk0'], mountpoints: ['/srv/www', '/srv/radicale/collections', '/home', '/nix/store', '/nix', '/'] });
    expect(d.get('disk0--pool-swap')?.mountpoints).toEqual(['[SWAP]']);
    expect(d.get('disk2--pool-root')).toMatchObject({ parents: ['cryptdisk2'], mountpoints: ['/snapraid/disk2'] });
    expect(d.get('nvme0n1p1')).toMatchObject({ fstype: 'vfat', mountpoints: ['/boot'] });
    // lsblk -f has no TYPE column: it stays unknown rather than guessed.
    expect(d.get('cryptdisk0')?.type).toBeNull();
    expect(d.size).toBe(16);
  });

  it('names too long for their column wrap the rest of the row onto the next line', () => {
    const d = parseLsblkTree(fixture('lsblk/fs-loop-luks2-integrity-wrapped-names.txt'))!;
    expect([...d.keys()]).toEqual(['loop0', 'encrypted_disk_qMSEu_dif', 'encrypted_disk_qMSEu']);
    expect(d.get('encrypted_disk_qMSEu')).toMatchObject({ parents: ['encrypted_disk_qMSEu_dif'], mountpoints: ['/tmp/cdh-test'] });
    expect(d.get('loop0')).toMatchObject({ fstype: 'crypto_LUKS', parents: [] });
  });

  it('reads TYPE and KNAME columns when the listing has them; null without a NAME header', () => {
    const d = parseLsblkTree('NAME                 KNAME     TYPE  FSTYPE MOUNTPOINT\n/dev/vda             /dev/vda  disk         \n`-/dev/vda1          /dev/vda1 part  ext4   /\n')!;
    expect(d.get('/dev/vda1')).toMatchObject({ kname: '/dev/vda1', type: 'part', fstype: 'ext4', parents: ['/dev/vda'], mountpoints: ['/'] });
    expect(parseLsblkTree('')).toBeNull();
    expect(parseLsblkTree(fixture('lsblk/debian12-vm-json.txt'))).toBeNull();
    expect(parseLsblkTree('lsblk: failed to access sysfs directory: /sys/dev/block')).toBeNull();
  });
});

describe('parseLsblkJson, this machine with a LUKS2 container attached', () => {
  it('the loop device is typed loop with no FSTYPE (no udev), next to zram0 and vda', () => {
    const d = parseLsblkJson(fixture('lsblk/debian12-luks2-loop-attached-json.txt'))!;
    expect(d.get('/dev/loop0')).toMatchObject({ type: 'loop', fstype: null, parents: [], majMin: '7:0' });
    expect([...d.keys()]).toEqual(['/dev/loop0', '/dev/zram0', '/dev/vda']);
  });
});

describe('dmsetup', () => {
  it('ls --target crypt: mapping names with major:minor in either spelling', () => {
    expect(parseDmsetupLs(fixture('dmsetup/ls-target-crypt-single-mapping.txt'))).toEqual([{ name: 'croot', majMin: '253:0' }]);
    expect(parseDmsetupLs('luks-1\t(254:3)\n')).toEqual([{ name: 'luks-1', majMin: '254:3' }]);
    expect(parseDmsetupLs('No devices found\n')).toEqual([]);
    expect(parseDmsetupLs('')).toBeNull();
    expect(parseDmsetupLs('/dev/mapper/control: open failed: Permission denied')).toBeNull();
  });

  it('table: a LUKS2 mapping whose key is a keyring reference (":64:" = 64 bytes, 512 bits)', () => {
    expect(parseDmsetupCryptTable(fixture('dmsetup/table-luks2-keyring-reference.txt'))).toEqual({ cipher: 'aes-xts-plain64', keyBits: 512, device: '7:1' });
  });

  it('table: a hex key gives its size; non-crypt targets and garbage give null', () => {
    expect(parseDmsetupCryptTable(`0 2048 crypt aes-cbc-essiv:sha256 ${'ab'.repeat(32)} 0 8:2 0`)).toMatchObject({ keyBits: 256, device: '8:2' });
    expect(parseDmsetupCryptTable('0 204800 linear 8:3 2048')).toBeNull();
    expect(parseDmsetupCryptTable('0 61440 integrity 7:0 0 32 J 1 journal_sectors:1024')).toBeNull();
    expect(parseDmsetupCryptTable('')).toBeNull();
  });
});
