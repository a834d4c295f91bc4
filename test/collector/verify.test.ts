// `vigil verify FILE`, as an auditor runs it (the compiled command, standalone): an untouched export
// verifies; one altered byte anywhere, a removed, added or swapped file, a re-signed manifest or a
// foreign key each make it fail, naming the file and the device.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { appendFile, copyFile, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pae } from '../../protocol/dsse.js';
import { ARCHIVE_PATHS, MANIFEST_PAYLOAD_TYPE, envelopePath, type Manifest } from '../../protocol/evidence-archive.js';
import { publicKeyDigest } from '../../protocol/keys.js';
import { tempDir } from '../helpers/collector.js';
import { auditFixture, extract, repack, type AuditFixture } from '../helpers/export.js';
import { VERIFY_CLI, cli } from '../helpers/processes.js';


let fx: AuditFixture;
let dir: { path: string; cleanup(): Promise<void> };
let archive: string;
let files: string[];
let n = 0;

beforeAll(async () => {
  fx = await auditFixture();
  dir = await tempDir('vigil-verify-');
  archive = join(dir.path, 'audit.tar.gz');
  await fx.exportTo(archive, 'period');
  files = await extract(archive, join(dir.path, 'original'));
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await dir?.cleanup();
});

/** A copy of the export with an alteration applied to its extracted files, re-packed. */
async function altered(change: (root: string) => Promise<void>, list: (names: string[]) => string[] = (x) => x): Promise<string> {
  const root = join(dir.path, `t${++n}`);
  await extract(archive, root);
  await change(root);
  const out = join(dir.path, `t${n}.tar.gz`);
  const present = await walk(root);
  await repack(root, out, list(files.filter((f) => present.includes(f)).concat(present.filter((f) => !files.includes(f)))));
  return out;
}

async function walk(root: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, sub), { withFileTypes: true })) {
    const p = join(sub, e.name);
    if (e.isDirectory()) out.push(...(await walk(root, p)));
    else out.push(relative(root, join(root, p)));
  }
  return out;
}

async function flipByte(file: string, at: (size: number) => number): Promise<void> {
  const b = await readFile(file);
  const i = at(b.length);
  b[i] = b[i]! ^ 0x01;
  await writeFile(file, b);
}

const verify = (file: string, ...extra: string[]) => cli(VERIFY_CLI, ['verify', file, ...extra]);

describe('vigil verify', () => {
  it('verifies an untouched export: prints a row per device and exits 0', async () => {
    const r = await verify(archive);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^DEVICE\s+HOSTNAME\s+ENVELOPES\s+SEQUENCES\s+SIGNATURES\s+CHAIN/);
    expect(r.stdout).toMatch(new RegExp(`${fx.devices.flaky.id}\\s+test-host\\s+6\\s+1-6\\s+ok\\s+ok`));
    expect(r.stdout).toMatch(/VERIFIED: 4 device\(s\), 12 envelope\(s\)/);
    expect(r.stdout).toContain(`manifest signing key sha256:`);
  });

  it('checks the signing key against the fingerprint the auditor was given', async () => {
    const manifest = JSON.parse(readFileSync(join(dir.path, 'original', ARCHIVE_PATHS.manifest), 'utf8')) as Manifest;
    expect((await verify(archive, '--key', `sha256:${manifest.signingKey.sha256}`)).code).toBe(0);
    const other = await verify(archive, '--key', `sha256:${'ab'.repeat(32)}`);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/FAIL E_MANIFEST_SIGNATURE export-signing-key\.pem: the manifest is signed by key sha256:[0-9a-f]{64}, not by the expected/);
  });

  it('reports a JSON summary with --json', async () => {
    const r = await verify(archive, '--json');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, envelopeSelection: 'period', envelopes: 12, problems: [] });
    expect(report.devices).toHaveLength(4);
  });

  it('fails on one flipped byte in an envelope, naming the file and the device', async () => {
    const path = envelopePath(fx.devices.flaky.id, 3);
    const out = await altered((root) => flipByte(join(root, path), (size) => Math.floor(size / 2)));
    const r = await verify(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL E_FILE_MISMATCH ${path} [device ${fx.devices.flaky.id}]: sha256`);
    expect(r.stdout).toMatch(new RegExp(`FAIL E_(BAD_SIGNATURE|BAD_ENVELOPE|BAD_STATEMENT) ${path} \\[device ${fx.devices.flaky.id}\\]`));
    expect(r.stdout).toMatch(new RegExp(`${fx.devices.flaky.id}\\s+test-host\\s+\\d+\\s+1-6\\s+bad\\s+broken`));
    expect(r.stdout).toMatch(/NOT VERIFIED/);
  });

  it.each([
    ['the CSV', ARCHIVE_PATHS.csv],
    ['the HTML report', ARCHIVE_PATHS.html],
    ['the OSCAL results', ARCHIVE_PATHS.oscal],
    ['a device record', 'devices/'],
    ['a manual evidence file', 'manual-evidence/'],
  ])('fails on one flipped byte in %s, naming the file', async (_what, prefix) => {
    const path = files.find((f) => f.startsWith(prefix))!;
    const out = await altered((root) => flipByte(join(root, path), (size) => size - 2));
    const r = await verify(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`FAIL E_FILE_MISMATCH ${path.replace(/[.]/g, '\\.')}( \\[device dev_[0-9a-f]{32}\\])?: sha256`));
  });

  it('fails when the manifest is altered, even with its hashes made consistent', async () => {
    const edited = await altered(async (root) => {
      const file = join(root, ARCHIVE_PATHS.manifest);
      await writeFile(file, (await readFile(file, 'utf8')).replace('"size":', '"size": '));
    });
    const r = await verify(edited);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL E_MANIFEST_SIGNATURE manifest.json: differs from the signed payload in manifest.dsse.json');

    // Change a report, then fix its hash in the manifest and the DSSE payload: the signature no longer verifies.
    const rehashed = await altered(async (root) => {
      const csv = join(root, ARCHIVE_PATHS.csv);
      await appendFile(csv, 'dev_forged,forged\r\n');
      const bytes = await readFile(csv);
      const mfile = join(root, ARCHIVE_PATHS.manifest);
      const manifest = JSON.parse(await readFile(mfile, 'utf8')) as Manifest;
      const entry = manifest.files.find((f) => f.path === ARCHIVE_PATHS.csv)!;
      entry.size = bytes.length;
      entry.sha256 = createHash('sha256').update(bytes).digest('hex');
      const text = JSON.stringify(manifest);
      await writeFile(mfile, text);
      const dfile = join(root, ARCHIVE_PATHS.manifestDsse);
      const dsse = JSON.parse(await readFile(dfile, 'utf8'));
      dsse.payload = Buffer.from(text).toString('base64');
      await writeFile(dfile, JSON.stringify(dsse));
    });
    const r2 = await verify(rehashed);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/FAIL E_MANIFEST_SIGNATURE manifest\.dsse\.json: signature does not verify/);
  });

  it('fails on a flipped byte in the manifest signature', async () => {
    const out = await altered(async (root) => {
      const file = join(root, ARCHIVE_PATHS.manifestDsse);
      const dsse = JSON.parse(await readFile(file, 'utf8'));
      const sig = Buffer.from(dsse.signatures[0].sig, 'base64');
      sig[sig.length - 3] = sig[sig.length - 3]! ^ 0x01;
      dsse.signatures[0].sig = sig.toString('base64');
      await writeFile(file, JSON.stringify(dsse));
    });
    const r = await verify(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL E_MANIFEST_SIGNATURE manifest\.dsse\.json/);
  });

  it('a manifest re-signed with another key verifies only as that key: --key catches it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const out = await altered(async (root) => {
      const csv = join(root, ARCHIVE_PATHS.csv);
      await appendFile(csv, 'dev_forged,forged\r\n');
      const bytes = await readFile(csv);
      const mfile = join(root, ARCHIVE_PATHS.manifest);
      const manifest = JSON.parse(await readFile(mfile, 'utf8')) as Manifest;
      Object.assign(manifest.files.find((f) => f.path === ARCHIVE_PATHS.csv)!, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      manifest.signingKey.sha256 = publicKeyDigest(publicKey);
      const text = Buffer.from(JSON.stringify(manifest));
      await writeFile(mfile, text);
      const sig = sign('sha256', pae(MANIFEST_PAYLOAD_TYPE, text), privateKey).toString('base64');
      await writeFile(join(root, ARCHIVE_PATHS.manifestDsse), JSON.stringify({ payloadType: MANIFEST_PAYLOAD_TYPE, payload: text.toString('base64'), signatures: [{ sig }] }));
      await writeFile(join(root, ARCHIVE_PATHS.signingKey), publicKey.export({ type: 'spki', format: 'pem' }));
    });
    const original = JSON.parse(readFileSync(join(dir.path, 'original', ARCHIVE_PATHS.manifest), 'utf8')) as Manifest;
    const r = await verify(out, '--key', `sha256:${original.signingKey.sha256}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`not by the expected sha256:${original.signingKey.sha256}`);
    // Without the pinned fingerprint the forgery is self-consistent: the fingerprint printed is the forger's.
    const unpinned = await verify(out);
    expect(unpinned.stdout).toContain(`manifest signing key sha256:${publicKeyDigest(publicKey)}`);
  });

  it('fails when a file is removed, naming it and its device', async () => {
    const path = envelopePath(fx.devices.steady.id, 3);
    const out = await altered((root) => rm(join(root, path)));
    const r = await verify(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL E_FILE_MISSING ${path} [device ${fx.devices.steady.id}]: listed in the manifest but not in the archive`);
    expect(r.stdout).toContain(`FAIL E_SEQ_GAP ${path} [device ${fx.devices.steady.id}]`);
  });

  it('fails when a file is added', async () => {
    const out = await altered((root) => writeFile(join(root, 'csv', 'extra.csv'), 'device_id\r\n'));
    const r = await verify(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL E_FILE_UNLISTED csv/extra.csv: in the archive but not in the manifest');
  });

  it('fails when two envelopes are swapped', async () => {
    const { flaky } = fx.devices;
    const a = envelopePath(flaky.id, 2);
    const b = envelopePath(flaky.id, 4);
    const out = await altered(async (root) => {
      await rename(join(root, a), join(root, `${a}.tmp`));
      await rename(join(root, b), join(root, a));
      await rename(join(root, `${a}.tmp`), join(root, b));
    });
    const r = await verify(out);
    expect(r.code).toBe(1);
    for (const p of [a, b]) expect(r.stdout).toContain(`FAIL E_FILE_MISMATCH ${p} [device ${flaky.id}]`);
    expect(r.stdout).toContain(`FAIL E_SEQ_MISMATCH ${a} [device ${flaky.id}]: statement says sequence 4, the file name 2`);
  });

  it('a device key that does not match its digest fails every envelope of that device', async () => {
    const { hostile } = fx.devices;
    const out = await altered(async (root) => {
      const file = join(root, 'devices', `${hostile.id}.json`);
      const record = JSON.parse(await readFile(file, 'utf8'));
      record.publicKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' });
      await writeFile(file, JSON.stringify(record));
    });
    const r = await verify(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL E_DEVICE_KEY devices/${hostile.id}.json [device ${hostile.id}]: public key hashes to`);
  });

  it('a truncated archive, or not an archive at all, fails as unreadable', async () => {
    const bytes = await readFile(archive);
    const cut = join(dir.path, 'cut.tar.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await verify(cut);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL E_ARCHIVE/);
    const junk = join(dir.path, 'junk.tar.gz');
    await copyFile(join(dir.path, 'original', ARCHIVE_PATHS.csv), junk);
    expect((await verify(junk)).code).toBe(1);
    expect((await verify(join(dir.path, 'nope.tar.gz'))).stdout).toMatch(/FAIL E_ARCHIVE/);
  });
});

describe('vigil verify is standalone', () => {
  it('imports only protocol/, node built-ins and tar: no collector code, database or network', async () => {
    const root = fileURLToPath(new URL('../../collector/', import.meta.url));
    const sources = ['verify-cli.ts', 'verify/verify.ts', 'verify/archive.ts'];
    for (const s of sources) {
      const text = await readFile(join(root, s), 'utf8');
      const imports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
      for (const i of imports) {
        const ok = i.startsWith('node:') || i === 'tar' || i === 'commander' || i.startsWith('../protocol/') || i.startsWith('../../protocol/') || i.startsWith('./verify/') || (s.startsWith('verify/') && i.startsWith('./'));
        expect(ok, `${s} imports ${i}`).toBe(true);
      }
      expect(text).not.toMatch(/node:(net|http|https|dgram|tls)|sqlite/);
    }
  });
});
