// Disk encryption on macOS = FileVault on the startup disk's Data volume, where every user file lives
// (the System volume is sealed, read-only and signed, and holds no user data). `diskutil apfs list
// -plist` says which volume that is and whether FileVault protects it; `fdesetup status` says whether a
// conversion is running and how far it got. On Apple silicon and T2 Macs every internal volume is
// hardware-encrypted even without FileVault, but then the key is not tied to a password and anyone who
// can boot the Mac can read it, so only FileVault counts as encrypted at rest. Swap lives on the VM
// volume and is always encrypted by macOS (secure virtual memory cannot be turned off since 10.8), so it
// is not reported as a separate volume.
import type { DiskEncryptionFacts } from '../../../protocol/checks/disk-encryption.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe, parsePlist } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseApfsList, startupLayout, type ApfsVolume } from './parse-diskutil-apfs.js';
import { parseFdesetupStatus, type FdeStatus } from './parse-fdesetup.js';

export const FDESETUP_ARGV = ['fdesetup', 'status'];
export const DISKUTIL_APFS_ARGV = ['diskutil', 'apfs', 'list', '-plist'];

type Volume = DiskEncryptionFacts['volumes'][number];
const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

function rootVolume(mount: string, device: string, fv: boolean | null, fde: FdeStatus | null, fdeWhy: string, locked: boolean | null): Volume {
  const v: Volume = { mount, role: 'root', device, chain: [], encrypted: null, scheme: 'FileVault', conversion: null, percentEncrypted: null };
  if (locked !== null) v.locked = locked;
  if (fde?.conversion) {
    // Data is only partly protected until the conversion ends; decryption means it is being turned off.
    v.encrypted = false;
    v.conversion = fde.paused ? 'paused' : fde.conversion;
    v.percentEncrypted = fde.percent === null ? null : fde.conversion === 'encrypting' ? fde.percent : 100 - fde.percent;
    if (fde.paused) v.reason = `${fde.conversion === 'encrypting' ? 'encryption' : 'decryption'} paused at ${fde.percent ?? '?'}%`;
    return v;
  }
  const fdeOn = fde ? fde.state === 'on' : null;
  if (fv !== null && fdeOn !== null && fv !== fdeOn) {
    v.reason = `diskutil reports FileVault ${fv ? 'on' : 'off'} for ${device} but fdesetup reports it ${fdeOn ? 'on' : 'off'}`;
    return v;
  }
  const on = fv ?? fdeOn;
  if (on === null) {
    v.reason = clip(`FileVault state unknown: ${fdeWhy}`, 1024);
    return v;
  }
  v.encrypted = on;
  v.conversion = on ? 'encrypted' : 'decrypted';
  v.percentEncrypted = on ? 100 : 0;
  if (!on && fde?.pending) v.reason = clip(`FileVault is not on yet: ${fde.pending}`, 1024);
  return v;
}

function dataVolume(v: ApfsVolume): Volume {
  const out: Volume = { mount: v.name ? `${v.name} (${v.device})` : v.device, role: 'data', device: v.device, chain: [], encrypted: v.converting ? false : v.fileVault, scheme: 'FileVault' };
  if (v.locked !== null) out.locked = v.locked;
  if (v.converting) out.conversion = 'encrypting';
  if (v.fileVault === null) out.reason = 'diskutil did not report FileVault for this volume';
  return out;
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const f = await p.run(FDESETUP_ARGV);
  const fde = ran(f) || f.exitCode === 2 ? parseFdesetupStatus(`${f.stdout}\n${f.stderr}`) : null; // exit 2: FileVault busy
  const fdeWhy = fde ? '' : ran(f) ? 'fdesetup status printed no FileVault state' : whyFailed(f);
  const d = await p.run(DISKUTIL_APFS_ARGV);
  const containers = ran(d) ? parseApfsList(parsePlist(d.stdout)) : null;
  const layout = containers ? startupLayout(containers) : null;

  if (!layout) {
    const why = containers ? 'the startup volume could not be identified in diskutil apfs list' : ran(d) ? 'diskutil apfs list -plist output could not be read' : whyFailed(d);
    if (!fde) return { facts: null, reason: clip(`${fdeWhy}; ${why}`, 1024), evidence: p.evidence };
    // fdesetup alone speaks for the startup volume.
    const v = rootVolume('/', 'startup volume', null, fde, fdeWhy, null);
    return { facts: { volumes: [v] } satisfies DiskEncryptionFacts, evidence: p.evidence };
  }
  const root = rootVolume(layout.rootMount, layout.root.device, layout.root.converting ? null : layout.root.fileVault, fde, fdeWhy, layout.root.locked);
  const facts: DiskEncryptionFacts = { volumes: [root, ...layout.others.map(dataVolume)].slice(0, 256) };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<DiskEncryptionFacts> = { id: 'disk_encryption', collect };
export default check;
