// Which Windows this is, from HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion (plus Win32_OperatingSystem
// ProductType) or, as a fallback, from `systeminfo`. Pure; never throws.
//
// Traps: on Windows 11 the registry ProductName still says "Windows 10 …" (Microsoft never changed it), so
// the client name comes from the build (22000 and later is Windows 11). Server names come from the
// product name or, failing that, the build. systeminfo labels are translated, so its lines are found by
// their values (a "10.0.19042 … 19042" version, a "Windows" name), not their labels.
import { num, rec, str } from '../windows-common.js';

export interface WinVersion {
  family: 'windows' | 'windows-server';
  /** "Windows 11", "Windows 10", "Windows Server 2022", "Windows 7". */
  name: string;
  /** "10.0.22631". */
  version: string;
  /** Major build, "22631". */
  build: string | null;
  /** Update build revision (the monthly patch number), e.g. 4460 in 22631.4460. */
  ubr: number | null;
  /** "Pro", "Enterprise LTSC 2021", "Datacenter"; EditionID when the product name has none. */
  edition: string | null;
  /** "23H2" (DisplayVersion) or "2009" (ReleaseId). */
  displayVersion: string | null;
  productName: string | null;
}

const SERVER_BY_BUILD: Record<number, string> = { 14393: 'Windows Server 2016', 17763: 'Windows Server 2019', 20348: 'Windows Server 2022', 26100: 'Windows Server 2025' };
const CLIENT_BY_VERSION: Record<string, string> = { '6.0': 'Windows Vista', '6.1': 'Windows 7', '6.2': 'Windows 8', '6.3': 'Windows 8.1' };

/** What the product name says after "Windows 10" / "Windows Server 2019"; "" when nothing. */
export function editionFromProductName(productName: string): string {
  return productName
    .replace(/^\s*(Microsoft\s+)?Windows\s+(Server\s+)?(\d{4}(\s+R2)?|\d+(\.\d)?|Vista|XP)?\s*/i, '')
    .replace(/\s*(\(R\)|®)\s*/g, ' ')
    .trim();
}

function editionOf(productName: string | null, editionId: string | null): string | null {
  let e = productName ? editionFromProductName(productName) : '';
  if (!e && editionId) e = editionId;
  // EditionID "EnterpriseS" / "IoTEnterpriseS" is the long-term servicing channel.
  if (e && editionId && /^(IoT)?Enterprise(S|SN)$/i.test(editionId) && !/LTS[BC]/i.test(e)) e = `${e} LTSC`;
  return e ? e.slice(0, 128) : null;
}

function build(major: number, minor: number, buildNo: number | null, productName: string | null, server: boolean, ubr: number | null, editionId: string | null, displayVersion: string | null): WinVersion {
  let name: string;
  if (server) {
    name = /Windows Server \d{4}( R2)?/i.exec(productName ?? '')?.[0] ?? (buildNo !== null ? SERVER_BY_BUILD[buildNo] : undefined) ?? 'Windows Server';
  } else if (major >= 10) {
    name = buildNo !== null && buildNo >= 22000 ? 'Windows 11' : 'Windows 10';
  } else {
    name = CLIENT_BY_VERSION[`${major}.${minor}`] ?? (productName?.replace(/^Microsoft\s+/i, '').trim() || 'Windows');
  }
  return {
    family: server ? 'windows-server' : 'windows',
    name,
    version: `${major}.${minor}${buildNo !== null ? `.${buildNo}` : ''}`,
    build: buildNo !== null ? String(buildNo) : null,
    ubr,
    edition: editionOf(productName, editionId),
    displayVersion,
    productName,
  };
}

/**
 * From the CurrentVersion registry values (as RegVals prints them) and Win32_OperatingSystem.ProductType
 * (1 workstation, 2 domain controller, 3 server). null when the build cannot be told.
 */
export function winVersionFromRegistry(cvIn: unknown, productType?: unknown): WinVersion | null {
  const cv = rec(cvIn);
  if (!cv) return null;
  const productName = str(cv.ProductName)?.trim() || null;
  const buildNo = num(cv.CurrentBuild) ?? num(cv.CurrentBuildNumber);
  let major = num(cv.CurrentMajorVersionNumber);
  let minor = num(cv.CurrentMinorVersionNumber);
  if (major === null) {
    const m = /^(\d+)\.(\d+)/.exec(str(cv.CurrentVersion) ?? '');
    if (m) {
      major = Number(m[1]);
      minor = Number(m[2]);
    }
  }
  if (buildNo === null || major === null) return null;
  const pt = num(productType);
  const server = pt === 2 || pt === 3 || (pt === null && /server/i.test(`${str(cv.InstallationType) ?? ''} ${productName ?? ''}`));
  const displayVersion = str(cv.DisplayVersion)?.trim() || str(cv.ReleaseId)?.trim() || null;
  return build(major, minor ?? 0, buildNo, productName, server, num(cv.UBR), str(cv.EditionID)?.trim() || null, displayVersion);
}

/** From `systeminfo` in any language. null when no Windows version line is found. */
export function parseSysteminfo(text: string): WinVersion | null {
  const values = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => /^\S/.test(l))
    .map((l) => {
      const i = l.indexOf(':');
      return i > 0 ? l.slice(i + 1).trim() : '';
    });
  const vi = values.findIndex((v) => /^\d+\.\d+\.\d{3,5}\b/.test(v));
  if (vi < 0) return null;
  const vm = /^(\d+)\.(\d+)\.(\d{3,5})/.exec(values[vi]!)!;
  const name = values.slice(0, vi).reverse().find((v) => /windows/i.test(v)) ?? null;
  const productName = name ? name.replace(/^Microsoft\s+/i, '').trim() : null;
  const server = /server/i.test(productName ?? '');
  return build(Number(vm[1]), Number(vm[2]), Number(vm[3]), productName, server, null, null, null);
}
