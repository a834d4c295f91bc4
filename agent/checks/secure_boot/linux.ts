// Secure Boot on Linux. /sys/firmware/efi exists only when the kernel was booted through UEFI; without it
// the machine booted legacy BIOS (or, on a VM, the hypervisor loaded the kernel directly), where Secure
// Boot cannot exist. On UEFI, `mokutil --sb-state` reports the firmware's SecureBoot variable; without
// mokutil the variable is read from efivarfs directly (see parse-secureboot.ts). Needs no root.
// Caveat: on non-x86 boards that boot through U-Boot or a vendor loader without EFI, "no UEFI" does not
// mean legacy BIOS; the state is reported unknown there.
import type { SecureBootFacts } from '../../../protocol/checks/secure-boot.js';
import { clip, Probe, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { efiVarByte, parseMokutilSbState } from './parse-secureboot.js';

const GLOBAL = '8be4df61-93ca-11d2-aa0d-00e098032b8c';

async function collect(deps: CollectDeps): Promise<Collected<SecureBootFacts>> {
  const p = new Probe(deps);
  const [uefi, arch] = await Promise.all([p.exists('/sys/firmware/efi'), p.read('/proc/sys/kernel/arch', 64)]);
  p.evidence.push({ source: 'exists /sys/firmware/efi', ...(uefi ? {} : { error: 'not present' }) });
  if (!uefi) {
    // /proc/sys/kernel/arch is recent (Linux 6.1); uname -m says the same on older kernels.
    let a = arch?.trim() ?? '';
    if (!a) {
      const u = await p.run('uname', ['-m']);
      a = succeeded(u) ? u.stdout.trim() : '';
    }
    if (/^(x86_64|i[3-6]86)$/.test(a)) {
      return { facts: { firmware: 'bios', enabled: false, detail: 'no UEFI firmware interface (/sys/firmware/efi absent): legacy BIOS or direct kernel boot, where Secure Boot is not available' }, evidence: p.evidence };
    }
    return { facts: { firmware: null, enabled: null, detail: clip(`no UEFI firmware interface on ${a || 'an unknown architecture'}: the boot loader's own verification (if any) cannot be read`, 1024) }, evidence: p.evidence };
  }

  const details: string[] = [];
  if (await p.firstExisting(['/usr/bin/mokutil', '/bin/mokutil', '/usr/sbin/mokutil'])) {
    const r = await p.run('mokutil', ['--sb-state']);
    // mokutil exits non-zero when Secure Boot is disabled on some versions; the text is what counts.
    const s = !r.failure ? parseMokutilSbState(`${r.stdout}\n${r.stderr}`) : null;
    if (s && !s.noEfi && s.enabled !== null) {
      if (s.shimValidationDisabled) details.push('shim validation is disabled (mokutil --disable-validation)');
      return {
        facts: { firmware: 'uefi', enabled: s.enabled && !s.shimValidationDisabled, setupMode: s.setupMode, detail: clip(['from mokutil --sb-state', ...details].join('; '), 1024) },
        evidence: p.evidence,
      };
    }
    details.push(s?.noEfi ? 'mokutil sees no EFI variables (efivarfs not mounted?)' : `mokutil gave no state: ${whyFailed(r)}`);
  }

  const [sb, setup] = await Promise.all([p.read(`/sys/firmware/efi/efivars/SecureBoot-${GLOBAL}`, 64), p.read(`/sys/firmware/efi/efivars/SetupMode-${GLOBAL}`, 64)]);
  const sbValue = sb === null ? null : efiVarByte(sb);
  const setupValue = setup === null ? null : efiVarByte(setup);
  if (sbValue === null) {
    details.push(sb === null ? 'the SecureBoot EFI variable could not be read (efivarfs not mounted, or firmware without Secure Boot support)' : 'the SecureBoot EFI variable has an unexpected format');
    return { facts: { firmware: 'uefi', enabled: null, setupMode: setupValue === null ? null : setupValue === 1, detail: clip(details.join('; '), 1024) }, evidence: p.evidence };
  }
  details.push('from the SecureBoot EFI variable');
  return { facts: { firmware: 'uefi', enabled: sbValue === 1, setupMode: setupValue === null ? null : setupValue === 1, detail: clip(details.join('; '), 1024) }, evidence: p.evidence };
}

const check: PlatformCheck<SecureBootFacts> = { id: 'secure_boot', collect };
export default check;
