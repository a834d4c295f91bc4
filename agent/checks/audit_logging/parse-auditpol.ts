// `auditpol /get /category:* /r`: the advanced audit policy as CSV. Column titles, subcategory names and
// the inclusion setting are translated, but every row carries the subcategory GUID, the same on every
// Windows: rows are keyed by GUID and reported under the English subcategory name. The inclusion
// setting ("Success and Failure", "Erfolg und Fehler", "Succès et échec", "Correcto y error", "Êxito e
// Falha") is read with a small keyword table; anything else stays null. Pure; never throws.

/** Subcategory GUID (upper case, no braces) → English name; the 60 auditpol prints on Windows Server 2022. */
export const AUDIT_SUBCATEGORIES: Record<string, string> = {
  '0CCE9210-69AE-11D9-BED3-505054503030': 'Security State Change',
  '0CCE9211-69AE-11D9-BED3-505054503030': 'Security System Extension',
  '0CCE9212-69AE-11D9-BED3-505054503030': 'System Integrity',
  '0CCE9213-69AE-11D9-BED3-505054503030': 'IPsec Driver',
  '0CCE9214-69AE-11D9-BED3-505054503030': 'Other System Events',
  '0CCE9215-69AE-11D9-BED3-505054503030': 'Logon',
  '0CCE9216-69AE-11D9-BED3-505054503030': 'Logoff',
  '0CCE9217-69AE-11D9-BED3-505054503030': 'Account Lockout',
  '0CCE9218-69AE-11D9-BED3-505054503030': 'IPsec Main Mode',
  '0CCE9219-69AE-11D9-BED3-505054503030': 'IPsec Quick Mode',
  '0CCE921A-69AE-11D9-BED3-505054503030': 'IPsec Extended Mode',
  '0CCE921B-69AE-11D9-BED3-505054503030': 'Special Logon',
  '0CCE921C-69AE-11D9-BED3-505054503030': 'Other Logon/Logoff Events',
  '0CCE921D-69AE-11D9-BED3-505054503030': 'File System',
  '0CCE921E-69AE-11D9-BED3-505054503030': 'Registry',
  '0CCE921F-69AE-11D9-BED3-505054503030': 'Kernel Object',
  '0CCE9220-69AE-11D9-BED3-505054503030': 'SAM',
  '0CCE9221-69AE-11D9-BED3-505054503030': 'Certification Services',
  '0CCE9222-69AE-11D9-BED3-505054503030': 'Application Generated',
  '0CCE9223-69AE-11D9-BED3-505054503030': 'Handle Manipulation',
  '0CCE9224-69AE-11D9-BED3-505054503030': 'File Share',
  '0CCE9225-69AE-11D9-BED3-505054503030': 'Filtering Platform Packet Drop',
  '0CCE9226-69AE-11D9-BED3-505054503030': 'Filtering Platform Connection',
  '0CCE9227-69AE-11D9-BED3-505054503030': 'Other Object Access Events',
  '0CCE9228-69AE-11D9-BED3-505054503030': 'Sensitive Privilege Use',
  '0CCE9229-69AE-11D9-BED3-505054503030': 'Non Sensitive Privilege Use',
  '0CCE922A-69AE-11D9-BED3-505054503030': 'Other Privilege Use Events',
  '0CCE922B-69AE-11D9-BED3-505054503030': 'Process Creation',
  '0CCE922C-69AE-11D9-BED3-505054503030': 'Process Termination',
  '0CCE922D-69AE-11D9-BED3-505054503030': 'DPAPI Activity',
  '0CCE922E-69AE-11D9-BED3-505054503030': 'RPC Events',
  '0CCE922F-69AE-11D9-BED3-505054503030': 'Audit Policy Change',
  '0CCE9230-69AE-11D9-BED3-505054503030': 'Authentication Policy Change',
  '0CCE9231-69AE-11D9-BED3-505054503030': 'Authorization Policy Change',
  '0CCE9232-69AE-11D9-BED3-505054503030': 'MPSSVC Rule-Level Policy Change',
  '0CCE9233-69AE-11D9-BED3-505054503030': 'Filtering Platform Policy Change',
  '0CCE9234-69AE-11D9-BED3-505054503030': 'Other Policy Change Events',
  '0CCE9235-69AE-11D9-BED3-505054503030': 'User Account Management',
  '0CCE9236-69AE-11D9-BED3-505054503030': 'Computer Account Management',
  '0CCE9237-69AE-11D9-BED3-505054503030': 'Security Group Management',
  '0CCE9238-69AE-11D9-BED3-505054503030': 'Distribution Group Management',
  '0CCE9239-69AE-11D9-BED3-505054503030': 'Application Group Management',
  '0CCE923A-69AE-11D9-BED3-505054503030': 'Other Account Management Events',
  '0CCE923B-69AE-11D9-BED3-505054503030': 'Directory Service Access',
  '0CCE923C-69AE-11D9-BED3-505054503030': 'Directory Service Changes',
  '0CCE923D-69AE-11D9-BED3-505054503030': 'Directory Service Replication',
  '0CCE923E-69AE-11D9-BED3-505054503030': 'Detailed Directory Service Replication',
  '0CCE923F-69AE-11D9-BED3-505054503030': 'Credential Validation',
  '0CCE9240-69AE-11D9-BED3-505054503030': 'Kerberos Service Ticket Operations',
  '0CCE9241-69AE-11D9-BED3-505054503030': 'Other Account Logon Events',
  '0CCE9242-69AE-11D9-BED3-505054503030': 'Kerberos Authentication Service',
  '0CCE9243-69AE-11D9-BED3-505054503030': 'Network Policy Server',
  '0CCE9244-69AE-11D9-BED3-505054503030': 'Detailed File Share',
  '0CCE9245-69AE-11D9-BED3-505054503030': 'Removable Storage',
  '0CCE9246-69AE-11D9-BED3-505054503030': 'Central Policy Staging',
  '0CCE9247-69AE-11D9-BED3-505054503030': 'User / Device Claims',
  '0CCE9248-69AE-11D9-BED3-505054503030': 'Plug and Play Events',
  '0CCE9249-69AE-11D9-BED3-505054503030': 'Group Membership',
  '0CCE924A-69AE-11D9-BED3-505054503030': 'Token Right Adjusted Events',
  '0CCE924B-69AE-11D9-BED3-505054503030': 'Access Rights',
};

export interface AuditRow {
  guid: string;
  category: string;
  success: boolean | null;
  failure: boolean | null;
}

/** "Success and Failure" in English, German, French, Spanish, Portuguese, Italian; null when unknown. */
export function inclusionSetting(v: string): { success: boolean | null; failure: boolean | null } {
  const s = v.trim().toLowerCase();
  if (!s) return { success: null, failure: null };
  if (/no auditing|keine|pas d.audit|aucun|sin audit|nenhum|sem audit|nessun/.test(s)) return { success: false, failure: false };
  const failure = /failure|fehler|chec|error|falha|\berro\b|non riuscit/.test(s);
  const success = /success|erfolg|succ|correct|acierto|xito|sucesso|riuscit/.test(s.replace(/non riuscit\w*/g, ''));
  if (!failure && !success) return { success: null, failure: null };
  return { success, failure };
}

const GUID = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/;

/** Rows keyed by GUID; null when no row with a GUID is found (an error message, not CSV). */
export function parseAuditpolCsv(text: string): AuditRow[] | null {
  const rows = new Map<string, AuditRow>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const gi = cells.findIndex((c) => GUID.test(c));
    if (gi < 0) continue;
    const guid = GUID.exec(cells[gi]!)![1]!.toUpperCase();
    const text = (cells[gi - 1] ?? '').trim();
    const name = AUDIT_SUBCATEGORIES[guid] ?? (text || guid);
    rows.set(guid, { guid, category: name.slice(0, 128), ...inclusionSetting(cells[gi + 1] ?? '') });
  }
  return rows.size ? [...rows.values()] : null;
}
