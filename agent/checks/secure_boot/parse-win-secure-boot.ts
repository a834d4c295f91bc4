// Secure Boot on Windows from our script's probes: Confirm-SecureBootUEFI (True / False, or an error),
// Get-SecureBootUEFI SetupMode, $env:firmware_type ("UEFI" / "Legacy") and the registry value
// HKLM\SYSTEM\CurrentControlSet\Control\SecureBoot\State UEFISecureBootEnabled. Pure; never throws.
//
// Confirm-SecureBootUEFI errors and what they mean:
// - "Cmdlet not supported on this platform: 0xC0000002": legacy BIOS boot, or firmware without Secure Boot;
// - "Variable is currently undefined: 0xC0000100": UEFI without the SecureBoot variable (disabled on some
//   firmware, MicrosoftDocs/windows-powershell-docs#4034);
// - access denied ("Unable to set proper privileges. Access was denied.", 0xC0000022): not elevated; the
//   registry value, readable by anyone, answers instead.
import type { SecureBootFacts } from '../../../protocol/checks/secure-boot.js';
import { asArray, bool, clip, num, probe, probeDenied, rec, str } from '../windows-common.js';

function firmwareType(v: unknown): 'uefi' | 'bios' | null {
  const s = (str(v) ?? '').trim().toLowerCase();
  if (s === 'uefi') return 'uefi';
  if (s === 'legacy' || s === 'bios') return 'bios';
  return null;
}

export function parseSecureBootProbes(out: unknown): SecureBootFacts | null {
  if (rec(out) === null) return null;
  const sb = probe(out, 'sb');
  const fwProbe = probe(out, 'fw');
  const fw = fwProbe.ok ? firmwareType(fwProbe.value) : null;
  const reg = probe(out, 'reg');
  const regEnabled = reg.ok ? num(rec(reg.value)?.UEFISecureBootEnabled) : null;
  const setup = probe(out, 'setup');
  const setupByte = setup.ok ? num(asArray(setup.value)[0]) : null;
  const setupMode = setupByte === 1 ? true : setupByte === 0 ? false : null;

  const facts = (firmware: string | null, enabled: boolean | null, detail: string): SecureBootFacts => {
    const f: SecureBootFacts = { firmware, enabled, detail: clip(detail, 1024) };
    if (setupMode !== null) f.setupMode = setupMode;
    return f;
  };

  if (sb.ok) {
    const v = bool(sb.value);
    if (v !== null) return facts('uefi', v, `Confirm-SecureBootUEFI: ${v ? 'True' : 'False'}`);
  } else {
    const text = `${sb.failure.error} ${sb.failure.id}`;
    if (/0xC0000002|not supported on this platform|PlatformNotSupported/i.test(text)) {
      return fw === 'uefi'
        ? facts('uefi', false, 'UEFI firmware without Secure Boot support (Confirm-SecureBootUEFI: not supported on this platform)')
        : facts('bios', false, 'legacy BIOS boot (Confirm-SecureBootUEFI: not supported on this platform)');
    }
    if (/0xC0000100|currently undefined/i.test(text)) return facts(fw ?? 'uefi', false, 'the SecureBoot UEFI variable is not defined: Secure Boot is off');
  }
  const why = sb.ok ? 'Confirm-SecureBootUEFI gave no True/False' : probeDenied(sb.failure) ? 'Confirm-SecureBootUEFI needs administrator' : `Confirm-SecureBootUEFI failed: ${sb.failure.error.trim().slice(0, 200)}`;
  // The registry value is written at boot from the same UEFI variable.
  if (regEnabled === 1 || regEnabled === 0) return facts(fw ?? 'uefi', regEnabled === 1, `${why}; UEFISecureBootEnabled=${regEnabled} in the registry`);
  if (fw === 'bios') return facts('bios', false, `${why}; firmware_type Legacy`);
  return facts(fw, null, why);
}
