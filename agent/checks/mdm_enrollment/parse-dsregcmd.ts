// `dsregcmd /status`: how the device is joined (Entra ID, on-premises domain, both, neither) and, under
// Tenant Details, the tenant's MDM URLs. The labels are the same English identifiers in every Windows
// language; values are YES / NO. An MdmUrl means the tenant has MDM auto-enrolment configured, which is
// NOT proof that this device enrolled (the Enrollments registry says that). Pure; never throws.

export interface DsregStatus {
  azureAdJoined: boolean | null;
  domainJoined: boolean | null;
  enterpriseJoined: boolean | null;
  workplaceJoined: boolean | null;
  domainName: string | null;
  tenantName: string | null;
  mdmUrl: string | null;
}

function yesNo(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  if (/^yes$/i.test(v)) return true;
  if (/^no$/i.test(v)) return false;
  return null;
}

/** null when no join state at all is in the text. */
export function parseDsregcmd(text: string): DsregStatus | null {
  const kv = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z][A-Za-z -]*?)\s*:\s*(.*?)\s*$/.exec(raw);
    if (m && !kv.has(m[1]!.toLowerCase())) kv.set(m[1]!.toLowerCase(), m[2]!);
  }
  const s: DsregStatus = {
    azureAdJoined: yesNo(kv.get('azureadjoined')),
    domainJoined: yesNo(kv.get('domainjoined')),
    enterpriseJoined: yesNo(kv.get('enterprisejoined')),
    workplaceJoined: yesNo(kv.get('workplacejoined')),
    domainName: kv.get('domainname') || null,
    tenantName: kv.get('tenantname') || null,
    mdmUrl: /^https?:\/\//i.test(kv.get('mdmurl') ?? '') ? kv.get('mdmurl')! : null,
  };
  if (s.azureAdJoined === null && s.domainJoined === null && s.enterpriseJoined === null && s.mdmUrl === null) return null;
  return s;
}

/** entra (Entra ID only), hybrid (Entra ID and domain), domain, workgroup; null when not reported. */
export function joinTypeOf(s: DsregStatus): 'entra' | 'hybrid' | 'domain' | 'workgroup' | null {
  if (s.azureAdJoined === true) return s.domainJoined === true ? 'hybrid' : s.domainJoined === false ? 'entra' : null;
  if (s.domainJoined === true || s.enterpriseJoined === true) return 'domain';
  if (s.azureAdJoined === false && s.domainJoined === false) return 'workgroup';
  return null;
}
