// The disk-encryption collector on this machine with real commands and files (needs root, util-linux,
// e2fsprogs, cryptsetup-bin). Loop devices stand in for disks; every set-up is undone in afterEach.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import check from '../../../../agent/checks/disk_encryption/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner, type CommandRunner } from '../../../../agent/runner.js';
import type { DiskEncryptionFacts } from '../../../../protocol/checks/disk-encryption.js';
import type { FileReader } from '../../../../agent/checks/types.js';
import { schemaErrors, sh, verdictOf } from '../fakes.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

/** A file-backed loop device of 32 MiB in a directory on the root filesystem (/var/tmp). */
function loopDevice(): { dev: string; image: string } {
  const dir = mkdtempSync('/var/tmp/vigil-disk-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const image = join(dir, 'disk.img');
  sh('truncate', ['-s', '32M', image]);
  const dev = sh('losetup', ['-f', '--show', image]).trim();
  cleanups.push(() => sh('losetup', ['-d', dev]));
  return { dev, image };
}

async function collect(run: CommandRunner = createRunner(), files: FileReader = nodeFiles) {
  const c = await check.collect({ run, files, now: () => Date.now() });
  return { c, facts: c.facts as DiskEncryptionFacts };
}

describe('disk_encryption collect on this machine (real commands)', () => {
  it('reports / on the device findmnt names, follows the facts in its verdict, and never claims a crypt layer lsblk does not have', async () => {
    const { c, facts } = await collect();
    expect(schemaErrors('disk_encryption', facts)).toEqual([]);
    const root = facts.volumes.find((v) => v.role === 'root')!;
    // findmnt prints btrfs subvolumes as "/dev/sda2[/@]".
    expect(root.device).toBe(sh('findmnt', ['-n', '-o', 'SOURCE', '/']).trim().replace(/\[.*\]$/, ''));
    expect(root.chain[0]).toBe(root.device);
    const types = sh('lsblk', ['-n', '-r', '-o', 'TYPE']).split('\n');
    if (!types.includes('crypt')) expect(facts.volumes.every((v) => v.encrypted !== true)).toBe(true);
    const status = verdictOf('disk_encryption', c).status;
    expect(status === 'fail').toBe(facts.volumes.some((v) => v.encrypted === false));
    expect(status === 'pass').toBe(facts.volumes.every((v) => v.encrypted === true));
  });

  it('a loop-mounted ext4 data volume is judged by the filesystem its image file lives on', async () => {
    const { dev, image } = loopDevice();
    sh('mkfs.ext4', ['-q', dev]);
    const mnt = mkdtempSync(join(tmpdir(), 'vigil-mnt-'));
    sh('mount', [dev, mnt]);
    cleanups.push(() => rmSync(mnt, { recursive: true, force: true }));
    cleanups.push(() => sh('umount', [mnt]));
    expect(sh('findmnt', ['-n', '-o', 'TARGET', '--target', image]).trim()).toBe('/');

    const { facts } = await collect();
    const root = facts.volumes.find((v) => v.role === 'root')!;
    const data = facts.volumes.find((v) => v.mount === mnt)!;
    expect(data).toMatchObject({ role: 'data', device: dev, chain: [dev] });
    expect(data.encrypted).toBe(root.encrypted);
    if (data.encrypted === false) expect(data.reason).toContain(`backed by ${image}`);
  });

  // This kernel has no device-mapper, so a LUKS volume cannot be opened. The mapping lsblk would list over
  // the loop device is therefore added to lsblk's real output and mounted in a copy of the real mountinfo;
  // the LUKS2 header, blkid reading it and cryptsetup failing on the mapping are all real.
  async function collectWithMapping(dev: string, type: 'dm' | 'crypt') {
    const real = createRunner();
    const mapping = '/dev/mapper/vigil-test';
    const run: CommandRunner = async (file, args, opts) => {
      const r = await real(file, args, opts);
      if (file !== 'lsblk' || !args.includes('-J')) return r;
      const doc = JSON.parse(r.stdout) as { blockdevices: Array<Record<string, unknown>> };
      const loop = doc.blockdevices.find((d) => d.name === dev)!;
      loop.children = [{ name: mapping, kname: '/dev/dm-99', type, fstype: null, mountpoint: '/srv/vigil-test', pkname: dev, 'maj:min': '252:99' }];
      return { ...r, stdout: JSON.stringify(doc) };
    };
    const files: FileReader = {
      ...nodeFiles,
      async readText(path, max) {
        const text = await nodeFiles.readText(path, max);
        return path === '/proc/self/mountinfo' && text ? `${text}900 26 252:99 / /srv/vigil-test rw,relatime - ext4 ${mapping} rw\n` : text;
      },
    };
    const out = await collect(run, files);
    return { ...out, vol: out.facts.volumes.find((v) => v.mount === '/srv/vigil-test')! };
  }

  it('recognises a real LUKS2 header under an untyped device-mapper device through blkid', async () => {
    const { dev } = loopDevice();
    sh('cryptsetup', ['luksFormat', '--type', 'luks2', '-q', '--key-file', '-', '--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000', dev], 'vigil-test-passphrase');
    const { c, vol } = await collectWithMapping(dev, 'dm');
    expect(vol).toMatchObject({ role: 'data', device: '/dev/mapper/vigil-test', chain: ['/dev/mapper/vigil-test', dev], encrypted: true, scheme: 'LUKS2' });
    expect(c.evidence.find((e) => e.source === `blkid -p -o export ${dev}`)?.exitCode).toBe(0);
  });

  it('names the scheme of a crypt mapping from the LUKS header when cryptsetup cannot query it', async () => {
    const { dev } = loopDevice();
    sh('cryptsetup', ['luksFormat', '--type', 'luks2', '-q', '--key-file', '-', '--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000', dev], 'vigil-test-passphrase');
    const { c, vol } = await collectWithMapping(dev, 'crypt');
    expect(vol).toMatchObject({ encrypted: true, scheme: 'LUKS2' });
    expect(vol.cipher).toBeUndefined();
    expect(c.evidence.find((e) => e.source === 'cryptsetup status /dev/mapper/vigil-test')?.exitCode).not.toBe(0);
  });

  it('the same untyped mapping over a device without a LUKS header is not encrypted', async () => {
    const { dev } = loopDevice();
    const { c, facts, vol } = await collectWithMapping(dev, 'dm');
    const root = facts.volumes.find((v) => v.role === 'root')!;
    expect(c.evidence.find((e) => e.source === `blkid -p -o export ${dev}`)?.exitCode).toBe(2);
    expect(vol.encrypted).toBe(root.encrypted);
    expect(vol.encrypted).not.toBe(true);
  });
});
