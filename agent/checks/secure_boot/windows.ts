// Secure Boot on Windows, one PowerShell process (see parse-win-secure-boot.ts for how each answer reads).
import type { SecureBootFacts } from '../../../protocol/checks/secure-boot.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { parsePsJson, psCommand, psProbes, psReg, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseSecureBootProbes } from './parse-win-secure-boot.js';

export const SECURE_BOOT_LABEL = 'Confirm-SecureBootUEFI, SetupMode, firmware_type, SecureBoot\\State registry';
export const SECURE_BOOT_ARGV = psCommand(
  psProbes({
    sb: 'Confirm-SecureBootUEFI',
    setup: '(Get-SecureBootUEFI -Name SetupMode).Bytes',
    fw: '$env:firmware_type',
    reg: psReg(String.raw`HKLM:\SYSTEM\CurrentControlSet\Control\SecureBoot\State`, ['UEFISecureBootEnabled']),
  }),
);

async function collect(deps: CollectDeps): Promise<Collected<SecureBootFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(SECURE_BOOT_ARGV[0]!, SECURE_BOOT_ARGV.slice(1));
  evidence.push(winEvidence(ps, SECURE_BOOT_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  const facts = parseSecureBootProbes(out);
  if (!facts) return { facts: null, reason: winWhyFailed(ps, `powershell.exe: ${SECURE_BOOT_LABEL}`), evidence };
  return { facts, evidence };
}

const check: PlatformCheck<SecureBootFacts> = { id: 'secure_boot', collect };
export default check;
