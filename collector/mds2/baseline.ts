// What a manufacturer's MDS2 answers mean for our checks (our reading of HN 1-2019; the question IDs are
// the form's, the table in /work/shared/standards/REFERENCE.md §5 lists the correspondences):
//  - capability: a "Yes" declares the device can do it, so the check is expected to pass; a fail is a
//    mismatch between declared and observed. A "No" or "N/A" makes the check not applicable to devices
//    of that model, and where the missing capability is a protection (encryption, anti-malware,
//    patching, firewall, disabled ports) the device must be segregated instead.
//  - absence (RMOT-1): a "No" declares there is no remote service path; an enabled remote-access
//    service observed on the device is a mismatch.
// "See Note" answers set no expectation; they are listed with the baseline.
export interface Mds2Rule {
  question: string;
  checkId: string;
  /** What a "Yes" declares. */
  declares: string;
  kind: 'capability' | 'absence';
  /** A declared No / N/A requires segregation of the device's network instead. */
  requiresSegregation: boolean;
}

export const MDS2_RULES: readonly Mds2Rule[] = [
  { question: 'STCF-1', checkId: 'disk_encryption', declares: 'encrypts data at rest', kind: 'capability', requiresSegregation: true },
  { question: 'MLDP-2', checkId: 'antivirus_edr', declares: 'supports anti-malware software', kind: 'capability', requiresSegregation: true },
  { question: 'CSUP-2', checkId: 'patch_level', declares: 'has an operating system that receives security updates', kind: 'capability', requiresSegregation: true },
  { question: 'NAUT-2', checkId: 'firewall', declares: 'supports network access control (a host firewall or an allowlist)', kind: 'capability', requiresSegregation: true },
  { question: 'SAHD-8', checkId: 'listening_services', declares: 'has the ports and protocols it does not need disabled', kind: 'capability', requiresSegregation: true },
  { question: 'SAHD-3', checkId: 'secure_boot', declares: 'verifies the integrity of its software', kind: 'capability', requiresSegregation: false },
  { question: 'ALOF-1', checkId: 'screen_lock', declares: 'locks or logs off an inactive session', kind: 'capability', requiresSegregation: false },
  { question: 'AUDT-1', checkId: 'audit_logging', declares: 'creates audit logs', kind: 'capability', requiresSegregation: false },
  { question: 'RMOT-1', checkId: 'remote_access', declares: 'permits remote service connections', kind: 'absence', requiresSegregation: false },
];

/** The check that evidences segregation of a device: its own firewall denying inbound by default. */
export const SEGREGATION_CHECK = 'firewall';
