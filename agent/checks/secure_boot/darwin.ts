// Boot security on a Mac depends on the hardware generation:
// - Apple silicon: always boots through Secure Boot; the local policy is Full (only the current signed
//   macOS), Reduced (older or third-party-kext-loading macOS) or Permissive (any, unsigned kernels too).
//   `bputil -d` reads it and needs root.
// - Intel with a T2 chip: Secure Boot Full / Medium / None, from the T2 (system_profiler) or the
//   AppleSecureBootPolicy NVRAM variable it exposes. None means boot components are not verified.
// - Intel without T2 (before 2018): no secure boot at all, only a firmware password: enabled false.
// System Integrity Protection is reported as context: it is not boot verification, but turning it off
// on Apple silicon needs a lowered boot policy.
import type { SecureBootFacts } from '../../../protocol/checks/secure-boot.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe } from '../darwin-common.js';
import { clip, deniedByPermission, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseBputil, parseCpuBrand, parseCsrutil, parseIBridge, parseSecureBootNvram, type Policy } from './parse-secure-boot.js';

export const CPU_BRAND_ARGV = ['sysctl', '-n', 'machdep.cpu.brand_string'];
export const BPUTIL_ARGV = ['bputil', '-d'];
export const IBRIDGE_ARGV = ['system_profiler', 'SPiBridgeDataType', '-json'];
export const SECURE_BOOT_NVRAM_ARGV = ['nvram', '94b73556-2197-4702-82a8-3e1337dafbfb:AppleSecureBootPolicy'];
export const CSRUTIL_ARGV = ['csrutil', 'status'];

const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;
const label: Record<Policy, string> = { full: 'Full Security', reduced: 'Reduced/Medium Security', permissive: 'Permissive/No Security' };

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const c = await p.run(CSRUTIL_ARGV);
  const sip = ran(c) ? parseCsrutil(c.stdout) : null;
  const sipNote = `SIP ${sip ?? 'state unknown'}`;
  const b = await p.run(CPU_BRAND_ARGV);
  const cpu = ran(b) ? parseCpuBrand(b.stdout) : null;
  if (!cpu) return { facts: { firmware: null, enabled: null, detail: clip(`processor unknown: ${ran(b) ? 'unrecognised brand string' : whyFailed(b)}; ${sipNote}`, 1024) } satisfies SecureBootFacts, evidence: p.evidence };

  if (cpu === 'apple-silicon') {
    const r = await p.run(BPUTIL_ARGV);
    const policy = ran(r) ? parseBputil(r.stdout) : null;
    if (!policy) {
      const why = ran(r) ? 'bputil printed no security mode' : deniedByPermission(r) || /root|privilege/i.test(r.stderr) ? 'bputil -d needs root' : whyFailed(r);
      return { facts: { firmware: 'apple-silicon', enabled: null, policy: null, detail: clip(`boot policy unknown: ${why}; ${sipNote}`, 1024) } satisfies SecureBootFacts, evidence: p.evidence };
    }
    return { facts: { firmware: 'apple-silicon', enabled: true, policy, detail: `${label[policy]}; ${sipNote}` } satisfies SecureBootFacts, evidence: p.evidence };
  }

  const ib = await p.run(IBRIDGE_ARGV);
  const bridge = ran(ib) ? parseIBridge(ib.stdout) : null;
  if (!bridge) return { facts: { firmware: null, enabled: null, detail: clip(`T2 presence unknown: ${ran(ib) ? 'system_profiler output unreadable' : whyFailed(ib)}; ${sipNote}`, 1024) } satisfies SecureBootFacts, evidence: p.evidence };
  if (!bridge.t2) {
    return { facts: { firmware: 'apple-intel-legacy', enabled: false, policy: null, detail: `Intel Mac without a T2 chip: no secure boot (firmware password only); ${sipNote}` } satisfies SecureBootFacts, evidence: p.evidence };
  }
  let policy = bridge.policy;
  if (!policy) {
    const n = await p.run(SECURE_BOOT_NVRAM_ARGV);
    policy = ran(n) ? parseSecureBootNvram(n.stdout) : null;
  }
  if (!policy) return { facts: { firmware: 'apple-t2', enabled: null, policy: null, detail: `T2 Secure Boot setting could not be read; ${sipNote}` } satisfies SecureBootFacts, evidence: p.evidence };
  return {
    facts: { firmware: 'apple-t2', enabled: policy !== 'permissive', policy, detail: `${label[policy]}; ${sipNote}` } satisfies SecureBootFacts,
    evidence: p.evidence,
  };
}

const check: PlatformCheck<SecureBootFacts> = { id: 'secure_boot', collect };
export default check;
