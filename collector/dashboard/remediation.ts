// What to do when a check does not pass: one short hint per check, shown beside the reason.
export const REMEDIATION: Readonly<Record<string, string>> = {
  disk_encryption: 'Encrypt the system volume (BitLocker, FileVault or LUKS) and make sure protection is not suspended; escrow the recovery key.',
  patch_level: 'Install pending security updates and reboot if required; check that the update service can reach its source.',
  firewall: 'Enable the host firewall on every profile with inbound traffic denied by default.',
  mdm_enrollment: 'Enrol the device in the approved management service (Intune, Jamf or the allowed provider).',
  antivirus_edr: 'Install or re-enable the approved antivirus/EDR agent and update its definitions.',
  screen_lock: 'Set the idle screen lock to the policy limit with a password required on wake.',
  os_eol: 'Plan an upgrade to a supported OS release; until then record a waiver with compensating controls.',
  time_sync: 'Enable NTP (or the domain time service) and check the device reaches its time source.',
  audit_logging: 'Enable the system audit service and make sure logs are kept and forwarded.',
  local_admins: 'Remove accounts from the local administrators group that the policy does not allow.',
  usb_storage: 'Block USB mass storage (device control policy, or modprobe blacklist on Linux).',
  remote_access: 'Disable password and root logins over SSH/RDP, or restrict remote access to the management network.',
  secure_boot: 'Turn on Secure Boot in the firmware settings.',
};

export function remediationFor(checkId: string): string {
  return REMEDIATION[checkId] ?? 'See the check documentation for the expected configuration.';
}
